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

`AutoregressiveImage` adds what the image models share:

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
from tensorflow_probability.python.internal import tensor_util

from tfp_pixel.distributions import conditioning
from tfp_pixel.distributions import keras_inputs
from tfp_pixel.distributions import temperature as temperature_lib
from tfp_pixel.sampling import pixel_sampler

__all__ = ['Autoregressive', 'AutoregressiveImage']


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
