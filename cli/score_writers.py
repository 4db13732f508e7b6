"""How `tfp-pixel score` and `tfp-pixel outliers` write their results: an
aligned table, one JSON object, or CSV, a row at a time as results come.

A writer takes a scorer (`tfp_pixel.engine.kinds.images.scoring.Scorer` or a
subclass): its `columns` (`(field, header, format)` after `path`), `mean`,
`run_dir`, `longest_name()`, the class columns it has (`labelled`,
`classifying`, `accuracy`), and an optional `summary()` of what it reports
beyond the rows. Its `row`, `skip` and `end` return the text to print.
"""

import json

import click

__all__ = ['WRITERS', 'echo_results']


def echo_results(scorer, output_format):
  """Prints a scorer's results in `output_format` (a key of `WRITERS`) as
  they come, each skipped path and its reason on stderr; returns how many
  paths were skipped."""
  from tfp_pixel.engine.kinds.images import scoring  # pylint: disable=g-import-not-at-top
  writer = WRITERS[output_format](scorer)
  skipped = 0
  for result in scorer:
    if isinstance(result, scoring.Skipped):
      click.echo('{}: {}'.format(result.path, result.reason), err=True)
      writer.skip(result)
      skipped += 1
    else:
      click.echo(writer.row(result), nl=False)
  click.echo(writer.end(), nl=False)
  return skipped


class _Table(object):
  """An aligned table: the run, a header, a row per image, the mean and the
  accuracy; the path column as wide as the longest path can be."""

  def __init__(self, scorer):
    self._scorer = scorer
    self._classes = _class_columns(scorer)
    self._width = None

  def row(self, image_score):
    text = ''
    if self._width is None:
      self._width = self._scorer.longest_name()
      header = '{:<{w}}'.format('image', w=self._width) + ''.join(
          '  {:>12}'.format(title) for _, title, _ in self._scorer.columns)
      text = 'Run: {}\n{}\n'.format(
          self._scorer.run_dir,
          header + ''.join('  {:>9}'.format(c) for c in self._classes))
    return text + self._line(image_score)

  def skip(self, skipped):
    del skipped

  def end(self):
    mean = self._scorer.mean
    if mean is None:
      return 'No images scored.\n'
    text = self._line(mean, is_mean=True)
    if self._scorer.accuracy is not None:
      text += 'accuracy: {:.1%} ({} of {})\n'.format(
          self._scorer.accuracy, self._scorer.correct, self._scorer.count)
    return text + ''.join(
        '{}: {}\n'.format(key, _text(value))
        for key, value in _summary(self._scorer).items()
        if value is not None)

  def _line(self, row, is_mean=False):
    line = '{:<{w}}'.format(row.path, w=self._width) + ''.join(
        '  {:>12}'.format(_text(getattr(row, name), form))
        for name, _, form in self._scorer.columns)
    return line + ''.join(
        '  {:>9}'.format(_text(value)) for value in _cells(
            row, self._classes, self._scorer, '', is_mean)) + '\n'


class _Json(object):
  """One JSON object (`run`, `images`, `mean`, `skipped`, `accuracy`), its
  `images` list written an image at a time."""

  def __init__(self, scorer):
    self._scorer = scorer
    self._columns = _columns(scorer) + _class_columns(scorer)
    self._skipped = []
    self._started = False

  def row(self, image_score):
    text = ',\n' if self._started else self._start('[\n')
    self._started = True
    return text + self._indented(dict(zip(
        self._columns, _cells(image_score, self._columns, self._scorer,
                              None))), 4)

  def skip(self, skipped):
    self._skipped.append(skipped._asdict())

  def end(self):
    text = '\n  ],\n' if self._started else self._start('[],\n')
    mean = self._scorer.mean
    rest = {'mean': None if mean is None else dict(zip(
        self._columns, _cells(mean, self._columns, self._scorer, None,
                              is_mean=True))),
            'skipped': self._skipped}
    if self._scorer.accuracy is not None:
      rest['accuracy'] = self._scorer.accuracy
    rest.update(_summary(self._scorer))
    return text + ',\n'.join(
        '  {}: {}'.format(json.dumps(key), self._indented(value, 2).lstrip())
        for key, value in rest.items()) + '\n}\n'

  def _start(self, images):
    """The object's opening up to its `images` list, `images` after it."""
    return '{{\n  "run": {},\n  "images": {}'.format(
        json.dumps(self._scorer.run_dir), images)

  @staticmethod
  def _indented(value, spaces):
    return '\n'.join(' ' * spaces + line
                     for line in json.dumps(value, indent=2).splitlines())


class _Csv(object):
  """A header line, then a line per image and the mean."""

  def __init__(self, scorer):
    self._scorer = scorer
    self._columns = _columns(scorer) + _class_columns(scorer)
    self._started = False

  def row(self, image_score):
    text = '' if self._started else self._line(self._columns)
    self._started = True
    return text + self._line(
        _cells(image_score, self._columns, self._scorer, ''))

  def skip(self, skipped):
    del skipped

  def end(self):
    text = '' if self._started else self._line(self._columns)
    mean = self._scorer.mean
    if mean is not None:
      text += self._line(_cells(mean, self._columns, self._scorer, '',
                                is_mean=True))
    return text

  @staticmethod
  def _line(values):
    import csv  # pylint: disable=g-import-not-at-top
    import io  # pylint: disable=g-import-not-at-top
    out = io.StringIO()
    csv.writer(out, lineterminator='\n').writerow(values)
    return out.getvalue()


def _summary(scorer):
  """What a scorer reports beyond its rows (`summary()`, a `dict` of JSON
  values), or nothing."""
  summary = getattr(scorer, 'summary', None)
  return summary() if summary is not None else {}


def _columns(scorer):
  """The path and score columns of the results."""
  return ('path',) + tuple(name for name, _, _ in scorer.columns)


def _class_columns(scorer):
  """The label columns of the results: label, predicted and correct."""
  columns = ()
  if scorer.labelled:
    columns += ('label',)
  if scorer.classifying:
    columns += ('predicted',)
  if scorer.labelled and scorer.classifying:
    columns += ('correct',)
  return columns


def _text(value, form='.3f'):
  """A table cell: floats in `form`, flags as yes/no, nothing for
  `None`."""
  if value is None:
    return ''
  if isinstance(value, bool):
    return 'yes' if value else 'no'
  if isinstance(value, float):
    return format(value, form or '.3f')
  return str(value)


def _cells(row, columns, scorer, missing, is_mean=False):
  """The values of `columns` in a row (`missing` for `None`); `correct` of
  the mean is the accuracy."""
  values = []
  for column in columns:
    if column == 'correct':
      value = scorer.accuracy if is_mean else int(row.predicted == row.label)
    else:
      value = getattr(row, column)
    values.append(missing if value is None else value)
  return values


WRITERS = {'table': _Table, 'json': _Json, 'csv': _Csv}
