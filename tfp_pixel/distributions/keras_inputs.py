"""`log_prob` of Keras functional inputs, shared by every model.

A Keras functional model built from `log_prob`,

```python
images = tf_keras.Input(shape=(28, 28, 1), dtype='int32')
log_prob = dist.log_prob(images)
model = tf_keras.Model(images, log_prob)
model.add_loss(-tf.reduce_mean(log_prob))
```

trains the variables of the Keras layers it is built of. A network that is a
`tf.Module` but no Keras layer, called among plain TensorFlow operations on
the symbolic input, is not one of them: Keras would hold its variables as
constants and train nothing. `KerasInputs.log_prob` therefore calls
`log_prob` on symbolic `tf_keras` inputs through one `LogProbLayer` that
holds the distribution; a Keras layer gathers the variables of the
`tf.Module`s it holds, so the model trains exactly the distribution's
trainable variables. The layer is made per call and nothing is added to the
distribution, so its checkpoints are unchanged.

Keras 3 (`keras.Input`) tracks only its own variables, so a Keras 3 input is
refused in one line.
"""

import tensorflow as tf
import tf_keras

__all__ = ['KerasInputs', 'LogProbLayer']


class KerasInputs:
  """Mixin of every distribution: `log_prob` of `tf_keras.Input`s trains.

  List it before the `tfd.Distribution` base.
  """

  def log_prob(self, value, name='log_prob', **kwargs):
    """Log probability of `value`; symbolic `tf_keras` inputs make a layer.

    Args:
      value: the events, as for the model's `log_prob`; a `tf_keras.Input`
        (or a `tf_keras` symbolic tensor computed from one) makes the result
        the output of a `LogProbLayer` of a Keras functional model.
      name: Python `str` prepended to the names of the ops.
      **kwargs: passed to `_log_prob` (`conditional_input`, which may be a
        `tf_keras.Input` too, and `training`; in a Keras model `training`
        defaults to the model's, e.g. `True` in `fit`).

    Returns:
      log_prob: `Tensor` of shape `sample_shape(value) + batch_shape`, or
        the symbolic output of a `LogProbLayer`.

    Raises:
      TypeError: if `value` or a keyword argument is a Keras 3 symbolic
        tensor (`keras.Input`).
    """
    arguments = dict(kwargs, value=value)
    for argument, given in arguments.items():
      if any(_is_keras_3(x) for x in tf.nest.flatten(given)):
        raise TypeError(
            '`{}` is a Keras 3 input (`keras.Input`, `tf.keras.Input`), '
            'whose models train only Keras 3 variables: build the model with '
            '`tf_keras.Input`, or train in a `tf.GradientTape` loop or with '
            '`tfp_pixel.train`.'.format(argument))
    if not any(isinstance(x, tf_keras.__internal__.KerasTensor)
               for x in tf.nest.flatten(arguments)):
      return super().log_prob(value, name=name, **kwargs)
    return LogProbLayer(self)(value, log_prob_name=name, **kwargs)


class LogProbLayer(tf_keras.layers.Layer):
  """A Keras layer computing `distribution.log_prob` of its inputs.

  Its trainable variables are the distribution's. `training` is passed on
  to `log_prob` (Keras's own: `True` in `fit`, unless given).
  """

  def __init__(self, distribution, **kwargs):
    # Inputs keep their dtype: integer levels, float64 models.
    super().__init__(autocast=False, **kwargs)
    self.distribution = distribution

  def call(self, value, training=None, log_prob_name='log_prob', **kwargs):
    return self.distribution.log_prob(
        value, name=log_prob_name,
        training=False if training is None else training, **kwargs)


def _is_keras_3(value):
  """Whether `value` is a Keras 3 `KerasTensor` (without importing Keras)."""
  return any(cls.__name__ == 'KerasTensor' and
             cls.__module__.split('.')[0] == 'keras'
             for cls in type(value).__mro__)
