"""The contract every autoregressive image distribution of the package keeps.

`AutoregressiveImage` is mixed into a `tfd.Distribution` (listed before it)
and states once what each model would otherwise repeat:

- events are images `[height, width, channels]` (`image_shape`), the batch
  shape is scalar;
- `temperature`, a positive float scalar checked at construction (and at run
  time under `validate_args`); each model says how it tempers, and `log_prob`
  is always the tempered distribution, so sampling is exact at every `T`;
- `copy(**overrides)` shares the network: every model takes a `network=`
  constructor argument and records the one it uses in its `parameters`, which
  `tfd.Distribution.copy` passes back;
- `conditional_input`: checked and broadcast for `sample` and `log_prob` (see
  `conditioning.ConditionalInput`);
- `log_prob` of `tf_keras.Input`s builds a Keras model that trains the
  distribution's variables (`keras_inputs.KerasInputs`);
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
from tfp_pixel.sampling import pixel_sampler

__all__ = ['AutoregressiveImage']


class AutoregressiveImage(keras_inputs.KerasInputs,
                          conditioning.ConditionalInput):
  """Mixin of the image models: shapes, temperature and the sampler hook.

  A model calls `_init_temperature` in its constructor, sets `image_shape`
  (a `(height, width, channels)` tuple or `tf.TensorShape`) and implements
  `pixel_sampler`. List the mixin first among the bases, and give the model's
  own methods no `_sample_n` (see `conditioning.ConditionalInput`).
  """

  def _init_temperature(self, temperature, dtype):
    """Converts and checks `temperature`; call it in the constructor.

    Raises:
      ValueError: if `temperature` is not a scalar.
    """
    self._temperature = tensor_util.convert_nonref_to_tensor(
        temperature, dtype=dtype, name='temperature')
    if self._temperature.shape.rank not in (None, 0):
      raise ValueError('`temperature` must be a scalar, got shape {}.'.format(
          self._temperature.shape))

  @property
  def temperature(self):
    """Positive float scalar; `T = 1` is the untempered model."""
    return self._temperature

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

  def _parameter_control_dependencies(self, is_init):
    if not self.validate_args:
      return []
    return [tf.debugging.assert_positive(
        self._temperature, message='`temperature` must be positive.')]
