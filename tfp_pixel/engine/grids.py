"""Image grids, and writing images to PNG or NPY files atomically.

A grid enlarges every image pixel to a `scale x scale` square (nearest
neighbour, so that pixels stay crisp), by default the smallest `scale` that
makes each tile at least `MIN_TILE_PIXELS` (64) pixels on its longer side:
8x8 images are drawn 8 times larger, 28x28 ones 3 times, 32x32 ones twice, and
images of 64 pixels or more at their own size. Arrays (`.npy`) keep the raw
images.
"""

import math
import os

import numpy as np

from tfp_pixel.engine import files

__all__ = ['MIN_TILE_PIXELS', 'completion_grid', 'default_scale', 'image_grid',
           'save_images', 'write_png']

MIN_TILE_PIXELS = 64


def default_scale(height, width):
  """The smallest integer scale making a `height x width` tile at least
  `MIN_TILE_PIXELS` on its longer side (1 for images that large)."""
  return max(1, -(-MIN_TILE_PIXELS // max(int(height), int(width), 1)))


def image_grid(images, num_columns=None, padding=1, scale=None):
  """Tiles images into one image, row by row, each pixel `scale` times larger.

  Args:
    images: uint8 `np.ndarray` `[n, height, width, channels]`, `n >= 1`.
    num_columns: Python `int`; defaults to `ceil(sqrt(n))`.
    padding: Python `int`, black pixels between tiles (in the grid's pixels).
    scale: Python `int >= 1`, the side of the square each image pixel
      becomes (nearest neighbour); `None` for `default_scale`.

  Returns:
    grid: uint8 `np.ndarray` `[rows * (scale * height + padding) - padding,
      columns * (scale * width + padding) - padding, channels]`.

  Raises:
    ValueError: if `scale` is not a positive integer.
  """
  images = _scaled(np.asarray(images, dtype=np.uint8), scale)
  n, height, width, channels = images.shape
  num_columns = num_columns or int(math.ceil(math.sqrt(n)))
  num_rows = int(math.ceil(n / num_columns))
  grid = np.zeros([num_rows * (height + padding) - padding,
                   num_columns * (width + padding) - padding, channels],
                  np.uint8)
  for i, image in enumerate(images):
    row, col = divmod(i, num_columns)
    top, left = row * (height + padding), col * (width + padding)
    grid[top:top + height, left:left + width] = image
  return grid


def completion_grid(images, known, completions, hidden_value=128, scale=None):
  """One row per image: the original, the occluded image, its completions.

  Args:
    images: uint8 `np.ndarray` `[batch, height, width, channels]`.
    known: bool, broadcastable to `images`; hidden pixels are shown as
      `hidden_value`.
    completions: uint8 `np.ndarray` `[n, batch, height, width, channels]`.
    hidden_value: Python `int`, the gray of hidden pixels.
    scale: Python `int`, as in `image_grid`.

  Returns:
    grid: uint8 `np.ndarray`, as `image_grid` with `n + 2` columns.
  """
  images = np.asarray(images, np.uint8)
  known = np.asarray(known, bool)
  if known.ndim == images.ndim - 2:
    known = known[..., np.newaxis]
  occluded = np.where(known, images, np.uint8(hidden_value))
  tiles = np.concatenate(
      [images[np.newaxis], occluded[np.newaxis],
       np.asarray(completions, np.uint8)], axis=0)
  tiles = np.swapaxes(tiles, 0, 1).reshape((-1,) + images.shape[1:])
  return image_grid(tiles, num_columns=len(completions) + 2, scale=scale)


def write_png(path, image):
  """Writes a uint8 `[height, width, 1 or 3]` image to `path` atomically."""
  from PIL import Image  # pylint: disable=g-import-not-at-top
  image = np.asarray(image, np.uint8)
  pil = Image.fromarray(image[..., 0] if image.shape[-1] == 1 else image)
  files.write_atomically(path, lambda f: pil.save(f, format='PNG'))


def save_images(images, path, num_columns=None, scale=None):
  """Saves images as a PNG grid (`*.png`) or as an array (`*.npy`).

  Args:
    images: uint8 `np.ndarray` `[n, height, width, channels]`.
    path: output file name ending in `.png` or `.npy`.
    num_columns: Python `int`, columns of the PNG grid; defaults to
      `ceil(sqrt(n))`.
    scale: Python `int`, the PNG grid's pixel scale (see `image_grid`); an
      array keeps the images as they are.

  Raises:
    ValueError: if `path` has another extension.
  """
  suffix = os.path.splitext(str(path))[1].lower()
  if suffix == '.png':
    write_png(path, image_grid(images, num_columns, scale=scale))
  elif suffix == '.npy':
    array = np.asarray(images, np.uint8)
    files.write_atomically(path, lambda f: np.save(f, array))
  else:
    raise ValueError(
        'Output file must end in .png or .npy, got {}.'.format(path))


def _scaled(images, scale):
  """`[n, h, w, c]` images with every pixel a `scale x scale` square."""
  if scale is None:
    scale = default_scale(*images.shape[1:3])
  if isinstance(scale, bool) or int(scale) != scale or scale < 1:
    raise ValueError('`scale` must be a positive integer, got {!r}.'.format(
        scale))
  scale = int(scale)
  return images.repeat(scale, axis=1).repeat(scale, axis=2)
