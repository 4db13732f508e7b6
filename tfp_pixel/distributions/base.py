"""The contract every autoregressive distribution of the package keeps.

`Autoregressive` is mixed into a `tfd.Distribution` (listed before it) by
every model, images and text alike, and states once:

- `temperature`, a positive finite float scalar checked at construction by
  `temperature.check_temperature` (a `Tensor` whose value is unknown until
  run time: its shape, and its value at run time under `validate_args`);
  each model says how it tempers, and `log_prob` is always the tempered
  distribution, so sampling is exact at every `T`;
- `copy(**overrides)` shares the network: every model takes a `network=`
  constructor argument and records the one it uses in its `parameters`, which
  `tfd.Distribution.copy` passes back; a copy runs the constructor's checks,
  so a bad override raises the constructor's `ValueError`;
- `log_prob` of `tf_keras.Input`s builds a Keras model that trains the
  distribution's variables (`keras_inputs.KerasInputs`).

`AutoregressiveImage` adds what the image models share (and `NetworkImage`
what the models on a network of this package share: the categorical models
and `PixelSNAIL`):

- events are images `[height, width, channels]` (`image_shape`), the batch
  shape is scalar;
- `conditional_input`: checked and broadcast for `sample` and `log_prob` (see
  `conditioning.ConditionalInput`);
- the sampler hook: a model returns its fast exact sampler from
  `pixel_sampler(batch_size, conditional_input=None)`, and `sample` draws with
  it through `sampling.pixel_sampler.sample` (noise from the seed, rows solved
  in order, completion of known pixels, one `tf.function` per network,
  shared by the model's copies).
"""

import tensorflow as tf
import tensorflow_probability as tfp
from tensorflow_probability.python.internal import tensor_util

from tfp_pixel import shapes

from tfp_pixel.distributions import conditioning
from tfp_pixel.distributions import keras_inputs
from tfp_pixel.distributions import temperature as temperature_lib
from tfp_pixel.sampling import pixel_sampler

tfd = tfp.distributions

__all__ = ['Autoregressive', 'AutoregressiveImage', 'NetworkImage',
           'categorical_channel_log_probs', 'categorical_log_prob']


class Autoregressive(keras_inputs.KerasInputs):
  """Mixin of every model: the temperature and its run-time check.

  A model calls `_init_temperature` in its constructor and lists the mixin
  (or one that extends it) first among its bases.
  """

  def _init_temperature(self, temperature, dtype):
    """Checks and converts `temperature`; call it in the constructor.

    Args:
      temperature: a number, or a float scalar `Tensor` or `tf.Variable`.
      dtype: float `tf.DType` of the model.

    Raises:
      ValueError: as `temperature.check_temperature`, if its value is known
        (a number, a constant `Tensor`), or if it is not a scalar.
    """
    if tensor_util.is_ref(temperature) or tf.is_tensor(temperature):
      known = (None if tensor_util.is_ref(temperature) else
               tf.get_static_value(temperature))
      if known is not None:
        temperature_lib.check_temperature(known)
      elif temperature.shape.rank not in (None, 0):
        raise ValueError('`temperature` must be a scalar, got shape {}.'
                         .format(temperature.shape))
    else:
      temperature = temperature_lib.check_temperature(temperature)
    self._temperature = tensor_util.convert_nonref_to_tensor(
        temperature, dtype=dtype, name='temperature')

  @property
  def temperature(self):
    """Positive float scalar; `T = 1` is the untempered model."""
    return self._temperature

  def _parameter_control_dependencies(self, is_init):
    if not self.validate_args:
      return []
    return [tf.debugging.assert_positive(
        self._temperature, message='`temperature` must be positive.')]


class AutoregressiveImage(Autoregressive, conditioning.ConditionalInput):
  """Mixin of the image models: shapes and the sampler hook.

  A model calls `_init_temperature` in its constructor, sets `image_shape`
  (a `(height, width, channels)` tuple or `tf.TensorShape`) and implements
  `pixel_sampler`. List the mixin first among the bases, and give the model's
  own methods no `_sample_n` (see `conditioning.ConditionalInput`).
  """

  def pixel_sampler(self, batch_size, conditional_input=None):
    """The fast exact `sampling.pixel_sampler.PixelSampler` of the model.

    Args:
      batch_size: Python `int` or int32 scalar, images drawn at once.
      conditional_input: `[*conditional_shape]` (one for every image) or
        `[batch_size, *conditional_shape]`, or `None`.
    """
    raise NotImplementedError('{} has no sampler.'.format(type(self).__name__))

  def _per_pixel_log_prob(self, value, conditional_input=None):
    """Each channel's chain-rule term of `log_prob(value)`: `log p(x[i, j, c]
    | everything before it)`, `[*S, H, W, C]`, summing over the last three
    axes to `log_prob` (see `per_pixel.per_pixel_log_prob`)."""
    raise NotImplementedError('{} has no per-pixel log-probabilities.'.format(
        type(self).__name__))

  def _event_shape(self):
    return tf.TensorShape(self.image_shape)

  def _event_shape_tensor(self):
    return tf.constant(tf.TensorShape(self.image_shape).as_list(), tf.int32)

  def _batch_shape(self):
    return tf.TensorShape([])

  def _batch_shape_tensor(self):
    return tf.constant([], dtype=tf.int32)

  def _sample_n(self, n, seed=None, conditional_input=None):
    kwargs = {}
    if conditional_input is not None:
      kwargs['conditional_input'] = conditional_input
    return tf.cast(pixel_sampler.sample(self, n, seed, **kwargs), self.dtype)


class NetworkImage(AutoregressiveImage):
  """Mixin of the image models whose network is one of this package's (a
  `tf.Module` with `num_classes`, `conditional_shape` and `conditioning`):
  `CategoricalImage`'s models, `PixelSNAIL`.

  The constructor sets `_image_shape` (a tuple), `_network` and
  `_float_dtype`. A conditional model's `conditional_input` is a one-hot
  label `[num_classes]` per image (built with `num_classes`) or a map
  `[height, width, features]` per image with the image's height and width
  (built with `conditional_shape`, see `networks.map_conditioning`).
  """

  @property
  def image_shape(self):
    return self._image_shape

  @property
  def network(self):
    return self._network

  @property
  def float_dtype(self):
    return self._float_dtype

  @property
  def num_classes(self):
    """Python `int`, classes of a conditional model, or `None`."""
    return self._network.num_classes

  @property
  def conditional_dtype(self):
    """Float `tf.DType` of `conditional_input` (the network's)."""
    return self._float_dtype

  @property
  def conditional_shape(self):
    """`tf.TensorShape` of one image's `conditional_input`: `[num_classes]`
    (a label), `[height, width, features]` (a map), or `None` when
    unconditional."""
    return self._network.conditioning.conditional_shape

  def network_inputs(self, values):
    """Maps events `[..., C]` to the network's inputs (its
    `network_inputs`: levels scaled or embedded, values scaled)."""
    return self._network.network_inputs(values)

  def network_outputs(self, values, training=False, conditional_input=None):
    """The network's (untempered) outputs at every pixel of the events
    `values` `[batch, H, W, C]`, given a condition (labels or maps) checked
    against the model.

    Raises:
      ValueError: if `conditional_input` does not fit the model.
    """
    return self._network(
        self.network_inputs(values), training=training,
        conditional_input=self.checked_conditional_input(conditional_input))

  def sampler_condition(self, batch_size, conditional_input):
    """`conditional_input` checked and, given `batch_size`, broadcast to
    `[batch_size, *conditional_shape]` (`None` for an unconditional model).

    Raises:
      ValueError: if `conditional_input` does not fit the model.
    """
    conditional_input = self.checked_conditional_input(conditional_input)
    if conditional_input is not None and batch_size is not None:
      conditional_input = tf.broadcast_to(conditional_input, tf.concat(
          [[batch_size], self.conditional_shape.as_list()], 0))
    return conditional_input

  def flat_events(self, value, conditional_input):
    """`log_prob`'s events and conditions, broadcast together and flattened.

    Returns:
      events: `[n, H, W, C]`, the events of `value` in one batch.
      conditions: `[n, *conditional_shape]` (labels or maps), or `None`.
      leading_shape: int32 `Tensor`, the sample and batch shape of `value`
        and the conditions, to reshape the `[n]` log-probabilities to.

    Raises:
      ValueError: if `value` does not end in `image_shape`, or the
        conditions do not fit.
    """
    value = shapes.check_event(value, self._image_shape)
    value, conditional_input = self.broadcast_conditional_input(
        value, conditional_input)
    if conditional_input is not None:
      conditional_input = tf.reshape(
          conditional_input, [-1, *self.conditional_shape.as_list()])
    return (tf.reshape(value, [-1, *self._image_shape]), conditional_input,
            tf.shape(value)[:-3])

  def level_assertions(self, levels, num_levels):
    """Run-time checks that `levels` lie in `[0, num_levels)`, under
    `validate_args`."""
    if not self.validate_args:
      return []
    return [tf.debugging.assert_non_negative(levels),
            tf.debugging.assert_less(
                levels, num_levels,
                message='levels must be smaller than `num_levels`')]


def categorical_log_prob(logits, levels):
  """`log p(levels)` `[n]` of images `[n, H, W, C]` under independent
  softmaxes `logits` `[n, H, W, C, K]` (each already conditioned on the
  levels before it)."""
  return tf.reduce_sum(categorical_channel_log_probs(logits, levels),
                       axis=[-3, -2, -1])


def categorical_channel_log_probs(logits, levels):
  """Each channel's term `log p(levels[..., i, j, c])` `[n, H, W, C]` of
  `categorical_log_prob`."""
  return tfd.Categorical(logits=logits).log_prob(levels)
