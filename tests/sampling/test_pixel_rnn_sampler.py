"""PixelRNN's fast samplers (LSTM states carried pixel by pixel) against the
plain full-pass sampler with the same noise, where the shared suite does not
compare them: completion, and 256 levels with the paper's first layer."""

import numpy as np
import pytest
import tensorflow as tf

import tfp_pixel
from tests import model_hooks
from tfp_pixel.sampling import reference

ARCHITECTURES = ('row_lstm', 'diagonal_bilstm')
SHAPES = ((4, 5, 1), (3, 3, 3))


def _full_pass(dist, n, seed, **kwargs):
  return tf.function(lambda: reference.sample_categorical(dist, n, seed,
                                                          **kwargs))()


@pytest.mark.parametrize('architecture', ARCHITECTURES)
class TestAgreementWithFullPasses:
  """Same noise, same images (the suite compares plain sampling:
  `test_fast_sampler_draws_what_the_reference_sampler_draws`)."""

  @pytest.mark.parametrize('image_shape', SHAPES)
  def test_completion(self, architecture, image_shape):
    dist = model_hooks.uneven_pixel_rnn(image_shape, architecture)
    images = tf.random.stateless_uniform((3, *image_shape), (8, 9), 0, 3,
                                         tf.int32)
    # Known pixels (and channels) anywhere, also after unknown ones.
    mask = np.random.RandomState(0).rand(3, *image_shape) < .4
    fast = tfp_pixel.complete(dist, images, mask, n=1, seed=(2, 3))[0]
    np.testing.assert_array_equal(
        fast, _full_pass(dist, 3, (2, 3), known_images=images,
                         known_mask=mask))

  @pytest.mark.slow
  def test_256_levels_and_the_paper_s_first_layer(self, architecture):
    # Both paths compute the same logits up to float rounding; with 256
    # levels a draw may rarely land on the other side of a CDF step.
    tf.random.set_seed(3)
    dist = tfp_pixel.PixelRNN((8, 8, 1), architecture=architecture,
                              num_layers=3, hidden_units=8)
    fast = dist.sample(8, seed=(5, 6)).numpy()
    full = _full_pass(dist, 8, (5, 6)).numpy()
    same = (fast == full).reshape(8, -1).all(axis=1)
    assert same.sum() >= 7, same
