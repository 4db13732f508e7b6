"""`tfp-pixel sample`: draw images from a trained run."""

import click

from . import options

__all__ = ['sample']


@click.command()
@click.option('-n', '--num-samples', metavar='N', type=click.IntRange(1),
              default=16, show_default=True,
              help='Number of images (per class in the per-class grid).')
@click.option('--label', metavar='K', type=click.IntRange(0), default=None,
              help='Class of every image, for a class-conditional run. '
                   'Without it, such a run draws a per-class grid: one row '
                   'of N images per class.')
@click.option('--temperature', metavar='T', type=click.FloatRange(
    0., min_open=True), default=1., show_default=True,
              help='Sampling temperature (< 1: sharper).')
@click.option('-o', '--output', metavar='FILE', required=True,
              type=click.Path(dir_okay=False),
              help='Output: .png (a grid) or .npy (uint8 [N, H, W, C]).')
@options.scale_option
@options.checkpoint_option
@options.run_option
@options.seed_option
@options.verbose_option
def sample(num_samples, label, temperature, output, scale, checkpoint,
           run_dir, seed):
  """Sample images from a trained model into a PNG grid or NPY array."""
  if not output.lower().endswith(('.png', '.npy')):
    raise click.BadParameter('must end in .png or .npy.',
                             param_hint='--output')
  if scale is not None and not output.lower().endswith('.png'):
    raise click.BadParameter('applies to a .png grid; a .npy array keeps the '
                             'images as they are.', param_hint='--scale')
  with options.user_errors():
    from tfp_pixel.engine import conditional_runs  # pylint: disable=g-import-not-at-top
    from tfp_pixel.engine import generation  # pylint: disable=g-import-not-at-top
    from tfp_pixel.engine import grids  # pylint: disable=g-import-not-at-top
    from tfp_pixel.engine import runs  # pylint: disable=g-import-not-at-top
    run = runs.open_run(run_dir, images=True)
    per_class = label is None and conditional_runs.is_conditional(run.config)
    if per_class:
      images, labels = generation.sample_per_class(
          run, num_samples, temperature=temperature, seed=seed,
          which=checkpoint)
      grids.save_images(images, output, num_columns=num_samples,
                        scale=scale)
    else:
      images = generation.sample_images(
          run, num_samples, temperature=temperature, seed=seed,
          which=checkpoint, label=label)
      grids.save_images(images, output, scale=scale)
  if per_class:
    click.echo('Wrote {} samples of classes 0-{} ({} each, one row per '
               'class) to {}'.format(len(images), labels[-1], num_samples,
                                     output))
  elif label is not None:
    click.echo('Wrote {} samples of class {} to {}'.format(
        len(images), label, output))
  else:
    click.echo('Wrote {} samples to {}'.format(len(images), output))
