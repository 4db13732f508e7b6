"""Checks and broadcasting of `conditional_input`, shared by every model.

A conditional model (built with `num_classes` or `conditional_shape`) takes
a `conditional_input` of shape `[*B, *conditional_shape]`: for class labels,
a one-hot `[*B, num_classes]` (see `one_hot_labels`); for a map, e.g. the
categorical models' `[*B, height, width, features]` with the image's height
and width. Its leading dimensions `B` broadcast like a batch of distribution
parameters:

- in `log_prob(x)`, against the leading (sample and batch) dimensions of `x`;
- in `sample(sample_shape)`, against `sample_shape` (aligned on the right,
  as in `tfd.PixelCNN`'s documented `sample((4, 3), conditional_input=c)`
  with `c` of batch shape `[3]`): `[num_classes]` is one label for every
  sample, `[n, num_classes]` one label per sample of `sample(n)` (and a map
  `[height, width, features]` one map for every sample, `[n, height, width,
  features]` one per sample).
"""

import numpy as np
import tensorflow as tf

__all__ = ['ConditionalInput', 'broadcast_to_samples',
           'broadcast_with_events', 'check_conditional_input']


class ConditionalInput:
  """`conditional_input` checked and broadcast in `sample` and `log_prob`.

  Mixed into a `tfd.Distribution` subclass that has `conditional_shape` (a
  `tf.TensorShape` or `None`), `conditional_dtype` and a
  `_sample_n(n, seed, conditional_input=None)`: `sample` checks the labels,
  broadcasts them against `sample_shape` and hands `_sample_n` one row per
  sample, so `_sample_n` only needs `[n, *conditional_shape]` (or a single
  `conditional_shape` row for every sample). `_log_prob` gets its images and
  conditions broadcast together from `broadcast_conditional_input`.

  List it before the `tfd.Distribution` base, and give the class's
  `_sample_n` no docstring: TFP's metaclass would otherwise copy
  `Distribution.sample` into the class (to extend its docstring), hiding
  this `sample`.
  """

  def sample(self, sample_shape=(), seed=None, name='sample',
             conditional_input=None, **kwargs):
    """Draws samples; a conditional model takes `conditional_input`.

    Args:
      sample_shape: 0-D or 1-D int32 `Tensor`, the shape `S` of the samples.
      seed: int, stateless `(a, b)` seed or `None`.
      name: Python `str` name of the ops.
      conditional_input: for a conditional model, `[*B, *conditional_shape]`
        (one-hot labels `[*B, num_classes]`, maps `[*B, height, width,
        features]`) with `B` broadcasting to `S`: `[num_classes]` is one
        label for every sample, `[n, num_classes]` one per sample of
        `sample(n)`, and likewise for maps.
      **kwargs: passed to `_sample_n`.

    Returns:
      samples: `Tensor` of shape `[*S, *event_shape]`.

    Raises:
      ValueError: if `conditional_input` does not fit the model or `S`.
    """
    conditional_input = self.conditional_input_for_samples(conditional_input,
                                                           sample_shape)
    if conditional_input is not None:
      kwargs['conditional_input'] = conditional_input
    return super().sample(sample_shape, seed=seed, name=name, **kwargs)

  def conditional_input_for_samples(self, conditional_input, sample_shape):
    """Checks `conditional_input` and gives one row per flat sample.

    Args:
      conditional_input: `[*B, *conditional_shape]` array-like, or `None`.
      sample_shape: the shape `S` of the samples; `B` broadcasts to it.

    Returns:
      conditional_input: `[prod(S), *conditional_shape]` `Tensor`, or `None`
        for an unconditional model.

    Raises:
      ValueError: if `conditional_input` does not fit the model or `S`.
    """
    conditional_input = self.checked_conditional_input(conditional_input)
    if conditional_input is None:
      return None
    return broadcast_to_samples(conditional_input, sample_shape,
                                self.conditional_shape)

  def broadcast_conditional_input(self, value, conditional_input):
    """Checks `conditional_input` and broadcasts it with images `value`.

    Args:
      value: `Tensor` of images `[*S, height, width, channels]`.
      conditional_input: `[*B, *conditional_shape]` array-like, or `None`.

    Returns:
      value: `[*broadcast(S, B), height, width, channels]` (`value` itself
        for an unconditional model).
      conditional_input: `[*broadcast(S, B), *conditional_shape]` `Tensor`,
        or `None` for an unconditional model.

    Raises:
      ValueError: if `conditional_input` does not fit the model, or `S` and
        `B` do not broadcast.
    """
    conditional_input = self.checked_conditional_input(conditional_input)
    if conditional_input is None:
      return value, None
    value, conditional_input, _ = broadcast_with_events(
        value, 3, conditional_input, self.conditional_shape)
    return value, conditional_input

  def checked_conditional_input(self, conditional_input):
    """`conditional_input` as a `Tensor` (see `check_conditional_input`)."""
    return check_conditional_input(
        conditional_input, self.conditional_shape, self.conditional_dtype,
        'This {}'.format(type(self).__name__))


def check_conditional_input(conditional_input, conditional_shape, dtype,
                            model_name):
  """Converts `conditional_input`, or says why it does not fit the model.

  Args:
    conditional_input: `[*B, *conditional_shape]` array-like, or `None`.
    conditional_shape: `tf.TensorShape` of the model's conditional input, or
      `None` for an unconditional model.
    dtype: float `tf.DType` the model computes in.
    model_name: Python `str` naming the model in error messages.

  Returns:
    conditional_input: `Tensor` of `dtype`, or `None`.

  Raises:
    ValueError: if the model is conditional and `conditional_input` is
      missing, or unconditional and it is given, or its trailing dimensions
      are not `conditional_shape`.
  """
  if conditional_shape is None:
    if conditional_input is not None:
      raise ValueError(
          '{} is unconditional (built without `num_classes` or '
          '`conditional_shape`), but a `conditional_input` was given.'.format(
              model_name))
    return None
  expected = [None] + tf.TensorShape(conditional_shape).as_list()
  what = ('for labels, `tfp_pixel.one_hot_labels(labels, num_classes)`'
          if len(expected) == 2 else 'a condition per image')
  if conditional_input is None:
    raise ValueError(
        '{} is conditional: pass `conditional_input` of shape [..., {}] '
        '({}).'.format(model_name, ', '.join(map(str, expected[1:])), what))
  conditional_input = tf.convert_to_tensor(conditional_input, dtype_hint=dtype,
                                           name='conditional_input')
  if conditional_input.dtype != dtype:
    conditional_input = tf.cast(conditional_input, dtype)
  shape = conditional_input.shape
  rank = len(expected) - 1
  if shape.rank is not None and (
      shape.rank < rank or
      not shape[shape.rank - rank:].is_compatible_with(expected[1:])):
    raise ValueError(
        '`conditional_input` must have shape [..., {}] ({}), got {}.'.format(
            ', '.join(map(str, expected[1:])),
            'a one-hot label per image' if len(expected) == 2 else
            'a condition per image', shape.as_list()))
  return conditional_input


def broadcast_to_samples(conditional_input, sample_shape, conditional_shape):
  """One conditional input per sample, in the order of the flat samples.

  Args:
    conditional_input: checked `Tensor` `[*B, *conditional_shape]`.
    sample_shape: int, list or int32 `Tensor`, the shape `S` of the samples.
    conditional_shape: `tf.TensorShape` of the model's conditional input.

  Returns:
    conditional_input: `Tensor` `[prod(S), *conditional_shape]`.

  Raises:
    ValueError: if `B` does not broadcast to `S`.
  """
  conditional_shape = tf.TensorShape(conditional_shape).as_list()
  sample_shape = tf.reshape(
      tf.cast(tf.convert_to_tensor(sample_shape), tf.int32), [-1])
  static_samples = tf.get_static_value(sample_shape)
  batch = _static_batch_shape(conditional_input, len(conditional_shape))
  if static_samples is not None and batch is not None:
    static_samples = [int(s) for s in static_samples]
    if (len(batch) > len(static_samples) or
        _broadcast_or_none(batch, static_samples) != static_samples):
      dims = ', '.join(map(str, conditional_shape))
      raise ValueError(
          '`conditional_input` with batch shape {} does not broadcast to '
          'sample_shape {}: give one [{}] for all samples or one per sample, '
          '[*sample_shape, {}].'.format(batch, static_samples, dims, dims))
  full_shape = tf.concat([sample_shape, conditional_shape], 0)
  return tf.reshape(tf.broadcast_to(conditional_input, full_shape),
                    [-1] + conditional_shape)


def broadcast_with_events(value, event_rank, conditional_input,
                          conditional_shape):
  """Broadcasts the leading dimensions of events and conditional inputs.

  Args:
    value: `Tensor` `[*S, *event_shape]`.
    event_rank: Python `int`, the rank of one event.
    conditional_input: checked `Tensor` `[*B, *conditional_shape]`.
    conditional_shape: `tf.TensorShape` of the model's conditional input.

  Returns:
    value: `[*broadcast(S, B), *event_shape]`.
    conditional_input: `[*broadcast(S, B), *conditional_shape]`.
    batch_shape: int32 `Tensor` `broadcast(S, B)`.

  Raises:
    ValueError: if `S` and `B` do not broadcast.
  """
  conditional_shape = tf.TensorShape(conditional_shape).as_list()
  conditional_rank = len(conditional_shape)
  static_events = value.shape[:-event_rank] if value.shape.rank else None
  static_batch = _static_batch_shape(conditional_input, conditional_rank)
  if (static_events is not None and static_events.is_fully_defined() and
      static_batch is not None and
      _broadcast_or_none(static_events.as_list(), static_batch) is None):
    raise ValueError(
        'The leading dimensions of the images {} and of `conditional_input` {} '
        'do not broadcast.'.format(static_events.as_list(), static_batch))
  value_shape = tf.shape(value)
  conditional_input_shape = tf.shape(conditional_input)
  batch_shape = tf.broadcast_dynamic_shape(
      value_shape[:tf.size(value_shape) - event_rank],
      conditional_input_shape[:tf.size(conditional_input_shape) -
                              conditional_rank])
  value = tf.broadcast_to(value, tf.concat(
      [batch_shape, value_shape[tf.size(value_shape) - event_rank:]], 0))
  conditional_input = tf.broadcast_to(
      conditional_input, tf.concat([batch_shape, conditional_shape], 0))
  return value, conditional_input, batch_shape


def _static_batch_shape(conditional_input, conditional_rank):
  """The leading dimensions of `conditional_input` as a list, if known."""
  shape = conditional_input.shape
  if shape.rank is None or not shape.is_fully_defined():
    return None
  return shape.as_list()[:shape.rank - conditional_rank]


def _broadcast_or_none(a, b):
  """The broadcast of two static shapes as a list, or `None`."""
  try:
    return list(np.broadcast_shapes(tuple(a), tuple(b)))
  except ValueError:
    return None
