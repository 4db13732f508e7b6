"""`tfp-pixel outliers`: how unusual images are under a trained model, and
how well each method tells two sets apart (`outliers evaluate`)."""

import json
import sys

import click

from tfp_pixel.families import registry

from . import options
from . import score_writers

__all__ = ['outliers']

# Read without loading TensorFlow, as the model options are.
_METHODS = registry.module_constant('tfp_pixel.outliers.methods', 'METHODS')


class _ScoreByDefault(click.Group):
  """A group whose arguments, unless they name a subcommand, are those of
  its `score` subcommand: `outliers IMAGES...` is `outliers score
  IMAGES...`."""

  def parse_args(self, ctx, args):
    if args and args[0] not in self.commands and args[0] not in (
        '-h', '--help'):
      args = ['score'] + list(args)
    return super().parse_args(ctx, args)


_background_option = click.option(
    '--background', 'background', metavar='BG_RUN', default=None,
    type=click.Path(file_okay=False),
    help='The background model of the run (tfp-pixel train --background-for '
         'RUN), for the likelihood ratio (llr).')
_batch_size_option = click.option(
    '--batch-size', metavar='N', type=click.IntRange(1), default=64,
    show_default=True, help='Images per forward pass.')


@click.group(cls=_ScoreByDefault)
def outliers():
  """Outlier scores of images (higher = more unusual), in bits/dim.

  tfp-pixel outliers IMAGES... scores images (the same as outliers score);
  tfp-pixel outliers evaluate measures every method on inliers against
  outliers.

  Methods: nll, the raw -log2 p(x)/D (the default: the best worst case on
  digits, though the papers show it fooled by simpler images elsewhere); llr,
  log2 p_bg(x)/D - log2 p(x)/D against a background model trained on mutated
  images (Ren et al. 2019; train --background-for); complexity, -log2 p(x)/D
  minus the PNG bits per dimension of the image at the model's levels (Serra
  et al. 2020); typicality, |-log2 p(x)/D - H| with H the mean over
  in-distribution images (Nalisnick et al. 2019).
  """


@outliers.command('score')
@click.argument('paths', nargs=-1, required=True, metavar='IMAGES...')
@options.run_option
@_background_option
@click.option('--method', type=click.Choice(_METHODS), default=None,
              help='Score to report. Default: nll, the best worst case of '
                   'bench/outliers.py (see the README\'s Outliers).')
@click.option('--reference', metavar='PATH', multiple=True,
              help='In-distribution images the model did not train on '
                   '(repeatable): they set the threshold at --fpr, and '
                   'each image gets a verdict; typicality measures against '
                   'their mean and tests all IMAGES as one batch.')
@click.option('--fpr', metavar='RATE', type=click.FloatRange(
    0., 1., min_open=True, max_open=True), default=0.05, show_default=True,
              help='Share of in-distribution images the threshold flags.')
@options.score_format_option
@_batch_size_option
@options.checkpoint_option
@options.data_dir_option
@options.verbose_option
def score(paths, run_dir, background, method, reference, fpr, output_format,
          batch_size, checkpoint, data_dir):
  """Score images (files, folders, .npy/.npz, IDX, TFDS names such as
  mnist:test): how unusual each is.

  Unreadable paths are named on stderr and the rest are scored; the exit
  code is 1 if any path was skipped.
  """
  with options.user_errors():
    from tfp_pixel.outliers import scoring  # pylint: disable=g-import-not-at-top
    scorer = scoring.outlier_scorer(
        paths, run_dir, background, method, list(reference) or None, fpr,
        batch_size, checkpoint, data_dir)
    skipped = score_writers.echo_results(scorer, output_format)
  if skipped:
    click.echo('{} path(s) skipped.'.format(skipped), err=True)
    sys.exit(1)


@outliers.command('evaluate')
@click.option('--inliers', metavar='PATH', multiple=True, required=True,
              help='In-distribution images the model did not train on '
                   '(repeatable).')
@click.option('--outliers', 'outlier_paths', metavar='PATH', multiple=True,
              required=True, help='Images from elsewhere (repeatable).')
@options.run_option
@_background_option
@click.option('--reference', metavar='PATH', multiple=True,
              help='Other in-distribution images for typicality\'s typical '
                   'NLL (default: the run\'s validation figure).')
@click.option('--histogram', metavar='PNG', default=None,
              type=click.Path(dir_okay=False),
              help='Also write the histograms of both sets\' scores, one '
                   'panel per method.')
@click.option('--format', 'output_format', type=click.Choice(['table',
                                                             'json']),
              default='table', show_default=True, help='Output format.')
@_batch_size_option
@options.checkpoint_option
@options.data_dir_option
@options.verbose_option
def evaluate(inliers, outlier_paths, run_dir, background, reference,
             histogram, output_format, batch_size, checkpoint, data_dir):
  """AUROC, AUPRC and FPR at 95% TPR of every available method.

  Outliers are the positive class; llr needs --background, typicality a
  reference or the run's validation figure.
  """
  with options.user_errors():
    from tfp_pixel.outliers import evaluation as evaluation_lib  # pylint: disable=g-import-not-at-top
    from tfp_pixel.outliers import histograms  # pylint: disable=g-import-not-at-top
    result = evaluation_lib.evaluate(
        list(inliers), list(outlier_paths), run_dir, background,
        list(reference) or None, batch_size, checkpoint, data_dir)
    for skipped in result.skipped:
      click.echo('{}: {}'.format(skipped.path, skipped.reason), err=True)
    if histogram:
      histograms.write_histograms(histogram, result.scores, titles={
          r.method: '{} (AUROC {:.3f})'.format(r.method, r.auroc)
          for r in result.results})
  if output_format == 'json':
    click.echo(json.dumps(dict(
        run=result.run_dir, background=result.background_dir,
        inliers=result.num_inliers, outliers=result.num_outliers,
        typical_nll=result.typical_nll,
        methods=[r._asdict() for r in result.results],
        skipped=[s._asdict() for s in result.skipped]), indent=2))
  else:
    click.echo('Run: {}{}\n{} inliers, {} outliers'.format(
        result.run_dir, '\nBackground: {}'.format(result.background_dir)
        if result.background_dir else '', result.num_inliers,
        result.num_outliers))
    click.echo('{:<12}{:>8}{:>8}{:>14}'.format('method', 'AUROC', 'AUPRC',
                                               'FPR@95%TPR'))
    for r in result.results:
      click.echo('{:<12}{:>8.3f}{:>8.3f}{:>14.3f}'.format(
          r.method, r.auroc, r.auprc, r.fpr_at_95_tpr))
  if histogram:
    click.echo('Histograms: {}'.format(histogram), err=True)
  if result.skipped:
    click.echo('{} path(s) skipped.'.format(len(result.skipped)), err=True)
    sys.exit(1)
