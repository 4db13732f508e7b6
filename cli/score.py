"""`tfp-pixel score`: negative log-likelihood of image files."""

import json
import sys

import click

from . import options

__all__ = ['score']

_COLUMNS = ('path', 'nll', 'bits_per_dim', 'nll_levels', 'bits_per_dim_levels')


@click.command()
@click.argument('paths', nargs=-1, required=True, metavar='PATH...')
@options.score_format_option
@click.option('--batch-size', metavar='N', type=click.IntRange(1), default=64,
              show_default=True, help='Images per forward pass.')
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
@options.run_option
@options.verbose_option
def score(paths, output_format, batch_size, checkpoint, label,
          labels_from_data, classify, run_dir):
  """Score images (files or folders): NLL in nats and bits/dim.

  Bits/dim use the 8-bit convention (a K-level model spreads each level's mass
  uniformly over the 8-bit values it covers), comparable across models;
  *_levels columns are the model's own figures on its quantized levels.
  .npy/.npz and IDX files are scored image by image (FILE[i]).
  Unreadable paths are reported on stderr, and the exit code is 1 if any
  path was skipped.

  A class-conditional run scores log p(image | label) and needs --label,
  --labels-from-data or --classify (which scores each image under its
  predicted class unless a label is given).
  """
  with options.user_errors():
    from tfp_pixel.engine import scoring  # pylint: disable=g-import-not-at-top
    report = scoring.score(paths, run_dir=run_dir, batch_size=batch_size,
                             which=checkpoint, label=label,
                             labels_from_data=labels_from_data,
                             classify=classify)
  for skipped in report.skipped:
    click.echo('{}: {}'.format(skipped.path, skipped.reason), err=True)
  rows = list(report.scores) + ([report.mean] if report.mean else [])
  click.echo(_FORMATTERS[output_format](rows, report), nl=False)
  if report.skipped:
    click.echo('{} path(s) skipped.'.format(len(report.skipped)), err=True)
    sys.exit(1)


def _table(rows, report):
  if not rows:
    return 'No images scored.\n'
  width = max(len(r.path) for r in rows)
  classes = _class_columns(report)
  header = '{:<{w}}  {:>12}  {:>12}  {:>12}  {:>12}'.format(
      'image', 'nll (nats)', 'bits/dim', 'nll levels', 'bits/dim lvl',
      w=width)
  lines = ['Run: {}'.format(report.run_dir),
           header + ''.join('  {:>9}'.format(c) for c in classes)]
  for r in rows:
    line = '{:<{w}}  {:>12.2f}  {:>12.4f}  {:>12.2f}  {:>12.4f}'.format(
        r.path, r.nll, r.bits_per_dim, r.nll_levels, r.bits_per_dim_levels,
        w=width)
    lines.append(line + ''.join(
        '  {:>9}'.format(_text(_cell(r, c, report, ''))) for c in classes))
  if report.accuracy is not None:
    correct = sum(s.predicted == s.label for s in report.scores)
    lines.append('accuracy: {:.1%} ({} of {})'.format(
        report.accuracy, correct, len(report.scores)))
  return '\n'.join(lines) + '\n'


def _json(rows, report):
  del rows
  columns = _COLUMNS + _class_columns(report)
  result = {
      'run': report.run_dir,
      'images': [{c: _cell(r, c, report, None) for c in columns}
                 for r in report.scores],
      'mean': ({c: _cell(report.mean, c, report, None) for c in columns}
               if report.mean else None),
      'skipped': [s._asdict() for s in report.skipped],
  }
  if report.accuracy is not None:
    result['accuracy'] = report.accuracy
  return json.dumps(result, indent=2) + '\n'


def _csv(rows, report):
  import csv  # pylint: disable=g-import-not-at-top
  import io  # pylint: disable=g-import-not-at-top
  columns = _COLUMNS + _class_columns(report)
  out = io.StringIO()
  writer = csv.writer(out, lineterminator='\n')
  writer.writerow(columns)
  for r in rows:
    writer.writerow([_cell(r, c, report, '') for c in columns])
  return out.getvalue()


def _class_columns(report):
  """The label columns a report needs: label, predicted and correct."""
  columns = ()
  if any(s.label is not None for s in report.scores):
    columns += ('label',)
  if any(s.predicted is not None for s in report.scores):
    columns += ('predicted',)
  if report.accuracy is not None:
    columns += ('correct',)
  return columns


def _text(value):
  return '{:.3f}'.format(value) if isinstance(value, float) else str(value)


def _cell(row, column, report, missing):
  """The value of `column` in a row; `correct` of the mean is the accuracy."""
  if column == 'correct':
    if row is report.mean:
      return report.accuracy
    return int(row.predicted == row.label)
  value = getattr(row, column)
  return missing if value is None else value


_FORMATTERS = {'table': _table, 'json': _json, 'csv': _csv}
