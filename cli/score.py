"""`tfp-pixel score`: negative log-likelihood of image files."""

import contextlib
import json
import sys

import click

from tfp_pixel import bounds

from . import options

__all__ = ['score']



@click.command()
@click.argument('paths', nargs=-1, required=True, metavar='PATH...')
@options.score_format_option
@click.option('--batch-size', metavar='N', type=click.IntRange(1), default=64,
              show_default=True,
              help='Images per forward pass (at most {:,} image values).'
              .format(bounds.SCORE_BATCH_VALUES))
@options.checkpoint_option
@click.option('--label', metavar='K', type=click.IntRange(0), default=None,
              help='Class-conditional run: score every image under class K '
                   '(with --classify: the images\' true class).')
@click.option('--labels-from-data', is_flag=True, default=False,
              help='Class-conditional run: each image\'s class from its data: '
                   'class sub-folders of a PATH folder (named 0, 1, ...), the '
                   'labels of a PATH .npz, or the labels file beside a PATH '
                   'IDX images file.')
@click.option('--classify', is_flag=True, default=False,
              help='Class-conditional run: predict each image\'s class as '
                   'argmax over K of log p(image | K); with labels, report '
                   'the accuracy.')
@click.option('--per-pixel', 'per_pixel', metavar='DIR', default=None,
              help='Also write each image\'s per-pixel maps to DIR (created '
                   'if missing; not a link): NAME.npy, its per-channel '
                   'log-probabilities in nats (float32 HxWxC, summing to '
                   'minus nll levels), and NAME.png, the image as the model '
                   'sees it beside its heat map of bits per pixel, all on '
                   'one colour scale. NAME is the file name without its '
                   'extension (NAME-i for image i of an array file), '
                   'characters other than letters, digits and ._+- as _; '
                   'a name already given gets -2, -3, ... in scoring '
                   'order.')
@options.run_option
@options.verbose_option
def score(paths, output_format, batch_size, checkpoint, label,
          labels_from_data, classify, per_pixel, run_dir):
  """Score images (files or folders): NLL in nats and bits/dim.

  Bits/dim use the 8-bit convention (a K-level model spreads each level's mass
  uniformly over the 8-bit values it covers), comparable across models;
  *_levels columns are the model's own figures on its quantized levels.
  .npy/.npz and IDX files are scored image by image (FILE[i]).
  Images are scored a batch at a time and each result printed as it comes.
  Unreadable paths are reported on stderr, and the exit code is 1 if any
  path was skipped; images of another size or channel count than the run's
  are converted to it, with one note on stderr.

  A class-conditional run scores log p(image | label) and needs --label,
  --labels-from-data or --classify (which scores each image under its
  predicted class unless a label is given).

  A prior run (train --prior-for) scores the bound -log p(x | codes) -
  log p(codes) >= -log p(x) in nats and bits/dim, the prior's bits per code
  and the VQ-VAE's reconstruction error.

  --per-pixel DIR writes each image's per-pixel maps (not for a prior run).
  """
  skipped = 0
  maps = None
  with options.user_errors():
    from tfp_pixel.engine.kinds.images import scoring  # pylint: disable=g-import-not-at-top
    scorer, maps = _scorer(paths, run_dir, batch_size, checkpoint, label,
                           labels_from_data, classify, per_pixel)
    with maps or contextlib.nullcontext():
      writer = _WRITERS[output_format](scorer)
      for result in scorer:
        if isinstance(result, scoring.Skipped):
          click.echo('{}: {}'.format(result.path, result.reason), err=True)
          writer.skip(result)
          skipped += 1
        else:
          click.echo(writer.row(result), nl=False)
      click.echo(writer.end(), nl=False)
      if maps is not None:
        maps.finish()
  note = _conversion_note(scorer.conversions, scorer.image_shape)
  if note:
    click.echo(note, err=True)
  if maps is not None:
    click.echo(_maps_note(maps), err=True)
  if skipped:
    click.echo('{} path(s) skipped.'.format(skipped), err=True)
    sys.exit(1)


def _scorer(paths, run_dir, batch_size, checkpoint, label, labels_from_data,
            classify, per_pixel=None):
  """The scorer of the run (a prior run's bound, or a model's NLL) and the
  `heat_maps.MapWriter` of `per_pixel` (`None` without)."""
  from tfp_pixel.engine import loading  # pylint: disable=g-import-not-at-top
  from tfp_pixel.engine import prior_runs  # pylint: disable=g-import-not-at-top
  from tfp_pixel.engine.kinds.images import bound_scoring  # pylint: disable=g-import-not-at-top
  from tfp_pixel.engine.kinds.images import per_pixel_scoring  # pylint: disable=g-import-not-at-top
  from tfp_pixel.engine.kinds.images import scoring  # pylint: disable=g-import-not-at-top
  run = loading.open_run(run_dir, kind='images')
  if prior_runs.is_prior_run(run.config):
    if label is not None or labels_from_data or classify:
      raise ValueError('{} is a prior over codes: it takes no labels.'.format(
          run.path))
    if per_pixel is not None:
      raise ValueError('{} is a prior over codes: it scores a bound, which has '
                       'no per-pixel terms (--per-pixel).'.format(run.path))
    return bound_scoring.BoundScorer(paths, run_dir=run,
                                     batch_size=batch_size,
                                     which=checkpoint), None
  kwargs = dict(run_dir=run, batch_size=batch_size, which=checkpoint,
                label=label, labels_from_data=labels_from_data,
                classify=classify)
  if per_pixel is None:
    return scoring.Scorer(paths, **kwargs), None
  return per_pixel_scoring.with_maps(paths, per_pixel, **kwargs)


def _maps_note(maps):
  """The line saying how many per-pixel maps were written where."""
  text = 'Wrote {} per-pixel map(s) to {}'.format(maps.count, maps.folder)
  if maps.count:
    text += ' (colour scale 0 to {:.3g} bits per pixel)'.format(maps.top)
  return text + '.'


def _conversion_note(conversions, image_shape):
  """One line saying how many images were converted to the run's shape, or
  `None`."""
  resized, channels = conversions
  recolored = 'converted from {}'.format(
      'RGB to gray' if image_shape[2] == 1 else 'gray to RGB')
  if resized and channels:
    what = '{} image(s) resized and {} {}'.format(resized, channels,
                                                  recolored)
  elif resized or channels:
    what = '{} image(s) {}'.format(resized or channels,
                                   'resized' if resized else recolored)
  else:
    return None
  return 'Note: {} to fit the run\'s {} images.'.format(
      what, 'x'.join(map(str, image_shape)))


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
    return text

  def _line(self, row, is_mean=False):
    line = '{:<{w}}'.format(row.path, w=self._width) + ''.join(
        '  {:>12{}}'.format(getattr(row, name), form)
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


def _text(value):
  return '{:.3f}'.format(value) if isinstance(value, float) else str(value)


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


_WRITERS = {'table': _Table, 'json': _Json, 'csv': _Csv}
