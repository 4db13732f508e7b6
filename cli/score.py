"""`tfp-pixel score`: negative log-likelihood of image files."""

import json
import sys

import click

from cli import options

__all__ = ['score']

_COLUMNS = ('path', 'nll', 'bits_per_dim', 'nll_levels', 'bits_per_dim_levels')


@click.command()
@click.argument('paths', nargs=-1, required=True, metavar='PATH...')
@click.option('--format', 'output_format', type=click.Choice(
    ['table', 'json', 'csv']), default='table', show_default=True,
              help='Output format.')
@click.option('--batch-size', metavar='N', type=click.IntRange(1), default=64,
              show_default=True, help='Images per forward pass.')
@click.option('--checkpoint', type=click.Choice(['best', 'last']),
              default='best', show_default=True,
              help='Best-validation or last checkpoint of the run.')
@options.run_option
def score(paths, output_format, batch_size, checkpoint, run_dir):
  """Score images (files or folders): NLL in nats and bits/dim.

  Bits/dim use the 8-bit convention (a K-level model spreads each level's mass
  uniformly over the 8-bit values it covers), comparable across models;
  *_levels columns are the model's own figures on its quantized levels.
  Unreadable paths are reported on stderr, and the exit code is 1 if any
  path was skipped.
  """
  with options.user_errors():
    import tfp_pixel  # pylint: disable=g-import-not-at-top
    report = tfp_pixel.score(paths, run_dir=run_dir, batch_size=batch_size,
                             which=checkpoint)
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
  lines = ['Run: {}'.format(report.run_dir),
           '{:<{w}}  {:>12}  {:>12}  {:>12}  {:>12}'.format(
               'image', 'nll (nats)', 'bits/dim', 'nll levels',
               'bits/dim lvl', w=width)]
  for r in rows:
    lines.append('{:<{w}}  {:>12.2f}  {:>12.4f}  {:>12.2f}  {:>12.4f}'.format(
        r.path, r.nll, r.bits_per_dim, r.nll_levels, r.bits_per_dim_levels,
        w=width))
  return '\n'.join(lines) + '\n'


def _json(rows, report):
  return json.dumps({
      'run': report.run_dir,
      'images': [r._asdict() for r in report.scores],
      'mean': report.mean._asdict() if report.mean else None,
      'skipped': [s._asdict() for s in report.skipped],
  }, indent=2) + '\n'


def _csv(rows, report):
  del report
  import csv  # pylint: disable=g-import-not-at-top
  import io  # pylint: disable=g-import-not-at-top
  out = io.StringIO()
  writer = csv.writer(out, lineterminator='\n')
  writer.writerow(_COLUMNS)
  for r in rows:
    writer.writerow(list(r))
  return out.getvalue()


_FORMATTERS = {'table': _table, 'json': _json, 'csv': _csv}
