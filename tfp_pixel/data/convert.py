"""Parsing of image shapes and conversion of images to a target shape.

Every loaded image ends up as uint8 `[H, W, C]` with `C` in {1, 3}. Conversion
resizes (area averaging when shrinking, antialiased bilinear otherwise), turns
gray into RGB by repeating the channel and RGB into gray with the ITU-R 601-2
luma weights (as Pillow does), and drops an alpha channel.
"""

import numpy as np
import tensorflow as tf

from tfp_pixel.data.errors import DataError

__all__ = [
    'as_image_array',
    'check_shape',
    'convert_images',
    'parse_shape',
    'stack_images',
]

_LUMA_WEIGHTS = np.array([0.299, 0.587, 0.114], np.float32)
_RESIZE_CHUNK = 512


def parse_shape(text):
  """Parses an image shape written as `HxWxC` or `HxW` (then `C = 1`).

  Args:
    text: Python `str` such as `'32x32x3'` or `'28x28'`.

  Returns:
    shape: `(height, width, channels)` tuple of Python `int`s.

  Raises:
    DataError: if `text` is not two or three positive integers joined by `x`,
      or the number of channels is not 1 or 3.
  """
  if not isinstance(text, str):
    raise DataError('image shape must be text like 28x28x1, got {!r}.'.format(
        text))
  parts = text.strip().lower().split('x')
  if len(parts) not in (2, 3) or not all(p.strip().isdigit() for p in parts):
    raise DataError(
        'image shape {!r} is not HxWxC or HxW (e.g. 28x28x1).'.format(text))
  dims = tuple(int(p) for p in parts) + ((1,) if len(parts) == 2 else ())
  return check_shape(dims)


def check_shape(shape):
  """Returns `shape` (text or a sequence) as an `(H, W, C)` tuple of `int`s.

  Raises:
    DataError: if it is not three positive integers with `C` in {1, 3}.
  """
  if isinstance(shape, str):
    return parse_shape(shape)
  try:
    dims = tuple(int(d) for d in shape)
    exact = all(d == s for d, s in zip(dims, shape))
  except (TypeError, ValueError):
    dims, exact = (), False
  if len(dims) != 3 or not exact or min(dims) < 1:
    raise DataError(
        'image shape must be (height, width, channels) of positive integers, '
        'got {!r}.'.format(shape))
  if dims[2] not in (1, 3):
    raise DataError(
        'image shape {}x{}x{} has {} channels; expected 1 (gray) or 3 (RGB).'
        .format(*dims, dims[2]))
  return dims


def convert_images(images, shape, source='images'):
  """Converts images to `shape`: resizes them and converts gray <-> RGB.

  Args:
    images: array of shape `[N, H, W]` or `[N, H, W, C]` with `C` in
      {1, 3, 4} (the alpha channel of RGBA is dropped). uint8, integers in
      `[0, 255]`, or floats in `[0, 1]` (scaled by 255) or `[0, 255]`.
    shape: target `(height, width, channels)`, or text like `'28x28x1'`;
      `None` keeps the size and only makes the channels 1 or 3.
    source: name of the images' file or source, for error messages.

  Returns:
    images: uint8 `np.ndarray` of shape `[N, height, width, channels]`.

  Raises:
    DataError: if the images have the wrong rank, channel count or values.
  """
  images = as_image_array(images, source)
  if shape is None:
    return _to_uint8(images)
  height, width, channels = check_shape(shape)
  if images.shape[1:] == (height, width, channels):
    return _to_uint8(images)
  values = images.astype(np.float32)
  if values.shape[-1] == 3 and channels == 1:
    values = values @ _LUMA_WEIGHTS[:, np.newaxis]
  if values.shape[1:3] != (height, width):
    values = _resize(values, height, width)
  if values.shape[-1] == 1 and channels == 3:
    values = np.repeat(values, 3, axis=-1)
  return np.clip(np.round(values), 0, 255).astype(np.uint8)


def stack_images(images, sources, shape):
  """Converts a list of images of any shapes to one `[N, H, W, C]` array.

  Args:
    images: `list` of `[H, W, C]` arrays (`C` in {1, 3, 4}), at least one.
    sources: `list` of the names of their files or sources, for errors.
    shape: target `(height, width, channels)`; `None` needs every image to
      have the same shape (an alpha channel aside).

  Returns:
    images: uint8 `np.ndarray` of shape `[N, H, W, C]`.

  Raises:
    DataError: if `shape` is `None` and the images differ in shape.
  """
  if shape is None:
    first_of_shape = {}
    for image, source in zip(images, sources):
      first_of_shape.setdefault(_without_alpha(image.shape), source)
    if len(first_of_shape) > 1:
      (shape_a, a), (shape_b, b) = list(first_of_shape.items())[:2]
      raise DataError(
          'images differ in shape: {} is {} but {} is {}; pass a shape such as '
          '28x28x1 to convert them.'.format(a, _format(shape_a), b,
                                            _format(shape_b)))
    return convert_images(np.stack([image[..., :3] for image in images]), None,
                          source=sources[0])
  shape = check_shape(shape)
  # Images of one source shape are converted together, as one batch.
  groups = {}
  for index, image in enumerate(images):
    groups.setdefault(image.shape, []).append(index)
  stacked = np.empty((len(images),) + shape, np.uint8)
  for indices in groups.values():
    stacked[indices] = convert_images(
        np.stack([images[i] for i in indices]), shape,
        source=sources[indices[0]])
  return stacked


def as_image_array(images, source='images'):
  """Checks rank, channels and values; returns `[N, H, W, C]`, `C` in {1, 3}.

  uint8 images are returned as they are (less any alpha channel); other
  dtypes are returned as float32 in `[0, 255]`.

  Raises:
    DataError: if the images have the wrong rank, channel count or values.
  """
  images = np.asarray(images)
  if images.ndim == 3:
    images = images[..., np.newaxis]
  if images.ndim != 4:
    raise DataError('{} must have shape [N, H, W] or [N, H, W, C], got {}.'
                    .format(source, list(images.shape)))
  channels = images.shape[-1]
  if channels == 4:
    images = images[..., :3]
  elif channels not in (1, 3):
    raise DataError('{} has {} channels; expected 1, 3 or 4.'.format(
        source, channels))
  if images.dtype == np.uint8:
    return images
  return _to_float255(images, source)


def _to_float255(images, source):
  """Maps bool, integer or float intensities onto float32 `[0, 255]`."""
  if images.dtype == bool:
    return images.astype(np.float32) * 255.
  if not (np.issubdtype(images.dtype, np.integer) or
          np.issubdtype(images.dtype, np.floating)):
    raise DataError('{} have dtype {}; expected uint8, integers or floats.'
                    .format(source, images.dtype))
  if images.size == 0:
    return images.astype(np.float32)
  if np.issubdtype(images.dtype, np.floating) and not np.all(
      np.isfinite(images)):
    raise DataError('{} contain NaN or infinite values.'.format(source))
  low, high = images.min(), images.max()
  if low < 0 or high > 255:
    raise DataError('{} have values in [{}, {}]; expected [0, 255] (or [0, 1] '
                    'for floats).'.format(source, low, high))
  values = images.astype(np.float32)
  if np.issubdtype(images.dtype, np.floating) and high <= 1:
    values *= 255.
  return values


def _to_uint8(images):
  if images.dtype == np.uint8:
    return np.ascontiguousarray(images)
  return np.clip(np.round(images), 0, 255).astype(np.uint8)


def _resize(values, height, width):
  """Resizes float `[N, h, w, C]` images, averaging areas when shrinking."""
  shrinking = height <= values.shape[1] and width <= values.shape[2]
  method = 'area' if shrinking else 'bilinear'
  chunks = [
      tf.image.resize(values[start:start + _RESIZE_CHUNK], (height, width),
                      method=method, antialias=True).numpy()
      for start in range(0, len(values), _RESIZE_CHUNK)
  ]
  if not chunks:
    return np.zeros((0, height, width, values.shape[-1]), np.float32)
  return np.concatenate(chunks)


def _without_alpha(shape):
  height, width, channels = shape
  return height, width, 3 if channels == 4 else channels


def _format(shape):
  return 'x'.join(str(d) for d in shape)
