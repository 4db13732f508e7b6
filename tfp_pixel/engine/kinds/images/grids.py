"""Image grids, and writing images to PNG or NPY files atomically.

A grid enlarges every image pixel to a `scale x scale` square (nearest
neighbour, so that pixels stay crisp), by default the smallest `scale` that
makes each tile at least `MIN_TILE_PIXELS` (64) pixels on its longer side:
8x8 images are drawn 8 times larger, 28x28 ones 3 times, 32x32 ones twice, and
images of 64 pixels or more at their own size. Tiles are `GAP_PIXELS` (2)
apart, the gap light gray when the images' borders are dark on average (digits
on black) and dark gray otherwise, so that neighbouring images never merge.

A PNG grid is held whole in memory to be encoded: one of more than
`bounds.MAX_GRID_PIXELS` pixels is refused (`check_grid`) before anything is
drawn. Arrays (`.npy`) keep the raw images and are written a batch at a time
(`write_npy`), so that their size is bounded by the disk alone.
"""

import io
import math
import os
import shutil

import numpy as np

from tfp_pixel import bounds
from tfp_pixel.engine import files

__all__ = ['GAP_PIXELS', 'MIN_TILE_PIXELS', 'check_grid', 'check_output',
           'completion_grid', 'default_scale', 'grid_shape', 'image_grid',
           'save_images', 'write_npy', 'write_png']

MIN_TILE_PIXELS = 64
GAP_PIXELS = 2
_LIGHT_GAP = 224
_DARK_GAP = 32


def default_scale(height, width):
  """The smallest integer scale making a `height x width` tile at least
  `MIN_TILE_PIXELS` on its longer side (1 for images that large)."""
  return max(1, -(-MIN_TILE_PIXELS // max(int(height), int(width), 1)))


def grid_shape(num_images, image_shape, num_columns=None, scale=None,
               padding=GAP_PIXELS):
  """The `(height, width, channels)` of the grid `image_grid` would draw.

  Args:
    num_images: Python `int >= 1`, the images.
    image_shape: `(height, width, channels)` of each image.
    num_columns: Python `int`; defaults to `ceil(sqrt(num_images))`.
    scale: Python `int >= 1`; `None` for `default_scale`.
    padding: Python `int`, pixels between tiles.

  Raises:
    ValueError: if `scale` is not a positive integer.
  """
  height, width, channels = (int(d) for d in image_shape)
  scale = _checked_scale(scale, height, width)
  num_columns = int(num_columns or math.ceil(math.sqrt(num_images)))
  num_rows = -(-int(num_images) // num_columns)
  return (num_rows * (scale * height + padding) - padding,
          num_columns * (scale * width + padding) - padding, channels)


def check_grid(num_images, image_shape, num_columns=None, scale=None,
               padding=GAP_PIXELS, advice='draw fewer images or lower the '
               'scale'):
  """Raises a one-line `ValueError` for a grid of more than
  `bounds.MAX_GRID_PIXELS` pixels (arguments as `grid_shape`; `advice`, what
  to do, ends the message)."""
  height, width, channels = grid_shape(num_images, image_shape, num_columns,
                                       scale, padding)
  if height * width > bounds.MAX_GRID_PIXELS:
    raise ValueError(
        'A PNG grid of {} images of {}x{} at scale {} would be {}x{} ({}, {}); '
        'a grid is held whole in memory and may have {} at most: {}.'.format(
            num_images, image_shape[0], image_shape[1],
            _checked_scale(scale, *image_shape[:2]), width, height,
            bounds.format_pixels(height * width),
            bounds.format_bytes(height * width * channels),
            bounds.format_pixels(bounds.MAX_GRID_PIXELS), advice))


def check_output(path, num_images, image_shape, num_columns=None, scale=None,
                 advice='draw fewer images or lower the scale',
                 dtype=np.uint8):
  """Checks, before any work, that `num_images` images can be written to
  `path`: its folder exists, a `.png` grid is within `bounds.MAX_GRID_PIXELS`,
  a `.npy` array of `dtype` fits in the folder's free disk space. `advice`
  ends the message of a grid that is too large.

  Raises:
    OSError: if the folder does not exist or the disk is too small.
    ValueError: for another extension, or a grid that is too large.
  """
  path = os.fspath(path)
  folder = os.path.dirname(os.path.abspath(path))
  if not os.path.isdir(folder):
    raise FileNotFoundError('{}: no such folder (to write {}).'.format(
        os.path.dirname(path) or '.', path))
  suffix = _suffix(path)
  if suffix == '.png':
    check_grid(num_images, image_shape, num_columns, scale, advice=advice)
  else:
    needed = _npy_header_size(num_images, image_shape) + num_images * int(
        np.prod(image_shape)) * np.dtype(dtype).itemsize
    free = shutil.disk_usage(folder).free
    if needed > free:
      raise OSError(
          '{}: {} images of {} need {} on disk; {} has {} free.'.format(
              path, num_images, 'x'.join(map(str, image_shape)),
              bounds.format_bytes(needed), folder, bounds.format_bytes(free)))


def image_grid(images, num_columns=None, padding=GAP_PIXELS, scale=None,
               gap_value=None):
  """Tiles images into one image, row by row, each pixel `scale` times larger.

  Args:
    images: uint8 `np.ndarray` `[n, height, width, channels]`, `n >= 1`.
    num_columns: Python `int`; defaults to `ceil(sqrt(n))`.
    padding: Python `int`, pixels between tiles (in the grid's pixels).
    scale: Python `int >= 1`, the side of the square each image pixel
      becomes (nearest neighbour); `None` for `default_scale`.
    gap_value: Python `int`, the gray of the gaps; `None`: light gray (224)
      when the images' border pixels are dark on average, else dark gray
      (32).

  Returns:
    grid: uint8 `np.ndarray` `[rows * (scale * height + padding) - padding,
      columns * (scale * width + padding) - padding, channels]`.

  Raises:
    ValueError: if `scale` is not a positive integer, or the grid would have
      more than `bounds.MAX_GRID_PIXELS` pixels.
  """
  images = np.asarray(images, dtype=np.uint8)
  n, height, width, _ = images.shape
  scale = _checked_scale(scale, height, width)
  num_columns = num_columns or int(math.ceil(math.sqrt(n)))
  check_grid(n, images.shape[1:], num_columns, scale, padding)
  if gap_value is None:
    gap_value = _LIGHT_GAP if _border_mean(images) < 128 else _DARK_GAP
  grid = np.full(grid_shape(n, images.shape[1:], num_columns, scale, padding),
                 gap_value, np.uint8)
  tile_height, tile_width = scale * height + padding, scale * width + padding
  for i, image in enumerate(images):
    row, col = divmod(i, num_columns)
    top, left = row * tile_height, col * tile_width
    grid[top:top + scale * height, left:left + scale * width] = (
        image.repeat(scale, axis=0).repeat(scale, axis=1))
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


def write_npy(path, batches, num_images, image_shape, dtype=np.uint8):
  """Writes image batches to one `.npy` array atomically, a batch at a time.

  The header (`dtype [num_images, *image_shape]`) is written first, then
  each batch as it comes, so that only one batch is held.

  Args:
    path: the `.npy` file.
    batches: iterable of `[n, *image_shape]` arrays of `dtype`, `n`s adding
      up to `num_images`.
    num_images: Python `int`, the images in all.
    image_shape: `(height, width, channels)`.
    dtype: the array's `np.dtype`: uint8 images, or int32 levels.

  Raises:
    ValueError: if the batches do not hold `num_images` images of
      `image_shape` (nothing is then written).
  """
  shape = (int(num_images),) + tuple(int(d) for d in image_shape)

  def write(f):
    np.lib.format.write_array_header_1_0(f, _npy_header(shape, dtype))
    written = 0
    for batch in batches:
      batch = np.asarray(batch, dtype)
      if batch.shape[1:] != shape[1:] or written + len(batch) > shape[0]:
        raise ValueError('a batch of shape {} does not fit {} images of {}.'
                         .format(list(batch.shape), shape[0],
                                 list(shape[1:])))
      f.write(np.ascontiguousarray(batch).tobytes())
      written += len(batch)
    if written != shape[0]:
      raise ValueError('{} images written of {}.'.format(written, shape[0]))

  files.write_atomically(path, write)


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
    ValueError: if `path` has another extension, or the grid is too large.
  """
  suffix = _suffix(path)
  images = np.asarray(images, np.uint8)
  if suffix == '.png':
    write_png(path, image_grid(images, num_columns, scale=scale))
  else:
    write_npy(path, [images], len(images), images.shape[1:])


def _suffix(path):
  """`'.png'` or `'.npy'`, the extension of `path` in lower case.

  Raises:
    ValueError: for another extension.
  """
  suffix = os.path.splitext(os.fspath(path))[1].lower()
  if suffix not in ('.png', '.npy'):
    raise ValueError(
        'Output file must end in .png or .npy, got {}.'.format(path))
  return suffix


def _npy_header(shape, dtype=np.uint8):
  return {'descr': np.dtype(dtype).str, 'fortran_order': False,
          'shape': shape}


def _npy_header_size(num_images, image_shape):
  header = io.BytesIO()
  np.lib.format.write_array_header_1_0(
      header, _npy_header((int(num_images),) + tuple(image_shape)))
  return len(header.getvalue())


def _border_mean(images):
  """The mean value of the outermost pixels of `[n, h, w, c]` images."""
  border = np.concatenate([images[:, 0].ravel(), images[:, -1].ravel(),
                           images[:, :, 0].ravel(), images[:, :, -1].ravel()])
  return float(border.mean())


def _checked_scale(scale, height, width):
  """`scale` as a Python `int`, `default_scale` for `None`.

  Raises:
    ValueError: if it is not a positive integer.
  """
  if scale is None:
    return default_scale(height, width)
  if isinstance(scale, bool) or int(scale) != scale or scale < 1:
    raise ValueError('`scale` must be a positive integer, got {!r}.'.format(
        scale))
  return int(scale)
