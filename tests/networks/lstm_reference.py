"""The LSTM layers' checks share these: random weights, the LSTM update one
pixel at a time (numpy), and the inputs a layer's outputs depend on."""

import numpy as np
import tensorflow as tf

from tests import dependencies


def randomize(layer):
  """Random values for every variable (fresh biases are zero or one)."""
  for index, variable in enumerate(layer.trainable_variables):
    variable.assign(tf.random.stateless_normal(variable.shape, (index, 9),
                                               stddev=.5,
                                               dtype=variable.dtype))


def _sigmoid(x):
  return 1. / (1. + np.exp(-x))


def lstm(pre_activations, cell):
  """`(h, c)`: sigmoid input, forget and output gates, tanh candidate."""
  i, f, o, g = np.split(pre_activations, 4, axis=-1)
  cell = _sigmoid(f) * cell + _sigmoid(i) * np.tanh(g)
  return _sigmoid(o) * np.tanh(cell), cell


def at(values, i, j):
  """`values[:, i, j]`, zeros outside the image."""
  _, height, width, features = values.shape
  if 0 <= i < height and 0 <= j < width:
    return values[:, i, j]
  return np.zeros((values.shape[0], features))


def layer_dependencies(layer, shape, inputs=None):
  """`{(i, j): boolean [H, W]}` for one layer's output and input (by
  default random)."""
  if inputs is None:
    inputs = tf.random.stateless_uniform(shape, (5, 6), -1., 1.)
  return dependencies.pixel_dependencies(layer, inputs)


class KnownLeaks:
  """Gradients of one layer's output at `(i, j)` with respect to its input:
  exactly the inputs the layer may read (mask B: `(i, j)` itself too)."""

  shape = (1, 5, 6, 4)
