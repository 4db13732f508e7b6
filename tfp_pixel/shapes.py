"""Static checks of image shapes and layer sizes shared by every model."""

import numpy as np
import tensorflow as tf

__all__ = ['check_event', 'check_image_shape', 'check_size']


def check_size(value, name, minimum=1):
  """Returns `value` as a Python `int` if it is an integer of at least
  `minimum` (a size: units, layers, filters, ...).

  Raises:
    ValueError: naming `name` and the value, if it is not.
  """
  if isinstance(value, bool) or not isinstance(
      value, (int, np.integer)) or value < minimum:
    raise ValueError('`{}` must be {}, got {!r}.'.format(
        name, 'a positive integer' if minimum == 1 else
        'an integer of at least {}'.format(minimum), value))
  return int(value)


def check_image_shape(image_shape):
  """Returns `image_shape` as a `(height, width, channels)` tuple of `int`s.

  Raises:
    ValueError: if it is not three positive integers.
  """
  try:
    dims = tuple(int(d) for d in tf.TensorShape(image_shape).as_list())
  except (TypeError, ValueError):
    dims = ()
  if len(dims) != 3 or min(dims) < 1:
    raise ValueError('`image_shape` must be (height, width, channels) of '
                     'positive integers, got {}.'.format(image_shape))
  return dims


def check_event(value, image_shape):
  """Converts `value` and checks that its last three dimensions are the image.

  Raises:
    ValueError: if the static shape of `value` cannot end in `image_shape`.
  """
  value = tf.convert_to_tensor(value)
  shape = value.shape
  if shape.rank is not None and (
      shape.rank < 3 or
      not shape[-3:].is_compatible_with(image_shape)):
    raise ValueError(
        'images must have shape [..., {}, {}, {}], got {}.'.format(
            *image_shape, shape.as_list()))
  return value
