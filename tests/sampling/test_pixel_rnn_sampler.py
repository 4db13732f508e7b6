"""PixelRNN's fast samplers (LSTM states carried pixel by pixel) against the
plain full-pass sampler with the same noise, and compiled with XLA."""

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
  """Same noise, same images."""

  @pytest.mark.parametrize('image_shape', SHAPES)
  def test_images(self, architecture, image_shape):
    dist = model_hooks.uneven_pixel_rnn(image_shape, architecture)
    np.testing.assert_array_equal(dist.sample(8, seed=(5, 6)),
                                  _full_pass(dist, 8, (5, 6)))

  @pytest.mark.parametrize('image_shape', SHAPES)
  def test_images_given_a_batch_of_labels(self, architecture, image_shape):
    dist = model_hooks.uneven_pixel_rnn(image_shape, architecture,
                                        num_classes=3)
    labels = model_hooks.one_hot([0, 1, 2, 2, 1, 0])
    np.testing.assert_array_equal(
        dist.sample(6, seed=(5, 6), conditional_input=labels),
        _full_pass(dist, 6, (5, 6), conditional_input=labels))

  def test_images_at_a_temperature(self, architecture):
    dist = model_hooks.uneven_pixel_rnn((4, 5, 1), architecture).copy(
        temperature=.5)
    np.testing.assert_array_equal(dist.sample(8, seed=(1, 2)),
                                  _full_pass(dist, 8, (1, 2)))

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


@pytest.mark.parametrize('architecture', ARCHITECTURES)
@pytest.mark.parametrize('image_shape, num_classes', [((4, 5, 1), 3),
                                                      ((3, 3, 3), None)])
def test_sample_compiled_with_xla_draws_the_same_images(
    architecture, image_shape, num_classes):
  dist = model_hooks.uneven_pixel_rnn(image_shape, architecture,
                                      num_classes=num_classes)
  kwargs = {}
  if num_classes:
    kwargs['conditional_input'] = model_hooks.one_hot([2, 0, 1, 1])
  compiled = tf.function(lambda: dist.sample(4, seed=(3, 4), **kwargs),
                         jit_compile=True)()
  np.testing.assert_array_equal(compiled,
                                dist.sample(4, seed=(3, 4), **kwargs))
  assert len(np.unique(np.reshape(compiled, [4, -1]), axis=0)) > 1
