"""`tfp-pixel complete`: fill in the hidden part of images with a trained model."""

import click

__all__ = ['complete']

MASKS = ('bottom-half', 'right-half')


@click.command()
@click.option('--run', 'run_dir', required=True, metavar='RUN_DIR',
              type=click.Path(exists=True, file_okay=False),
              help='Training run directory holding the model to use.')
@click.argument('images', nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False))
@click.option('--mask', default='bottom-half', show_default=True,
              metavar='bottom-half|right-half|FILE',
              help='Which pixels are hidden: the bottom or right half, or an '
              'image file whose black pixels are hidden and white ones '
              'known.')
@click.option('-n', '--num-completions', default=4, show_default=True,
              type=click.IntRange(min=1), metavar='N',
              help='Completions per image.')
@click.option('--seed', default=0, show_default=True, type=int,
              metavar='INT', help='Random seed.')
@click.option('-o', '--output', required=True, metavar='OUT.png',
              type=click.Path(dir_okay=False, writable=True),
              help='Grid to write: per image, the original, the occluded '
              'image and the completions.')
def complete(run_dir, images, mask, num_completions, seed, output):
  """Completes IMAGES with the model of RUN_DIR and writes a grid."""
  import numpy as np  # pylint: disable=g-import-not-at-top
  import tfp_pixel  # pylint: disable=g-import-not-at-top
  from tfp_pixel import data  # pylint: disable=g-import-not-at-top

  dist = tfp_pixel.load(run_dir)
  image_shape = tuple(dist.event_shape.as_list())
  pictures = np.stack([np.asarray(data.read_image(path, image_shape))
                       for path in images])
  known = _known_mask(mask, image_shape, data)
  try:
    completions = tfp_pixel.complete(
        dist, _to_events(dist, pictures), known, n=num_completions,
        seed=seed)
  except ValueError as error:
    raise click.ClickException(str(error)) from None
  completions = _to_uint8(dist, np.asarray(completions))
  occluded = np.where(known, pictures, 128).astype(np.uint8)
  rows = [[pictures[i], occluded[i], *completions[:, i]]
          for i in range(len(pictures))]
  _write_grid(output, rows)
  click.echo('Wrote {} ({} image(s), {} completion(s) each).'.format(
      output, len(pictures), num_completions))


def _known_mask(spec, image_shape, data):
  """`[H, W, 1]` bool mask of known pixels from a `--mask` value."""
  import numpy as np  # pylint: disable=g-import-not-at-top
  height, width, _ = image_shape
  known = np.ones([height, width, 1], bool)
  if spec == 'bottom-half':
    known[height // 2:] = False
  elif spec == 'right-half':
    known[:, width // 2:] = False
  else:
    try:
      picture = np.asarray(data.read_image(spec, (height, width, 1)))
    except (OSError, ValueError) as error:
      raise click.BadParameter(
          'expected {} or an image file ({})'.format(
              ' or '.join(MASKS), error), param_hint='--mask') from None
    known = picture > 127
  return known


def _to_events(dist, pictures):
  """uint8 pictures as events of `dist` (levels, or values in [low, high])."""
  import numpy as np  # pylint: disable=g-import-not-at-top
  import tfp_pixel  # pylint: disable=g-import-not-at-top
  if hasattr(dist, 'num_levels'):
    return tfp_pixel.quantize(pictures, dist.num_levels)
  low, high = dist.parameters['low'], dist.parameters['high']
  values = low + np.round(pictures / 255. * (high - low))
  return values.astype(dist.dtype.as_numpy_dtype)


def _to_uint8(dist, events):
  import numpy as np  # pylint: disable=g-import-not-at-top
  import tfp_pixel  # pylint: disable=g-import-not-at-top
  if hasattr(dist, 'num_levels'):
    return np.asarray(tfp_pixel.dequantize(events, dist.num_levels))
  low, high = dist.parameters['low'], dist.parameters['high']
  return np.round((events - low) / (high - low) * 255.).astype(np.uint8)


def _write_grid(path, rows, gap=2):
  """Writes rows of `[H, W, C]` uint8 pictures as one PNG, gray gaps."""
  import numpy as np  # pylint: disable=g-import-not-at-top
  from PIL import Image  # pylint: disable=g-import-not-at-top
  height, width, channels = rows[0][0].shape
  columns = max(len(row) for row in rows)
  grid = np.full([len(rows) * (height + gap) + gap,
                  columns * (width + gap) + gap, channels], 64, np.uint8)
  for r, row in enumerate(rows):
    for c, picture in enumerate(row):
      top, left = gap + r * (height + gap), gap + c * (width + gap)
      grid[top:top + height, left:left + width] = picture
  Image.fromarray(grid[..., 0] if channels == 1 else grid).save(path)
