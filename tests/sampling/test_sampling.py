"""Fast exact sampling: graphs, agreement with full passes, exactness, seeds."""

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_probability as tfp

import tfp_pixel
from tfp_pixel import quantization
from tfp_pixel.networks import mixture_head
from tfp_pixel.sampling import reference
from tests import chi_square
from tests import model_hooks
from tfp_pixel.sampling import masked_graph
from tfp_pixel.sampling import pixel_cnn_graph
from tfp_pixel.sampling import pixel_sampler

tfd = tfp.distributions


class TestMixtureGraph:

  @pytest.mark.parametrize('image_shape, num_hierarchies, conditional_shape', [
      ((4, 4, 1), 2, None), ((4, 4, 3), 3, None), ((4, 4, 1), 2, (2,))])
  def test_graph_equals_network(self, image_shape, num_hierarchies,
                                conditional_shape):
    dist = model_hooks.initialized_pixel_cnn(
        image_shape, conditional_shape=conditional_shape,
        num_hierarchies=num_hierarchies)
    images = tf.random.stateless_uniform((3, *image_shape), (1, 2), 0, 4,
                                         tf.int32)
    images = tf.cast(images, tf.float32)
    conditional = (None if conditional_shape is None else
                   tf.random.stateless_normal((3, *conditional_shape), (3, 4)))
    expected = dist.network_params(images, conditional)
    graph = pixel_cnn_graph.pixel_cnn_graph(dist.network, image_shape,
                                          conditional)
    raw = graph.evaluate(2. * images / 3. - 1.)
    got = mixture_head.split_params(raw, 2, image_shape[-1])
    for want, have in zip(expected, got):
      np.testing.assert_allclose(have, want, rtol=1e-4, atol=1e-4)

  def test_categorical_graph_equals_network(self):
    dist = model_hooks.uneven_categorical((5, 5, 3))
    levels = tf.random.stateless_uniform((3, 5, 5, 3), (1, 2), 0, 3, tf.int32)
    inputs = quantization.levels_to_unit_interval(levels, 3)
    graph = masked_graph.masked_graph(dist.network)
    np.testing.assert_allclose(
        tf.reshape(graph.evaluate(inputs), [3, 5, 5, 3, 3]),
        dist.network(inputs), atol=1e-5)


class TestAgreementWithFullPasses:
  """Same noise, same images: the fast samplers against full passes where
  the shared suite does not compare them (256 values, completion; the
  suite's `test_fast_sampler_draws_what_the_reference_sampler_draws` does
  for every model)."""

  @pytest.mark.slow
  def test_mixture_with_256_values(self):
    # Both paths compute the same outputs up to float rounding; with 256
    # narrow bins a draw may rarely land on the other side of a bin edge.
    dist = model_hooks.initialized_pixel_cnn((4, 4, 1), high=255)
    fast = dist.sample(8, seed=(5, 6)).numpy()
    full = tf.function(
        lambda: reference.sample_pixel_cnn(dist, 8, (5, 6)))().numpy()
    same = (fast == full).reshape(8, -1).all(axis=1)
    assert same.sum() >= 7, same

  @pytest.mark.slow
  def test_completion(self):
    dist = model_hooks.initialized_pixel_cnn((4, 4, 3), num_hierarchies=3)
    images = tf.random.stateless_uniform((2, 4, 4, 3), (8, 9), 0, 4, tf.int32)
    images = tf.cast(images, tf.float32)
    mask = np.random.RandomState(0).rand(2, 4, 4, 3) < .4
    fast = tfp_pixel.complete(dist, images, mask, n=1, seed=(2, 3))[0]
    full = tf.function(lambda: reference.sample_pixel_cnn(
        dist, 2, (2, 3), known_images=images, known_mask=mask))()
    np.testing.assert_array_equal(fast, full)


class TestExactness:
  """Tempering and the stock sampler (the suite's
  `test_sample_frequencies_match_probabilities` holds every model's sampler
  to `exp(log_prob)` by chi-square)."""

  def test_mixture_temperature_one_is_the_stock_model(self):
    dist = model_hooks.initialized_pixel_cnn((2, 2, 1))
    events = chi_square.all_events((2, 2, 1), range(4)).astype(np.float32)
    np.testing.assert_array_equal(
        dist.copy(temperature=1.).log_prob(events),
        tfd.PixelCNN._log_prob(dist, tf.constant(events)))  # pylint: disable=protected-access

  def test_colder_is_sharper(self):
    dist = model_hooks.uneven_categorical((2, 2, 1))
    events = chi_square.all_events((2, 2, 1), range(3))
    probs = np.exp(dist.log_prob(events))
    cold = np.exp(dist.copy(temperature=.5).log_prob(events))
    assert cold.max() > probs.max()
    np.testing.assert_allclose(cold.sum(), 1., rtol=1e-4)

  # Documents a defect of stock TFP, not of ours: in the slow run.
  @pytest.mark.slow
  @pytest.mark.stock_behaviour
  def test_stock_sampler_is_not_exact(self):
    dist = model_hooks.initialized_pixel_cnn((2, 2, 1), high=1)
    stock = tf.function(lambda: tfd.PixelCNN._sample_n(  # pylint: disable=protected-access
        dist, chi_square.NUM_SAMPLES, seed=42))()
    p_value = chi_square.frequencies_p_value(dist, stock, range(2))
    assert p_value < chi_square.P_VALUE, p_value


class TestSeedsAndShapes:

  def test_same_stateless_seed_same_images(self):
    dist = model_hooks.initialized_pixel_cnn((4, 4, 1))
    first = dist.sample(5, seed=(1, 2))
    np.testing.assert_array_equal(first, dist.sample(5, seed=(1, 2)))
    assert not np.array_equal(first, dist.sample(5, seed=(1, 3)))
    assert len(np.unique(np.reshape(first, [5, -1]), axis=0)) > 1

  def test_int_seed_and_sample_shape(self):
    dist = model_hooks.uneven_categorical((3, 3, 3))
    samples = dist.sample((2, 3), seed=7)
    assert samples.shape == (2, 3, 3, 3, 3)
    assert samples.dtype == dist.dtype

  def test_jit_compile_draws_the_same_distribution(self):
    # Not always the same images: XLA may round a float otherwise.
    dist = model_hooks.uneven_categorical((2, 2, 1))
    samples = pixel_sampler.sample(dist, chi_square.NUM_SAMPLES, (1, 2),
                                   jit_compile=True)
    p_value = chi_square.frequencies_p_value(dist, samples, range(3))
    assert p_value > chi_square.P_VALUE, p_value

  @pytest.mark.slow
  def test_inside_tf_function(self):
    dist = model_hooks.initialized_pixel_cnn((4, 4, 1), conditional_shape=(2,))
    conditional = tf.constant([1., -1.])

    @tf.function
    def draw(seed):
      return dist.sample(4, seed=seed, conditional_input=conditional)

    np.testing.assert_array_equal(
        draw(tf.constant([3, 4])),
        dist.sample(4, seed=(3, 4), conditional_input=conditional))


def test_repeated_sampling_traces_twice_and_never_warns(monkeypatch,
                                                       tf_warnings):
  traces = []
  draw_images = pixel_sampler.draw_images
  monkeypatch.setattr(pixel_sampler, 'draw_images',
                      lambda *args: traces.append(1) or draw_images(*args))
  dist = tfp_pixel.CategoricalPixelCNN((2, 2, 1), num_levels=3, num_filters=4,
                                       num_residual_blocks=1,
                                       first_kernel_size=3)
  dist.sample(1, seed=1)
  dist.sample(3, seed=(1, 2))
  for i, temperature in enumerate([.9, .8, .7, .6, .5]):
    dist.copy(temperature=temperature).sample(i + 2, seed=(i, 3))
  # The first batch size, then any batch size.
  assert len(traces) <= 2
  assert not [message for message in tf_warnings if 'retracing' in message]
