"""`tfp-pixel score`: negative log-likelihood of image files."""

import contextlib
import sys

import click

from tfp_pixel import bounds

from . import options
from . import score_writers

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
@options.data_dir_option
@options.run_option
@options.verbose_option
def score(paths, output_format, batch_size, checkpoint, label,
          labels_from_data, classify, per_pixel, data_dir, run_dir):
  """Score images (files or folders): NLL in nats and bits/dim.

  Bits/dim use the 8-bit convention (a K-level model spreads each level's mass
  uniformly over the 8-bit values it covers), comparable across models;
  *_levels columns are the model's own figures on its quantized levels.
  .npy/.npz and IDX files, and TFDS names (mnist:test, read from
  --data-dir), are scored image by image (FILE[i]).
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
  with options.user_errors():
    scorer, maps = _scorer(paths, run_dir, batch_size, checkpoint, label,
                           labels_from_data, classify, per_pixel, data_dir)
    with maps or contextlib.nullcontext():
      skipped = score_writers.echo_results(scorer, output_format)
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
            classify, per_pixel=None, data_dir=None):
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
                                     batch_size=batch_size, which=checkpoint,
                                     data_dir=data_dir), None
  kwargs = dict(run_dir=run, batch_size=batch_size, which=checkpoint,
                label=label, labels_from_data=labels_from_data,
                classify=classify, data_dir=data_dir)
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
