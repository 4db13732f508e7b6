"""Image grids, and writing images to PNG or NPY files atomically."""

import math
import os

import numpy as np

from tfp_pixel.engine import files

__all__ = ['completion_grid', 'image_grid', 'save_images', 'write_png']


def image_grid(images, num_columns=None, padding=1):
  """Tiles images into one image, row by row.

  Args:
    images: uint8 `np.ndarray` `[n, height, width, channels]`, `n >= 1`.
    num_columns: Python `int`; defaults to `ceil(sqrt(n))`.
    padding: Python `int`, black pixels between tiles.

  Returns:
    grid: uint8 `np.ndarray` `[rows * (height + padding) - padding,
      columns * (width + padding) - padding, channels]`.
  """
  images = np.asarray(images, dtype=np.uint8)
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


def completion_grid(images, known, completions, hidden_value=128):
  """One row per image: the original, the occluded image, its completions.

  Args:
    images: uint8 `np.ndarray` `[batch, height, width, channels]`.
    known: bool, broadcastable to `images`; hidden pixels are shown as
      `hidden_value`.
    completions: uint8 `np.ndarray` `[n, batch, height, width, channels]`.
    hidden_value: Python `int`, the gray of hidden pixels.

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
  return image_grid(tiles, num_columns=len(completions) + 2)


def write_png(path, image):
  """Writes a uint8 `[height, width, 1 or 3]` image to `path` atomically."""
  from PIL import Image  # pylint: disable=g-import-not-at-top
  image = np.asarray(image, np.uint8)
  pil = Image.fromarray(image[..., 0] if image.shape[-1] == 1 else image)
  files.write_atomically(path, lambda f: pil.save(f, format='PNG'))


def save_images(images, path, num_columns=None):
  """Saves images as a PNG grid (`*.png`) or as an array (`*.npy`).

  Args:
    images: uint8 `np.ndarray` `[n, height, width, channels]`.
    path: output file name ending in `.png` or `.npy`.
    num_columns: Python `int`, columns of the PNG grid; defaults to
      `ceil(sqrt(n))`.

  Raises:
    ValueError: if `path` has another extension.
  """
  suffix = os.path.splitext(str(path))[1].lower()
  if suffix == '.png':
    write_png(path, image_grid(images, num_columns))
  elif suffix == '.npy':
    array = np.asarray(images, np.uint8)
    files.write_atomically(path, lambda f: np.save(f, array))
  else:
    raise ValueError(
        'Output file must end in .png or .npy, got {}.'.format(path))

