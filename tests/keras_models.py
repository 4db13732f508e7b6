"""The book's Keras pattern as the tests use it: a functional model of
`log_prob` on `tf_keras.Input`s, trained with `compile` and `fit`."""

import contextlib

import numpy as np
import tensorflow as tf
import tf_keras


def log_prob_model(dist, events, run_eagerly=False, **given):
  """A Keras model of `dist.log_prob`, its loss the mean negative log-prob.

  Args:
    dist: a distribution of the package.
    events: `np.ndarray` `[batch, *event_shape]`.
    run_eagerly: Python `bool`, passed to `compile`: `True` saves tracing
      the training step (seconds per model).
    **given: keyword arguments of `log_prob` (`conditional_input`); each
      becomes one more `tf_keras.Input`, fed the same value for every event.

  Returns:
    model: the compiled `tf_keras.Model`, one output: the log-probabilities.
    data: what to feed it, the events and then every `given` value per event.
  """
  inputs = [tf_keras.Input(events.shape[1:], dtype=events.dtype)]
  data = [events]
  kwargs = {}
  for name, value in given.items():
    value = np.asarray(value)
    kwargs[name] = tf_keras.Input(value.shape, dtype=value.dtype)
    inputs.append(kwargs[name])
    data.append(np.broadcast_to(value, (len(events),) + value.shape))
  log_prob = dist.log_prob(inputs[0], **kwargs)
  model = tf_keras.Model(inputs, log_prob)
  model.add_loss(-tf.reduce_mean(log_prob))
  model.compile(optimizer=tf_keras.optimizers.Adam(1e-2),
                run_eagerly=run_eagerly)
  return model, data if given else events


@contextlib.contextmanager
def weights_kept(dist):
  """Puts the trainable variables of `dist` back as they were on exit."""
  values = [variable.numpy() for variable in dist.trainable_variables]
  try:
    yield
  finally:
    for variable, value in zip(dist.trainable_variables, values):
      variable.assign(value)
