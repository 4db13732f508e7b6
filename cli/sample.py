"""`tfp-pixel sample`: draw images from a trained run."""

import click

from tfp_pixel import bounds

from . import options

__all__ = ['sample']


@click.command()
@click.option('-n', '--num-samples', metavar='N', type=click.IntRange(1),
              default=16, show_default=True,
              help='Number of images (per class in the per-class grid). A '
                   '.npy array is written a batch at a time and must fit '
                   'on the disk; a PNG grid is held whole and may have {} '
                   'at most.'.format(bounds.format_pixels(
                       bounds.MAX_GRID_PIXELS)))
@click.option('--label', metavar='K', type=click.IntRange(0), default=None,
              help='Class of every image, for a class-conditional run. '
                   'Without it, such a run draws a per-class grid: one row '
                   'of N images per class.')
@options.temperature_option
@click.option('-o', '--output', metavar='FILE', required=True,
              type=click.Path(dir_okay=False),
              help='Output: .png (a grid) or .npy (uint8 [N, H, W, C]; the '
                   'int32 levels for a run of more than 256 levels).')
@click.option('--codes', 'codes_output', metavar='FILE', default=None,
              type=click.Path(dir_okay=False),
              help='A prior run (train --prior-for): also write the codes '
                   'drawn, .npy (int32 [N, h, w]), or .npz of top and bottom '
                   'for a VQ-VAE-2.')
@options.scale_option
@options.checkpoint_option
@options.run_option
@options.seed_option
@options.verbose_option
def sample(num_samples, label, temperature, output, codes_output, scale,
           checkpoint, run_dir, seed):
  """Sample images from a trained model into a PNG grid or NPY array.

  A prior run (train --prior-for) draws codes with its prior(s) and decodes
  them with its VQ-VAE.
  """
  if not output.lower().endswith(('.png', '.npy')):
    raise click.BadParameter('must end in .png or .npy.',
                             param_hint='--output')
  if scale is not None and not output.lower().endswith('.png'):
    raise click.BadParameter('applies to a .png grid; a .npy array keeps the '
                             'images as they are.', param_hint='--scale')
  with options.user_errors():
    import numpy as np  # pylint: disable=g-import-not-at-top
    from tfp_pixel.engine.kinds.images import conditioning  # pylint: disable=g-import-not-at-top
    from tfp_pixel.engine.kinds.images import generation  # pylint: disable=g-import-not-at-top
    from tfp_pixel.engine.kinds.images import grids  # pylint: disable=g-import-not-at-top
    from tfp_pixel.engine import configs  # pylint: disable=g-import-not-at-top
    from tfp_pixel.engine import loading  # pylint: disable=g-import-not-at-top
    from tfp_pixel.engine.kinds import images as image_kind  # pylint: disable=g-import-not-at-top
    from tfp_pixel.engine import prior_runs  # pylint: disable=g-import-not-at-top
    run = loading.open_run(run_dir, kind=image_kind.NAME)
    if prior_runs.is_prior_run(run.config):
      _sample_prior(run, num_samples, label, temperature, output,
                    codes_output, scale, checkpoint, seed)
      return
    if codes_output is not None:
      raise click.BadParameter('applies to a prior run (train --prior-for).',
                               param_hint='--codes')
    image_shape = tuple(run.config['image_shape'])
    per_class = label is None and conditioning.is_conditional(run.config)
    labels, count, columns = label, num_samples, None
    if per_class:
      labels = conditioning.per_class_labels(run.config['num_classes'],
                                             num_samples, None)
      count, columns = len(labels), num_samples
    # A .npy of a run over more than 256 levels keeps the levels (codes).
    as_levels = (output.lower().endswith('.npy') and
                 configs.levels_are_data(run.config))
    dtype = np.int32 if as_levels else np.uint8
    grids.check_output(output, count, image_shape, num_columns=columns,
                       scale=scale, advice='lower -n or --scale, or write '
                       '.npy (streamed to disk)', dtype=dtype)
    batches = generation.sample_batches(
        run, count, temperature=temperature, seed=seed, which=checkpoint,
        label=labels, as_levels=as_levels)
    if output.lower().endswith('.npy'):
      grids.write_npy(output, batches, count, image_shape, dtype=dtype)
    else:
      grids.write_png(output, grids.image_grid(
          np.concatenate(list(batches)), num_columns=columns, scale=scale))
  if per_class:
    click.echo('Wrote {} samples of classes 0-{} ({} each, one row per '
               'class) to {}'.format(count, labels[-1], num_samples, output))
  elif label is not None:
    click.echo('Wrote {} samples of class {} to {}'.format(
        count, label, output))
  else:
    click.echo('Wrote {} samples to {}'.format(count, output))


def _sample_prior(run, num_samples, label, temperature, output, codes_output,
                  scale, checkpoint, seed):
  """`sample` of a prior run: codes drawn and decoded, a batch at a time."""
  import numpy as np  # pylint: disable=g-import-not-at-top
  from tfp_pixel.engine import prior_runs  # pylint: disable=g-import-not-at-top
  from tfp_pixel.engine.kinds.images import grids  # pylint: disable=g-import-not-at-top
  from tfp_pixel.engine.kinds.images import prior_generation  # pylint: disable=g-import-not-at-top
  if label is not None:
    raise ValueError('{} is a prior over codes: it takes no --label.'.format(
        run.path))
  if codes_output is not None and not codes_output.lower().endswith(
      ('.npy', '.npz')):
    raise click.BadParameter('must end in .npy or .npz.',
                             param_hint='--codes')
  model = prior_runs.load_two_stage(run, checkpoint, temperature)
  grids.check_output(output, num_samples, model.image_shape, scale=scale,
                     advice='lower -n or --scale, or write .npy (streamed to '
                     'disk)')
  codes = []

  def images_of(batches):
    for batch_images, batch_codes in batches:
      if codes_output is not None:
        codes.append(batch_codes)
      yield batch_images

  images = images_of(prior_generation.sample_batches(model, num_samples,
                                                     seed))
  if output.lower().endswith('.npy'):
    grids.write_npy(output, images, num_samples, model.image_shape)
  else:
    grids.write_png(output, grids.image_grid(np.concatenate(list(images)),
                                             scale=scale))
  if codes_output is not None:
    prior_generation.write_codes(codes_output, [
        np.concatenate([c[k] for c in codes]) for k in range(len(codes[0]))])
  click.echo('Wrote {} samples to {}{}'.format(
      num_samples, output, '' if codes_output is None else
      ' and their codes to {}'.format(codes_output)))
