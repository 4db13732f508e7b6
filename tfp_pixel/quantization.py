"""Conversions between 8-bit intensities and `K` quantized levels.

A model's levels may be any count from 2 to `MAX_LEVELS` (the codes of a
VQ-VAE run to thousands); the conversions from and to 8-bit intensities take
at most `IMAGE_LEVELS` (256). Level `l` of `K` covers the 8-bit values `v`
with `floor(v * K / 256) == l`, a bin of `256 / K` values when `K` divides
256. Its representative 8-bit value is `round(l * 255 / (K - 1))` clamped
into that bin, so levels 0 and `K - 1` map to black and white and
`quantize(dequantize(l)) == l` for every `K` in `[2, 256]`.
"""

import numpy as np
import tensorflow as tf

__all__ = [
    'IMAGE_LEVELS',
    'MAX_LEVELS',
    'are_image_levels',
    'bin_widths',
    'check_image_levels',
    'check_num_levels',
    'check_value_range',
    'dequantize',
    'levels_to_unit_interval',
    'quantize',
    'to_unit_interval',
]

# The values of an 8-bit intensity.
IMAGE_LEVELS = 256
# The levels of a model's channel: 2**16, the codes of any VQ-VAE codebook
# in use; the model's size bound (`families.model_size`) limits what a
# configuration may allocate for them. A literal, which the command line
# reads without importing TensorFlow (`registry.module_constant`).
MAX_LEVELS = 65536


def check_num_levels(num_levels):
  """Returns `num_levels` as a Python `int` in `[2, MAX_LEVELS]`.

  Raises:
    ValueError: if it is not an integer in that range.
  """
  if not _is_integer(num_levels) or not 2 <= num_levels <= MAX_LEVELS:
    raise ValueError('`num_levels` must be an integer in [2, {}], got {!r}.'
                     .format(MAX_LEVELS, num_levels))
  return int(num_levels)


def are_image_levels(num_levels):
  """Whether 8-bit images quantize to `num_levels` levels (at most 256);
  more levels are data of their own, such as the codes of a VQ-VAE."""
  return num_levels <= IMAGE_LEVELS


def check_image_levels(num_levels):
  """Returns `num_levels` as a Python `int` in `[2, 256]`: levels that 8-bit
  intensities are quantized to (`quantize`, `dequantize`, `bin_widths`).

  Raises:
    ValueError: if it is not an integer in that range.
  """
  if not _is_integer(num_levels) or not 2 <= num_levels <= IMAGE_LEVELS:
    raise ValueError('8-bit images quantize to `num_levels` in [2, {}], got '
                     '{!r}.'.format(IMAGE_LEVELS, num_levels))
  return int(num_levels)


def check_value_range(low, high):
  """Returns `(low, high)` as Python `int`s: values of `high - low + 1` levels.

  The rule of `check_num_levels` for the models that name their smallest and
  largest value instead (`PixelCNN`).

  Raises:
    ValueError: if they are not integers whose `high - low + 1` is in
      `[2, MAX_LEVELS]`.
  """
  if not (_is_integer(low) and _is_integer(high)) or not (
      2 <= high - low + 1 <= MAX_LEVELS):
    raise ValueError('`low` and `high` must be integers with high - low + 1 '
                     'in [2, {}] levels, got low={!r} and high={!r}.'.format(
                         MAX_LEVELS, low, high))
  return int(low), int(high)


def quantize(images, num_levels):
  """Maps 8-bit intensities `[0, 255]` to integer levels `[0, num_levels)`.

  Args:
    images: integer or float `Tensor` of 8-bit intensities, any shape.
    num_levels: Python `int` in `[2, 256]`.

  Returns:
    levels: int32 `Tensor` of the same shape.
  """
  num_levels = check_image_levels(num_levels)
  images = tf.convert_to_tensor(images)
  if images.dtype.is_floating:
    images = tf.round(images)
  images = tf.clip_by_value(tf.cast(images, tf.int32), 0, 255)
  return images * num_levels // IMAGE_LEVELS


def dequantize(levels, num_levels):
  """Maps integer levels `[0, num_levels)` to representative 8-bit values.

  Args:
    levels: integer `Tensor` of levels, any shape.
    num_levels: Python `int` in `[2, 256]`.

  Returns:
    images: uint8 `Tensor` of the same shape.
  """
  num_levels = check_image_levels(num_levels)
  return tf.gather(_representatives(num_levels),
                   tf.clip_by_value(tf.cast(levels, tf.int32), 0,
                                    num_levels - 1))


def to_unit_interval(values, low, high, dtype=tf.float32):
  """Maps values in `[low, high]` linearly onto `[-1, 1]`, the network input."""
  values = tf.cast(values, dtype)
  low, high = tf.cast(low, dtype), tf.cast(high, dtype)
  return 2. * (values - low) / (high - low) - 1.


def levels_to_unit_interval(levels, num_levels, dtype=tf.float32):
  """Maps levels `[0, num_levels)` linearly onto `[-1, 1]`, the network input."""
  return to_unit_interval(levels, 0, num_levels - 1, dtype)


def bin_widths(num_levels):
  """Returns how many 8-bit values each of the `num_levels` levels covers.

  Args:
    num_levels: Python `int` in `[2, 256]`.

  Returns:
    widths: int64 `np.ndarray` of shape `[num_levels]`, summing to 256.
  """
  num_levels = check_image_levels(num_levels)
  levels = np.arange(IMAGE_LEVELS) * num_levels // IMAGE_LEVELS
  return np.bincount(levels, minlength=num_levels)


def _is_integer(value):
  return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _representatives(num_levels):
  """The representative 8-bit value of each level, as a uint8 `Tensor`."""
  levels = np.arange(num_levels)
  first = -(-levels * IMAGE_LEVELS // num_levels)  # ceil(l * 256 / K)
  last = -(-(levels + 1) * IMAGE_LEVELS // num_levels) - 1
  spread = np.round(levels * 255. / (num_levels - 1))
  return tf.constant(np.clip(spread, first, last).astype(np.uint8))
