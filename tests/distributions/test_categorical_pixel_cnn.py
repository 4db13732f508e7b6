"""CategoricalPixelCNN: the shared suite, grayscale and RGB, plus its own checks."""

import numpy as np
import pytest
import tensorflow as tf

import tfp_pixel
from tests import keras_models
from tests import model_hooks
from tests import uneven_biases
from tests.distributions import distribution_suite


class TestCategoricalPixelCNN(model_hooks.CategoricalHooks,
                              distribution_suite.DistributionSuite):

  def test_temperature_towards_zero_follows_the_argmax_path(self):
    # A fixed network (not one left by the tests before): the check needs no
    # near-tie between the top logits along the argmax path.
    tf.random.set_seed(0)
    warm = self.make_distribution(self.tiny_shape)
    # Break the tie of a fresh network so that the argmax path is unique.
    uneven_biases.make_uneven(warm, seed=(0, 1))
    dist = warm.copy(temperature=1e-3)
    samples = dist.sample(20, seed=(3, 3)).numpy()
    assert len(np.unique(samples.reshape(20, -1), axis=0)) == 1
    greedy = samples[:1]
    logits = warm.logits(greedy).numpy()
    np.testing.assert_array_equal(greedy[0], logits[0].argmax(-1))

  def test_dropout_is_active_only_in_training(self):
    dist = self.make_distribution(self.tiny_shape, dropout_rate=.5)
    events = self.random_events(self.tiny_shape, 4)
    np.testing.assert_array_equal(dist.log_prob(events),
                                  dist.log_prob(events))
    tf.random.set_seed(1)
    assert not np.allclose(dist.log_prob(events, training=True),
                           dist.log_prob(events))

  def test_validate_args_rejects_levels_out_of_range(self):
    dist = self.make_distribution(self.tiny_shape, validate_args=True)
    with pytest.raises(tf.errors.InvalidArgumentError, match='num_levels'):
      dist.log_prob(np.full((1,) + self.tiny_shape, self.num_levels))

  def test_bad_arguments_are_value_errors(self):
    # Those of every model: the suite's `bad_arguments`.
    with pytest.raises(ValueError, match='num_filters'):
      tfp_pixel.CategoricalPixelCNN((2, 2, 3), num_levels=2, num_filters=4)
    with pytest.raises(ValueError, match='network'):
      dist = self.distribution()
      tfp_pixel.CategoricalPixelCNN((2, 2, 1), num_levels=5,
                                    network=dist.network)


class TestCategoricalPixelCNNRGB(TestCategoricalPixelCNN):
  contract_checks_slow = True
  tiny_shape = (2, 1, 3)
  causal_shape = (3, 3, 3)
  num_levels = 2


def test_keras_model_fits_in_a_graph_and_passes_training_on():
  dist = tfp_pixel.CategoricalPixelCNN((2, 2, 1), num_levels=3, num_filters=8,
                                       num_residual_blocks=1,
                                       first_kernel_size=3, dropout_rate=.2)
  events = np.repeat(np.array([[[[0], [2]], [[1], [2]]]]), 8, axis=0)
  model, _ = keras_models.log_prob_model(dist, events)
  np.testing.assert_allclose(model(events), dist.log_prob(events), rtol=1e-5)
  tf.random.set_seed(1)
  assert not np.allclose(model(events, training=True), model(events))
  losses = model.fit(events, epochs=3, batch_size=8, verbose=0).history['loss']
  assert losses[-1] < losses[0], losses
