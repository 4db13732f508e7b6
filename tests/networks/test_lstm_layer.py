"""The residual LSTM layers (Row LSTM, Diagonal BiLSTM): what they share."""

import numpy as np
import pytest
import tensorflow as tf

from tfp_pixel.networks import diagonal_bilstm
from tfp_pixel.networks import row_lstm


@pytest.mark.parametrize('layer_class', [row_lstm.RowLSTMLayer,
                                         diagonal_bilstm.DiagonalBiLSTMLayer])
def test_residual_is_added_once(layer_class):
  layer = layer_class(4, 2)
  layer.output.kernel.assign(tf.zeros_like(layer.output.kernel))
  inputs = tf.random.stateless_uniform((1, 5, 6, 4), (1, 1), -1., 1.)
  np.testing.assert_array_equal(layer(inputs), inputs)
