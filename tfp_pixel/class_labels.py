"""Class labels as the one-hot `conditional_input` of conditional models."""

import numpy as np
import tensorflow as tf

__all__ = ['assert_classes', 'check_labels', 'check_num_classes',
           'one_hot_labels']


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


def check_labels(labels, num_classes=None, source='label'):
  """Returns `labels` as int64 class ids: the one rule of labels, whoever
  gives them (a data source, a command, a caller of `one_hot_labels`).

  Args:
    labels: Python `int` or array-like of integers.
    num_classes: Python `int`, the number of classes they must be in, or
      `None` (a source whose classes are not known yet: only `>= 0`).
    source: what the labels are, for the message.

  Returns:
    labels: int64 `np.ndarray` of the shape of `labels`.

  Raises:
    ValueError: one line naming `source` and the first bad label, if a label
      is not an integer, negative, or not below `num_classes`.
  """
  values = np.asarray(labels)
  if values.dtype == bool or not np.issubdtype(values.dtype, np.number) or (
      values.size and not (np.all(np.isfinite(values)) and
                           np.all(values == np.round(values)))):
    raise ValueError('{} must be integer class ids, got {}.'.format(
        source, repr(labels) if values.size < 10 else
        'dtype ' + str(values.dtype)))
  high = np.inf if num_classes is None else num_classes
  bad = values[(values < 0) | (values >= high)]
  if bad.size:
    raise ValueError('{} {} is not a class{}.'.format(
        source, bad.flat[0].item(),
        '' if num_classes is None else ': classes are 0 to {}'.format(
            num_classes - 1)))
  return values.astype(np.int64)


def assert_classes(labels, num_classes, message='a label is not a class'):
  """`labels` (an integer `Tensor`), with run-time checks that each is in
  `[0, num_classes)`: the rule of `check_labels`, for labels known only when
  a graph runs (`tf.data` pipelines, `tf.function` arguments)."""
  with tf.control_dependencies([
      tf.debugging.assert_non_negative(labels, message=message),
      tf.debugging.assert_less(labels, tf.cast(num_classes, labels.dtype),
                               message=message)]):
    return tf.identity(labels)


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
      check_labels(known, num_classes)
    elif validate_args:
      labels = assert_classes(labels, num_classes, 'labels must be in '
                              '[0, num_classes)')
    return tf.one_hot(labels, num_classes, dtype=dtype)
