"""`tfp_pixel.complete`: known pixels kept, unknown ones from the posterior."""

import numpy as np
import pytest
import tensorflow as tf

import tfp_pixel
from tests import chi_square
from tests import model_hooks


def _posterior_p_value(dist, image, known, completions, values):
  """Chi-square p-value of `completions` against `p(unknown | known)`, for
  a mask whose known values all come first in raster order."""
  flat_known = known.reshape(-1)
  unknown_count = int((~flat_known).sum())
  fills = chi_square.all_events((unknown_count, 1, 1), values).reshape(
      -1, unknown_count)
  events = np.repeat(image.reshape(1, -1), len(fills), axis=0)
  events[:, ~flat_known] = fills
  events = events.reshape((-1,) + image.shape)
  log_probs = np.asarray(dist.log_prob(tf.constant(events, dist.dtype)),
                         np.float64)
  probs = np.exp(log_probs - log_probs.max())
  drawn = np.asarray(completions).reshape(len(completions), -1)
  counts = np.bincount(
      chi_square.event_index(drawn[:, ~flat_known], values), minlength=len(fills))
  return chi_square.chi_square_p_value(counts, probs / probs.sum())


class TestCompletion:

  def test_categorical_posterior_given_top_row(self):
    dist = model_hooks.uneven_categorical((2, 2, 1))
    image = np.array([[[2], [0]], [[1], [1]]], np.int32)
    known = np.array([[True, True], [False, False]])
    completions = tfp_pixel.complete(dist, image, known, n=chi_square.NUM_SAMPLES,
                                     seed=(1, 2))
    assert completions.shape == (chi_square.NUM_SAMPLES, 1, 2, 2, 1)
    np.testing.assert_array_equal(completions[:, 0, 0], np.broadcast_to(
        image[0], completions[:, 0, 0].shape))
    p_value = _posterior_p_value(dist, image, known[..., np.newaxis],
                                 completions[:, 0], range(3))
    assert p_value > chi_square.P_VALUE, p_value

  def test_categorical_posterior_given_channels(self):
    dist = model_hooks.uneven_categorical((2, 2, 3), num_levels=2)
    image = np.array([[[1, 0, 1], [0, 1, 1]], [[0, 0, 0], [1, 1, 1]]],
                     np.int32)
    known = np.zeros([2, 2, 3], bool)
    known[0, 0] = True
    known[0, 1, 0] = True  # the red channel of the second pixel
    completions = tfp_pixel.complete(dist, image, known, n=chi_square.NUM_SAMPLES,
                                     seed=(3, 4))[:, 0]
    np.testing.assert_array_equal(np.asarray(completions)[:, known],
                                  np.broadcast_to(image[known],
                                                  (chi_square.NUM_SAMPLES, 4)))
    p_value = _posterior_p_value(dist, image, known, completions, range(2))
    assert p_value > chi_square.P_VALUE, p_value

  def test_mixture_posterior_given_top_row(self):
    dist = model_hooks.initialized_pixel_cnn((2, 2, 1))
    image = np.array([[[3.], [1.]], [[0.], [0.]]], np.float32)
    known = np.array([[True, True], [False, False]])
    completions = tfp_pixel.complete(dist, image, known, n=chi_square.NUM_SAMPLES,
                                     seed=(5, 6))[:, 0]
    p_value = _posterior_p_value(dist, image, known[..., np.newaxis],
                                 completions, range(4))
    assert p_value > chi_square.P_VALUE, p_value

  def test_known_pixels_after_unknown_ones_are_kept(self):
    dist = model_hooks.uneven_categorical((3, 3, 3))
    images = tf.random.stateless_uniform((2, 3, 3, 3), (1, 1), 0, 3, tf.int32)
    known = np.random.RandomState(1).rand(2, 3, 3) < .5
    completions = tfp_pixel.complete(dist, images, known, n=5, seed=9)
    assert completions.shape == (5, 2, 3, 3, 3)
    kept = np.broadcast_to(known[..., np.newaxis], (2, 3, 3, 3))
    for completion in np.asarray(completions):
      np.testing.assert_array_equal(completion[kept], np.asarray(images)[kept])
    assert not (np.asarray(completions)[:, ~kept] ==
                np.asarray(images)[~kept]).all()

  @pytest.mark.parametrize('make_dist, values', [
      (lambda: model_hooks.uneven_categorical((3, 3, 3)), 3),
      # Compiling the mixture is slow; the suites compile `sample` of it.
      pytest.param(lambda: model_hooks.initialized_pixel_cnn(
          (4, 4, 1), conditional_shape=(2,)), 4, marks=pytest.mark.slow)])
  def test_compiles_with_xla(self, make_dist, values):
    dist = make_dist()
    images = tf.random.stateless_uniform((2, *dist.event_shape), (1, 1), 0,
                                         values, tf.int32)
    images = tf.cast(images, dist.dtype)
    known = np.random.RandomState(2).rand(2, *dist.event_shape) < .5
    given = ({} if dist.conditional_shape is None else
             {'conditional_input': tf.constant([[1., -1.], [0., 2.]])})
    complete = lambda: tfp_pixel.complete(dist, images, known, n=3,  # pylint: disable=g-long-lambda
                                          seed=(4, 5), **given)
    np.testing.assert_array_equal(
        tf.function(complete, jit_compile=True)(), complete())

  @pytest.mark.parametrize('mask', [np.ones([3, 3, 2]), np.ones([4, 3, 3]),
                                    np.ones([2, 3, 3, 1, 1])])
  def test_bad_mask_is_a_value_error(self, mask):
    dist = model_hooks.uneven_categorical((3, 3, 3))
    with pytest.raises(ValueError, match='mask'):
      tfp_pixel.complete(dist, np.zeros([2, 3, 3, 3], np.int32), mask)

  def test_bad_images_are_a_value_error(self):
    dist = model_hooks.uneven_categorical((3, 3, 3))
    with pytest.raises(ValueError, match='images must have shape'):
      tfp_pixel.complete(dist, np.zeros([3, 3, 1], np.int32),
                         np.ones([3, 3], bool))
