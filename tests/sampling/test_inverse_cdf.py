"""The per-pixel noise and the inverse-CDF draws."""

import numpy as np
import tensorflow as tf
import tensorflow_probability as tfp

from tfp_pixel.sampling import inverse_cdf


def _splitmix64(state, count):
  """The first `count` SplitMix64 outputs from `state`, in Python integers."""
  mask = 2**64 - 1
  outputs = []
  for i in range(1, count + 1):
    bits = (state + i * 0x9E3779B97F4A7C15) & mask
    bits = ((bits ^ (bits >> 30)) * 0xBF58476D1CE4E5B9) & mask
    bits = ((bits ^ (bits >> 27)) * 0x94D049BB133111EB) & mask
    outputs.append(bits ^ (bits >> 31))
  return outputs


class TestPixelNoise:

  def test_is_splitmix64_of_the_salted_seed(self):
    noise = inverse_cdf.pixel_noise((3, -4), 2, (2, 1, 1), 3, tf.float64)
    seed = tfp.random.sanitize_seed((3, -4), salt='pixel_noise').numpy()
    state = int(seed.astype(np.int32).view(np.uint64)[0])
    expected = [bits >> 11 for bits in _splitmix64(state, 12)]
    np.testing.assert_array_equal(
        np.reshape(noise, [-1]) * 2.**53, expected)

  def test_same_numbers_compiled_with_a_tensor_seed(self):
    draw = lambda seed: inverse_cdf.pixel_noise(seed, 3, (4, 4, 1), 2,  # pylint: disable=g-long-lambda
                                                tf.float32)
    seed = tf.constant([5, 6])
    np.testing.assert_array_equal(
        tf.function(draw, jit_compile=True)(seed), draw(seed))

  def test_uniform_in_unit_interval_and_independent_of_batch_size(self):
    noise = inverse_cdf.pixel_noise((1, 2), 64, (8, 8, 1), 2, tf.float32)
    assert 0. <= np.min(noise) and np.max(noise) < 1.
    np.testing.assert_allclose(np.mean(noise), .5, atol=.01)
    np.testing.assert_allclose(np.var(noise), 1. / 12, atol=.005)
    np.testing.assert_array_equal(
        inverse_cdf.pixel_noise((1, 2), 4, (8, 8, 1), 2, tf.float32),
        noise[:4])
