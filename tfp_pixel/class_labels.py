"""Class labels as the one-hot `conditional_input` of conditional models."""

import numpy as np
import tensorflow as tf

__all__ = ['check_num_classes', 'one_hot_labels']


def check_num_classes(num_classes):
  """Returns `num_classes` as a Python `int`, or `None` for no classes.

  The one rule for every model, network and configuration: a
  class-conditional model has an integer number of classes, at least 2 (one
  class would be no condition at all); an unconditional one has `None`.

  Raises:
    ValueError: if `num_classes` is neither `None` nor an integer >= 2.
  """
  if num_classes is None:
    return None
  if isinstance(num_classes, bool) or not isinstance(
      num_classes, (int, np.integer)) or num_classes < 2:
    raise ValueError('`num_classes` must be None or an integer of at least 2, '
                     'got {!r}.'.format(num_classes))
  return int(num_classes)


def one_hot_labels(labels, num_classes, dtype=tf.float32, validate_args=False,
                   name=None):
  """Turns integer class labels into one-hot `conditional_input`s.

  Conditional models (`CategoricalPixelCNN(..., num_classes=K)`,
  `PixelCNN(..., num_classes=K)`) take their label as a float one-hot vector
  of length `K`; this is the usual way to make one.

  Args:
    labels: integer `Tensor` of any shape `S`, each in `[0, num_classes)`.
    num_classes: Python `int`, the number of classes `K`.
    dtype: float `tf.DType` of the result.
    validate_args: Python `bool`; inside a graph, whether to add a runtime
      check that every label is in range. Labels known when the function is
      called (eager execution, constants) are always checked.
    name: Python `str` name of the ops.

  Returns:
    one_hot: `Tensor` of shape `[*S, num_classes]` and type `dtype`.

  Raises:
    ValueError: if `num_classes` is not a positive integer, `labels` are not
      integers, or a known label is out of range (the error names it).

  #### Examples

  ```python
  one_hot = tfp_pixel.one_hot_labels([3, 1], num_classes=10)  # [2, 10]
  ```
  """
  num_classes = check_num_classes(num_classes)
  if num_classes is None:
    raise ValueError('`num_classes` must be an integer of at least 2, got '
                     'None.')
  with tf.name_scope(name or 'one_hot_labels'):
    labels = tf.convert_to_tensor(labels, dtype_hint=tf.int32, name='labels')
    if not labels.dtype.is_integer:
      raise ValueError('`labels` must be integers, got dtype {}.'.format(
          labels.dtype.name))
    known = tf.get_static_value(labels)
    if known is not None:
      bad = np.asarray(known)[(known < 0) | (known >= num_classes)]
      if bad.size:
        raise ValueError('label {} is out of range: labels must be in [0, {}) '
                         'for num_classes={}.'.format(bad.flat[0], num_classes,
                                                      num_classes))
    elif validate_args:
      with tf.control_dependencies([
          tf.debugging.assert_non_negative(
              labels, message='labels must be non-negative'),
          tf.debugging.assert_less(
              labels, tf.cast(num_classes, labels.dtype),
              message='labels must be smaller than num_classes')]):
        labels = tf.identity(labels)
    return tf.one_hot(labels, num_classes, dtype=dtype)
