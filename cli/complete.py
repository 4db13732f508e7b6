"""`tfp-pixel complete`: fill in the hidden part of images with a trained run."""

import click

from tfp_pixel import bounds

from . import options

__all__ = ['complete']


@click.command()
@click.argument('images', nargs=-1, required=True,
                type=click.Path(dir_okay=False))
@click.option('--mask', default='bottom-half', show_default=True,
              metavar='bottom-half|right-half|FILE',
              help='Hidden pixels: the bottom or right half, or an image file '
              'whose dark pixels are hidden and white ones known.')
@click.option('-n', '--num-completions', metavar='N', type=click.IntRange(1),
              default=4, show_default=True,
              help='Completions per image (drawn in batches; the grid is '
                   'held whole and may have {} at most).'.format(
                       bounds.format_pixels(bounds.MAX_GRID_PIXELS)))
@click.option('--label', metavar='K', type=click.IntRange(0), default=None,
              help='Class of the completions; needed by (and only by) a '
                   'class-conditional run.')
@click.option('-o', '--output', metavar='FILE.png', required=True,
              type=click.Path(dir_okay=False),
              help='Grid to write: per image, the original, the occluded '
              'image and the completions.')
@options.scale_option
@options.checkpoint_option
@options.run_option
@options.seed_option
@options.verbose_option
def complete(images, mask, num_completions, label, output, scale, checkpoint,
             run_dir, seed):
  """Complete occluded IMAGES with a trained model; write a PNG grid."""
  if not output.lower().endswith('.png'):
    raise click.BadParameter('must end in .png.', param_hint='--output')
  with options.user_errors():
    import numpy as np  # pylint: disable=g-import-not-at-top
    from tfp_pixel import data  # pylint: disable=g-import-not-at-top
    from tfp_pixel.engine.kinds.images import generation  # pylint: disable=g-import-not-at-top
    from tfp_pixel.engine.kinds.images import grids  # pylint: disable=g-import-not-at-top
    from tfp_pixel.engine import loading  # pylint: disable=g-import-not-at-top
    from tfp_pixel.engine.kinds import images as image_kind  # pylint: disable=g-import-not-at-top
    run = loading.open_run(run_dir, kind=image_kind.NAME)
    if run.config.get('code_prior'):
      raise ValueError('{} is a prior over the codes of a VQ-VAE: complete '
                       'reads models of pixels (sample and score read prior '
                       'runs).'.format(run.path))
    image_shape = tuple(run.config['image_shape'])
    grids.check_output(output, len(images) * (num_completions + 2),
                       image_shape, num_columns=num_completions + 2,
                       scale=scale, advice='give fewer images, lower -n or '
                       '--scale')
    pictures = np.stack([data.read_image(path, image_shape)
                         for path in images])
    known = generation.occlusion_mask(mask, image_shape)
    completions = generation.complete_images(
        pictures, known, run, num_completions, seed, which=checkpoint,
        label=label)
    grids.write_png(output, grids.completion_grid(pictures, known,
                                                  completions, scale=scale))
  click.echo('Wrote {} ({} image(s), {} completion(s) each)'.format(
      output, len(pictures), num_completions))
