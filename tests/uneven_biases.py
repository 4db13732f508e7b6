"""The uneven-bias trick of the tests: random output biases for a tiny model,
so that its pixels' distributions are uneven (a fresh network predicts the
first pixel from its biases alone, all zero: every level ties).

`model_hooks.uneven_categorical` and `model_hooks.uneven_pixel_rnn` still
write it out themselves."""

import tensorflow as tf


def make_uneven(dist, seed=(7, 7)):
  """Draws `dist`'s output biases from a standard normal, in place.

  Args:
    dist: a categorical model (`CategoricalPixelCNN`, `PixelRNN`) whose
      `network.head[-1]` is its output layer.
    seed: the stateless seed of the biases.

  Returns:
    dist: the same model.
  """
  output = dist.network.head[-1]
  output.bias.assign(tf.random.stateless_normal(output.bias.shape, seed))
  return dist
