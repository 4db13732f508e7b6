"""Parsing of image shapes and conversion of images to a target shape.

Every loaded image ends up as uint8 `[H, W, C]` with `C` in {1, 3}. Conversion
resizes (area averaging when shrinking, antialiased bilinear otherwise), turns
gray into RGB by repeating the channel and RGB into gray with the ITU-R 601-2
luma weights (as Pillow does), and drops an alpha channel.
"""

import numpy as np
import tensorflow as tf

from tfp_pixel import bounds
from tfp_pixel.data.errors import DataError

__all__ = [
    'as_image_array',
    'check_shape',
    'convert_images',
    'parse_shape',
    'stack_images',
]

_LUMA_WEIGHTS = np.array([0.299, 0.587, 0.114], np.float32)


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

  The images are converted `bounds.CONVERT_CHUNK_VALUES` values at a time
  into the uint8 result, so that a large array (a memory-mapped `.npy` file,
  floats) costs little more than the result.

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
  images = _image_view(images, source)
  target = images.shape[1:] if shape is None else check_shape(shape)
  if images.dtype == np.uint8 and images.shape[1:] == target:
    return np.array(images, order='C')  # A copy: not a view of a mapped file.
  scale = _value_scale(images, source)
  converted = np.empty((len(images),) + tuple(target), np.uint8)
  for start, chunk in _chunks(images):
    converted[start:start + len(chunk)] = _convert(chunk, target, scale)
  return converted


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
  images = _image_view(images, source)
  if images.dtype == np.uint8:
    return images
  return images.astype(np.float32) * np.float32(_value_scale(images, source))


def _image_view(images, source):
  """`[N, H, W, C]` with `C` in {1, 3} (alpha sliced off), without a copy.

  Raises:
    DataError: if the images have the wrong rank or channel count.
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
  return images


def _value_scale(images, source):
  """What the values are multiplied by to lie in `[0, 255]`: 255 for bools
  and for floats in `[0, 1]`, else 1.

  Raises:
    DataError: for another dtype, or values that are not finite or lie
      outside `[0, 255]`.
  """
  if images.dtype == np.uint8:
    return 1.
  if images.dtype == bool:
    return 255.
  floating = np.issubdtype(images.dtype, np.floating)
  if not (floating or np.issubdtype(images.dtype, np.integer)):
    raise DataError('{} have dtype {}; expected uint8, integers or floats.'
                    .format(source, images.dtype))
  low = high = None
  for _, chunk in _chunks(images):
    if floating and not np.all(np.isfinite(chunk)):
      raise DataError('{} contain NaN or infinite values.'.format(source))
    low = chunk.min() if low is None else min(low, chunk.min())
    high = chunk.max() if high is None else max(high, chunk.max())
  if low is None:
    return 1.
  if low < 0 or high > 255:
    raise DataError('{} have values in [{}, {}]; expected [0, 255] (or [0, 1] '
                    'for floats).'.format(source, low, high))
  return 255. if floating and high <= 1 else 1.


def _chunks(images):
  """`(start, images[start:start + k])` for chunks of about
  `bounds.CONVERT_CHUNK_VALUES` values (at least one image each)."""
  per_image = max(1, int(np.prod(images.shape[1:])))
  step = max(1, bounds.CONVERT_CHUNK_VALUES // per_image)
  for start in range(0, len(images), step):
    yield start, images[start:start + step]


def _convert(images, target, scale):
  """A chunk of `[n, H, W, C]` images (`C` in {1, 3}, values in `[0, 255]`
  once multiplied by `scale`) as uint8 `[n, *target]`."""
  height, width, channels = target
  values = images.astype(np.float32)
  if scale != 1.:
    values *= np.float32(scale)
  if values.shape[-1] == 3 and channels == 1:
    values = values @ _LUMA_WEIGHTS[:, np.newaxis]
  if values.shape[1:3] != (height, width):
    values = _resize(values, height, width)
  if values.shape[-1] == 1 and channels == 3:
    values = np.repeat(values, 3, axis=-1)
  return np.clip(np.round(values), 0, 255).astype(np.uint8)


def _resize(values, height, width):
  """Resizes float `[N, h, w, C]` images, averaging areas when shrinking."""
  shrinking = height <= values.shape[1] and width <= values.shape[2]
  method = 'area' if shrinking else 'bilinear'
  return tf.image.resize(values, (height, width), method=method,
                         antialias=True).numpy()


def _without_alpha(shape):
  height, width, channels = shape
  return height, width, 3 if channels == 4 else channels


def _format(shape):
  return 'x'.join(str(d) for d in shape)
