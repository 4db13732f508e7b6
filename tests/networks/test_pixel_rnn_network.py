"""The PixelRNN networks (Row LSTM, Diagonal BiLSTM): their receptive fields,
by gradients."""

import numpy as np
import pytest
import tensorflow as tf

from tests import dependencies
from tests import model_hooks
from tfp_pixel.networks import pixel_rnn_network


class TestReceptiveFields:
  """Which pixels the logits at `(i, j)` depend on, by gradients."""

  @pytest.mark.parametrize('num_layers, first_kernel_size', [(1, 3), (2, 3),
                                                             (2, 5)])
  def test_row_lstm_sees_the_triangle_above(self, num_layers,
                                            first_kernel_size):
    # With L layers and a k x k first layer (a = k // 2), the logits at
    # (i, j) see row i from column j - L - a to j - 1, and row i - r
    # (r >= 1) from column j - L - r - a to j + r - 1 + a: the first layer
    # reaches a columns either side (a - 1 to the right of row i - r
    # through its row i - r + 1), and each layer one more column to the
    # left in the row itself (its input-to-state) and one more column
    # either side per row up (its state-to-state).
    shape = (6, 12, 1)
    tf.random.set_seed(0)
    network = pixel_rnn_network.RowLSTMNetwork(
        shape, 3, num_layers=num_layers, hidden_units=8,
        first_kernel_size=first_kernel_size)
    half = first_kernel_size // 2
    for i, j in [(4, 5), (5, 6), (3, 2), (1, 10)]:
      expected = np.zeros(shape[:2], bool)
      expected[i, max(0, j - num_layers - half):j] = True
      for r in range(1, i + 1):
        expected[i - r, max(0, j - num_layers - r - half):
                 j + r - 1 + half + 1] = True
      seen = _network_dependencies(network, shape, [(i, j)])[i, j]
      np.testing.assert_array_equal(seen, expected, err_msg=str((i, j)))
      # Beyond the triangle's edges there is context it never sees.
      assert (~expected & _earlier(shape, i, j)).any()

  @pytest.mark.parametrize(
      'shape, num_layers, first_kernel_size, num_classes',
      [((5, 5, 1), 1, 3, None), ((4, 6, 1), 2, 5, 3), ((5, 5, 3), 1, 3, None),
       ((4, 6, 3), 2, 3, 3)])
  def test_diagonal_bilstm_sees_every_earlier_input(
      self, shape, num_layers, first_kernel_size, num_classes):
    # The logits of channel c at (i, j) see every channel of every earlier
    # pixel and channels 0 .. c - 1 of (i, j), nothing else. By the paper's
    # letter they would miss (i - 1, W - 1) for j < W - 1 - k // 2 (below).
    seen = _diagonal_bilstm_dependencies(shape, num_layers, first_kernel_size,
                                         num_classes)
    for (i, j, c), seen_here in seen.items():
      np.testing.assert_array_equal(
          seen_here, dependencies.earlier_inputs(shape, i, j, c),
          err_msg=str((i, j, c)))

  def test_without_the_open_centre_the_last_pixel_above_is_missed(self):
    # The paper's letter (a network whose open centre entries are zero, as
    # in runs trained before it existed): the right-to-left states of row
    # i - 1 never hold (i - 1, W - 1), and row i sees it only where the
    # k x k first layer reaches it, from column W - 1 - k // 2 on.
    shape = (4, 6, 1)
    width = shape[1]
    seen = _diagonal_bilstm_dependencies(shape, 1, 3, None,
                                         open_centre=False)
    for (i, j, _), seen_here in seen.items():
      expected = _earlier(shape, i, j)[..., np.newaxis]
      if i > 0 and j < width - 2:  # W - 1 - k // 2, k = 3
        expected[i - 1, width - 1] = False
      np.testing.assert_array_equal(seen_here, expected, err_msg=str((i, j)))


def _earlier(shape, i, j):
  return dependencies.earlier_pixels(shape[0], shape[1], i, j)


def _diagonal_bilstm_dependencies(shape, num_layers, first_kernel_size,
                                  num_classes, open_centre=True):
  """`dependencies.channel_dependencies` of a random Diagonal BiLSTM
  network's logits (given labels for `num_classes`)."""
  tf.random.set_seed(0)
  network = pixel_rnn_network.DiagonalBiLSTMNetwork(
      shape, 3, num_layers=num_layers, hidden_units=6 * shape[-1],
      first_kernel_size=first_kernel_size, num_classes=num_classes)
  if not open_centre:
    first = network.first
    first.kernel.assign(first.kernel * first.mask)
  # One label per image, whatever the batch.
  label = model_hooks.one_hot(1) if num_classes else None
  inputs = tf.random.stateless_uniform((4, *shape), (1, 2), -1., 1.)
  return dependencies.channel_dependencies(
      lambda x: network(x, conditional_input=label), inputs)


def _network_dependencies(network, shape, pixels):
  """`{(i, j): boolean [H, W]}`: the pixels the logits at `(i, j)` depend on
  (a batch of random inputs)."""
  inputs = tf.random.stateless_uniform((4, *shape), (1, 2), -1., 1.)
  return dependencies.pixel_dependencies(network, inputs, pixels)

