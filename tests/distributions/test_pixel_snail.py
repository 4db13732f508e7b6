"""PixelSNAIL: the shared suite for both heads, grayscale and RGB, the
attention's reach, many levels, and its own checks."""

import itertools

import numpy as np
import pytest
import tensorflow as tf

import tfp_pixel
from tests import model_hooks
from tests.distributions import distribution_suite
from tests.distributions import test_conditional
from tfp_pixel.networks import causal_attention
from tfp_pixel.networks import pixel_snail_network
from tfp_pixel.sampling import reference


class TestPixelSNAIL(model_hooks.PixelSNAILHooks,
                     distribution_suite.DistributionSuite):
  """Softmax head, grayscale."""

  def test_dropout_is_active_only_in_training(self):
    dist = self.make_distribution(self.tiny_shape, dropout_p=.5)
    events = self.random_events(self.tiny_shape, 4)
    np.testing.assert_array_equal(dist.log_prob(events),
                                  dist.log_prob(events))
    tf.random.set_seed(1)
    assert not np.allclose(dist.log_prob(events, training=True),
                           dist.log_prob(events))

  def test_copy_keeps_the_head_and_a_foreign_network_is_refused(self):
    dist = self.distribution()
    copy = dist.copy(temperature=.5)
    assert copy.network is dist.network
    assert (copy.num_levels, copy.num_logistic_mix) == (
        dist.num_levels, dist.num_logistic_mix)
    other = tfp_pixel.CategoricalPixelCNN(self.tiny_shape, num_levels=3,
                                          num_filters=8)
    with pytest.raises(ValueError, match='network'):
      dist.copy(network=other.network)

  def test_both_or_neither_head_is_a_one_line_error(self):
    for heads in ({}, {'num_levels': 4, 'num_logistic_mix': 2}):
      with pytest.raises(ValueError, match='exactly one') as error:
        tfp_pixel.PixelSNAIL(self.tiny_shape, **heads)
      assert '\n' not in str(error.value)


class TestPixelSNAILRGB(TestPixelSNAIL):
  contract_checks_slow = True
  tiny_shape = (2, 1, 3)
  causal_shape = (3, 3, 3)
  num_levels = 2


class TestPixelSNAILMixture(model_hooks.PixelSNAILMixtureHooks,
                            TestPixelSNAIL):
  """Mixture head, grayscale: PixelCNN++'s head, float events."""

  def test_log_prob_is_pixel_cnn_mixture_of_the_same_params(self):
    # The head is `tfp_pixel.PixelCNN`'s: the same parameters give the same
    # log-likelihood as the stock mixture of `tfd.PixelCNN`.
    dist = self.distribution()
    events = self.random_events(self.tiny_shape, 5).astype(np.float32)
    params = dist.network_params(events)
    stock = tfp_pixel.PixelCNN(self.tiny_shape, num_resnet=1,
                               num_hierarchies=1, num_filters=2,
                               num_logistic_mix=2, high=self.high,
                               use_data_init=False)
    np.testing.assert_allclose(
        dist.log_prob(events),
        stock._make_mixture_dist(*params[:3]).log_prob(events)  # pylint: disable=protected-access
        if self.tiny_shape[-1] == 1 else dist.mixture().log_prob(params,
                                                                 events),
        rtol=1e-6)


class TestPixelSNAILMixtureRGB(TestPixelSNAILMixture):
  contract_checks_slow = True
  tiny_shape = (2, 1, 3)
  causal_shape = (3, 3, 3)
  high = 1


class TestConditionalPixelSNAIL(model_hooks.Conditional,
                                model_hooks.PixelSNAILHooks,
                                test_conditional.ConditionalChecks):
  """Every label of the softmax head."""


class TestConditionalPixelSNAILMixture(model_hooks.Conditional,
                                       model_hooks.PixelSNAILMixtureHooks,
                                       test_conditional.ConditionalChecks):
  """Every label of the mixture head."""


def _snail(image_shape, **kwargs):
  sizes = dict(num_blocks=1, num_resnet=1, num_filters=8, key_size=4,
               value_size=4)
  sizes.update(kwargs)
  return tfp_pixel.PixelSNAIL(image_shape, **sizes)


def test_attention_lets_the_last_pixel_read_the_first():
  # Two gated residuals of 3x3 convolutions after a 3x3 first layer reach
  # 3 rows up: at (7, 7) of an 8x8 image the convolutions cannot see (0, 0).
  tf.random.set_seed(2)
  dist = _snail((8, 8, 1), num_levels=4, num_resnet=2)
  events = np.random.RandomState(0).randint(4, size=(2, 8, 8, 1))
  inputs = tf.constant(dist.network_inputs(events))
  with tf.GradientTape() as tape:
    tape.watch(inputs)
    last = tf.reduce_sum(dist.network(inputs)[:, 7, 7])
  assert np.abs(tape.gradient(last, inputs)[:, 0, 0].numpy()).sum() > 0.
  changed = events.copy()
  changed[:, 0, 0] = (events[:, 0, 0] + 2) % 4
  np.testing.assert_raises(
      AssertionError, np.testing.assert_allclose,
      dist.logits(changed)[:, 7, 7], dist.logits(events)[:, 7, 7])
  # The same network without its attention: (0, 0) is out of reach.
  def convolutions_only(inputs):
    stream = dist.network.first(inputs)
    for residual in dist.network.blocks[0].residuals:
      stream = residual(stream)
    return stream

  with tf.GradientTape() as tape:
    tape.watch(inputs)
    last = tf.reduce_sum(convolutions_only(inputs)[:, 7, 7])
  assert not np.any(tape.gradient(last, inputs)[:, 0, 0].numpy())


def test_attention_reads_only_earlier_positions():
  tf.random.set_seed(3)
  queries, keys, values = [tf.random.normal([2, 6, 8]) for _ in range(3)]
  with tf.GradientTape(persistent=True) as tape:
    tape.watch([keys, values])
    outputs = causal_attention.attend(queries, keys, values, num_heads=2)
    per_position = [tf.reduce_sum(outputs[:, t]) for t in range(6)]
  np.testing.assert_array_equal(outputs[:, 0], np.zeros([2, 8]))
  for t, output in enumerate(per_position[1:], start=1):
    # With one earlier position its weight is 1 whatever its key.
    for source in (keys, values) if t > 1 else (values,):
      reach = np.abs(tape.gradient(output, source).numpy()).sum(axis=(0, 2))
      assert (reach[:t] > 0).all() and not reach[t:].any(), (t, reach)
  # One position against stored keys: the same numbers.
  stored = [tf.transpose(t, [1, 0, 2]) for t in (keys, values)]
  for t in range(6):
    np.testing.assert_allclose(
        causal_attention.attend_one(queries[:, t], *stored, t, num_heads=2),
        outputs[:, t], rtol=1e-5, atol=1e-6)


def test_512_levels_are_embedded_and_normalized_over_all_events():
  tf.random.set_seed(4)
  dist = _snail((1, 2, 1), num_levels=512)
  assert dist.network.level_inputs.embedded
  events = np.array(list(itertools.product(range(512), repeat=2)),
                    np.int32).reshape(-1, 1, 2, 1)
  total = sum(np.exp(dist.log_prob(chunk).numpy().astype(np.float64)).sum()
              for chunk in np.array_split(events, 8))
  np.testing.assert_allclose(total, 1., atol=1e-5)
  with tf.GradientTape() as tape:
    loss = -tf.reduce_mean(dist.log_prob(events[:64]))
  gradient = tape.gradient(loss, dist.network.level_inputs.embedding)
  assert np.any(tf.convert_to_tensor(gradient).numpy() != 0.)


def test_4096_levels_sample_what_the_reference_sampler_draws():
  tf.random.set_seed(5)
  dist = _snail((2, 3, 1), num_levels=4096)
  fast = dist.sample(3, seed=(1, 2))
  full = tf.function(lambda: reference.sample_categorical(dist, 3, (1, 2)))()
  np.testing.assert_array_equal(fast, full)
  assert fast.numpy().max() >= 256


def test_completion_keeps_known_pixels_and_follows_the_fast_sampler():
  tf.random.set_seed(6)
  dist = _snail((4, 4, 1), num_logistic_mix=2)
  images = np.random.RandomState(1).randint(256, size=(3, 4, 4, 1)).astype(
      np.float32)
  mask = np.zeros_like(images, bool)
  mask[:, :2] = True
  (completed,) = tfp_pixel.complete(dist, images, mask, seed=(3, 4))
  np.testing.assert_array_equal(completed.numpy()[mask], images[mask])
  full = tf.function(lambda: reference.sample_pixel_cnn(
      dist, 3, (3, 4), known_images=images, known_mask=mask))()
  np.testing.assert_array_equal(completed, full)


def test_network_arguments_out_of_range_are_one_line_errors():
  for kwargs, name in [({'num_heads': 0}, 'num_heads'),
                       ({'key_size': 0}, 'key_size'),
                       ({'num_blocks': 0}, 'num_blocks'),
                       ({'dropout_p': 1.}, 'dropout_p'),
                       ({'num_levels': 2**16 + 1}, 'num_levels')]:
    with pytest.raises(ValueError, match=name) as error:
      _snail((2, 2, 1), **dict(dict(num_levels=4), **kwargs))
    assert '\n' not in str(error.value)
  assert pixel_snail_network.background(2, 4).shape == (1, 2, 4, 2)
