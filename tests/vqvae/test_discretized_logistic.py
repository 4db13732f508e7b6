"""The discretized logistic over 8-bit values: normalization, stability in
the tails, sampling and the mode."""

import numpy as np
import pytest
import tensorflow as tf

from tests import chi_square
from tfp_pixel.distributions import discretized_logistic

_VALUES = np.arange(256.)
# Exact in float32, so that float32 and float64 see the same locations.
_LOCS = [-1e4, -40., 0., 0.375, 127.5, 254.625, 255., 300., 1e4]
_LOG_SCALES = [-15., -3., 0., 2., 6., 12.]


def _pixel(loc, log_scale, dtype=np.float64):
  """One 1x1x1 event per `loc`, broadcast against `log_scale`."""
  return discretized_logistic.DiscretizedLogistic(
      np.reshape(np.asarray(loc, dtype), [-1, 1, 1, 1]),
      np.reshape(np.asarray(log_scale, dtype), [-1, 1, 1, 1]))


def _probs(dist):
  """`[256, batch]`: the probability of every value."""
  log_probs = dist.log_prob(_VALUES.reshape(256, 1, 1, 1, 1))
  return np.exp(np.asarray(log_probs, np.float64))


@pytest.mark.parametrize('log_scale', _LOG_SCALES)
def test_the_256_probabilities_sum_to_one(log_scale):
  locs = np.array(_LOCS)
  np.testing.assert_allclose(_probs(_pixel(locs, log_scale)).sum(0), 1.,
                             atol=1e-6)
  np.testing.assert_allclose(
      _probs(_pixel(locs, log_scale, np.float32)).sum(0), 1., atol=1e-5)


def test_tail_log_probs_are_finite_and_match_float64():
  locs, log_scales = np.meshgrid(_LOCS, _LOG_SCALES)
  values = np.array([0., 1., 37., 128., 254., 255.]).reshape(-1, 1, 1, 1, 1)
  exact = _pixel(locs.ravel(), log_scales.ravel()).log_prob(values)
  single = _pixel(locs.ravel(), log_scales.ravel(), np.float32).log_prob(
      values.astype(np.float32))
  assert np.all(np.isfinite(single))
  np.testing.assert_allclose(single, exact, rtol=1e-5, atol=1e-5)


def test_gradients_are_finite_in_the_tails():
  loc = tf.constant(np.full([1, 1, 1, 3], 250., np.float32))
  log_scale = tf.constant([[[[-10., 0., 8.]]]])
  with tf.GradientTape() as tape:
    tape.watch([loc, log_scale])
    log_prob = discretized_logistic.DiscretizedLogistic(
        loc, log_scale).log_prob(np.zeros([1, 1, 1, 3], np.uint8))
  for gradient in tape.gradient(log_prob, [loc, log_scale]):
    assert np.all(np.isfinite(gradient))


def test_a_bin_holds_the_logistic_mass_around_its_value():
  dist = _pixel([100.2], [np.log(3.)])
  sigmoid = lambda x: 1. / (1. + np.exp(-x))
  expected = sigmoid((101.5 - 100.2) / 3.) - sigmoid((100.5 - 100.2) / 3.)
  np.testing.assert_allclose(_probs(dist)[101, 0], expected, rtol=1e-12)
  np.testing.assert_allclose(_probs(dist)[0, 0], sigmoid(-99.7 / 3.),
                             rtol=1e-9)


def test_log_prob_takes_uint8_and_sums_over_the_event():
  rng = np.random.default_rng(0)
  loc = rng.uniform(0., 255., (2, 3, 4, 3)).astype(np.float32)
  log_scale = rng.uniform(-2., 3., (2, 3, 4, 3)).astype(np.float32)
  dist = discretized_logistic.DiscretizedLogistic(loc, log_scale)
  assert dist.batch_shape == [2] and dist.event_shape == [3, 4, 3]
  images = rng.integers(0, 256, (2, 3, 4, 3)).astype(np.uint8)
  np.testing.assert_allclose(
      dist.log_prob(images),
      np.sum(dist.element_log_prob(images.astype(np.float32)), (1, 2, 3)),
      rtol=1e-6)
  np.testing.assert_allclose(dist.log_prob(images),
                             dist.log_prob(images.astype(np.float32)))


def test_samples_match_the_probabilities():
  dist = _pixel([100.3, 1.2, 253.], [np.log(1.5), np.log(4.), 0.],
                np.float32)
  samples = dist.sample(chi_square.NUM_SAMPLES, seed=(3, 4))
  assert samples.dtype == tf.float32
  assert samples.shape == [chi_square.NUM_SAMPLES, 3, 1, 1, 1]
  values = samples.numpy()
  np.testing.assert_array_equal(values, np.round(values))
  assert chi_square.frequencies_p_value(
      dist, samples, _VALUES) > chi_square.P_VALUE


def test_sampling_is_deterministic_given_a_seed():
  dist = _pixel([10., 200.], [2., 2.], np.float32)
  np.testing.assert_array_equal(dist.sample(5, seed=(1, 2)),
                                dist.sample(5, seed=(1, 2)))


def test_the_mode_is_the_most_likely_value():
  locs = np.array([-3., 0.4, 0.6, 1.4, 100.49, 100.51, 254.4, 254.6, 400.])
  for log_scale in (-2., 0., 3., 5.):
    dist = _pixel(locs, log_scale)
    np.testing.assert_array_equal(
        np.ravel(dist.mode()), np.argmax(_probs(dist), axis=0))
