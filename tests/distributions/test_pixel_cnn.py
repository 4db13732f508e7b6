"""tfp_pixel.PixelCNN (PixelCNN++ with forward masks): the shared suite."""

import itertools

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_probability as tfp

import tfp_pixel
from tests import model_hooks
from tests.distributions import distribution_suite


class TestPixelCNN(model_hooks.PixelCNNHooks,
                   distribution_suite.DistributionSuite):

  def test_is_a_stock_pixel_cnn(self):
    assert isinstance(self.distribution(), tfp.distributions.PixelCNN)

  def test_without_weight_norm_too(self):
    dist = self.make_distribution(self.tiny_shape, use_weight_norm=False)
    total = tf.reduce_sum(tf.exp(dist.log_prob(self.all_events())))
    np.testing.assert_allclose(total, 1., atol=1e-5)


class TestPixelCNNRGB(TestPixelCNN):
  contract_checks_slow = True
  tiny_shape = (2, 1, 3)
  causal_shape = (4, 4, 3)
  high = 1
  num_hierarchies = 1


# Documents a defect of stock TFP, not of ours: in the slow run.
@pytest.mark.slow
@pytest.mark.stock_behaviour
def test_stock_pixel_cnn_is_not_normalized_before_training():
  """Documents why we mask in the forward pass: stock leaks the current pixel."""
  tf.random.set_seed(0)
  events = np.array(list(itertools.product(range(4), repeat=4)),
                    np.float32).reshape(-1, 2, 2, 1)
  totals = []
  for _ in range(3):
    stock = tfp.distributions.PixelCNN(
        (2, 2, 1), num_resnet=1, num_hierarchies=2, num_filters=4,
        num_logistic_mix=2, high=3)
    totals.append(float(tf.reduce_sum(tf.exp(stock.log_prob(events)))))
  assert max(abs(t - 1.) for t in totals) > 1e-3


def test_data_init_keeps_normalization():
  """Weight norm's data-dependent init runs on masked kernels too."""
  dist = tfp_pixel.PixelCNN((4, 4, 1), num_resnet=1, num_hierarchies=2,
                            num_filters=4, num_logistic_mix=2, high=1)
  events = np.array(list(itertools.product(range(2), repeat=16)),
                    np.float32).reshape(-1, 4, 4, 1)
  total = tf.reduce_sum(tf.exp(tf.cast(dist.log_prob(events), tf.float64)))
  np.testing.assert_allclose(total, 1., atol=1e-5)
