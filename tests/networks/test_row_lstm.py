"""The Row LSTM layer: against a per-pixel reference written from the paper's
equations, and the inputs it reads (by gradients)."""

import numpy as np
import tensorflow as tf

from tests.networks import lstm_reference
from tfp_pixel.networks import row_lstm


class TestLayerFollowsItsEquations:
  """The layer against a reference that applies the paper's equations one
  pixel at a time, with no shifting or convolution: a state convolution
  reading the wrong neighbours, gates with the wrong non-linearity or a
  residual added twice would all differ."""

  shape = (2, 4, 5, 6)  # batch, height, width, features (units: 3)

  def test_row_lstm_layer(self):
    tf.random.set_seed(2)
    layer = row_lstm.RowLSTMLayer(6, 3, dtype=tf.float64)
    lstm_reference.randomize(layer)
    inputs = tf.random.stateless_uniform(self.shape, (3, 4), -1., 1.,
                                         tf.float64)
    np.testing.assert_allclose(layer(inputs),
                               _row_lstm_reference(layer, inputs.numpy()),
                               atol=1e-10)


class TestKnownLeaks(lstm_reference.KnownLeaks):

  def test_row_lstm_layer_reads_its_row_up_to_the_pixel_and_a_triangle(self):
    tf.random.set_seed(4)
    layer = row_lstm.RowLSTMLayer(4, 4)
    _, height, width, _ = self.shape
    seen_at = lstm_reference.layer_dependencies(layer, self.shape)
    for (i, j), seen in seen_at.items():
      expected = np.zeros((height, width), bool)
      expected[i, max(0, j - 1):j + 1] = True
      for r in range(1, i + 1):
        expected[i - r, max(0, j - 1 - r):j + r + 1] = True
      np.testing.assert_array_equal(seen, expected, err_msg=str((i, j)))


def _row_lstm_reference(layer, x):
  """The Row LSTM layer, pixel by pixel: the gates of `(i, j)` read the
  inputs at `(i, j - 1 .. j + 1)` (the mask zeroes `j + 1`) and the states at
  `(i - 1, j - 1 .. j + 1)`; the cell continues `c` of `(i - 1, j)`."""
  at = lstm_reference.at
  input_kernel = layer.cell.masked_kernel().numpy()[0]
  state_kernel = layer.cell.state_kernel.numpy()
  bias = layer.cell.bias.numpy()
  batch, height, width, _ = x.shape
  units = state_kernel.shape[1]
  h = np.zeros((batch, height, width, units))
  c = np.zeros_like(h)
  for i in range(height):
    for j in range(width):
      pre_activations = bias + sum(
          at(x, i, j + d) @ input_kernel[d + 1] +
          at(h, i - 1, j + d) @ state_kernel[d + 1] for d in (-1, 0, 1))
      h[:, i, j], c[:, i, j] = lstm_reference.lstm(pre_activations,
                                                   at(c, i - 1, j))
  return x + h @ layer.output.masked_kernel().numpy()[0, 0] + (
      layer.output.bias.numpy())
