"""PixelRNN (Row LSTM, Diagonal BiLSTM): the shared suite, grayscale and RGB.

Its layers and networks are checked in `tests/networks/`."""

import pytest

import tfp_pixel
from tests import model_hooks
from tests.distributions import test_categorical_pixel_cnn
from tfp_pixel.networks import pixel_rnn_network

_NETWORKS = {'row_lstm': pixel_rnn_network.RowLSTMNetwork,
             'diagonal_bilstm': pixel_rnn_network.DiagonalBiLSTMNetwork}


class TestRowLSTM(model_hooks.PixelRNNHooks,
                  test_categorical_pixel_cnn.TestCategoricalPixelCNN):
  """The shared suite and every check of the categorical PixelCNN (the
  argmax path at low temperature, dropout, `validate_args`)."""

  def test_network_is_the_architecture_and_copy_keeps_it(self):
    dist = self.distribution()
    assert isinstance(dist.network, _NETWORKS[self.architecture])
    assert dist.parameters['architecture'] == self.architecture
    copy = dist.copy(temperature=.5)
    assert copy.architecture == self.architecture
    assert copy.network is dist.network

  def test_bad_arguments_are_value_errors(self):
    calls = {
        'architecture': lambda: self.make_distribution(
            (2, 2, 1), architecture='gru'),
        'num_layers': lambda: self.make_distribution((2, 2, 1),
                                                     num_layers=0),
        'hidden_units': lambda: self.make_distribution((2, 2, 3),
                                                       hidden_units=2),
        'first_kernel_size': lambda: self.make_distribution(
            (2, 2, 1), first_kernel_size=4),
    }
    for match, call in calls.items():
      with pytest.raises(ValueError, match=match):
        call()
    other = ({'row_lstm', 'diagonal_bilstm'} - {self.architecture}).pop()
    with pytest.raises(ValueError,
                       match=_NETWORKS[self.architecture].__name__):
      tfp_pixel.PixelRNN(self.tiny_shape, self.num_levels, architecture=other,
                         network=self.distribution().network)


class TestRowLSTMRGB(model_hooks.PixelRNNRGB, TestRowLSTM):
  """The Row LSTM suite on RGB images."""


class TestDiagonalBiLSTM(model_hooks.DiagonalBiLSTMHooks, TestRowLSTM):
  """Every check of the Row LSTM model, for the Diagonal BiLSTM."""


class TestDiagonalBiLSTMRGB(model_hooks.PixelRNNRGB, TestDiagonalBiLSTM):
  """The Diagonal BiLSTM suite on RGB images."""
