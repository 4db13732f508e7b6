"""Map-conditional models (`conditional_shape`): the shared suite given a
map, for every categorical architecture, and checks of the maps themselves.

A map has the image's height and width (`model_hooks.MapConditional`: two
features per pixel); the network reads it anywhere, the image causally.
"""

import itertools

import numpy as np
import pytest
import tensorflow as tf

import tfp_pixel
from tests import dependencies
from tests import model_hooks
from tests.distributions import distribution_suite
from tfp_pixel.sampling import categorical_sampler
from tfp_pixel.sampling import reference

_maps = model_hooks.random_maps


class MapChecks(distribution_suite.DistributionSuite):
  """The shared suite given a map (`model_hooks.MapConditional`), plus checks
  of the maps themselves. The contract checks run by default for the gated
  PixelCNN (the VQ-VAE-2 prior), for the others with `-m slow`."""

  contract_checks_slow = True

  def test_probabilities_sum_to_one_under_every_map(self):
    dist = self.distribution()
    # [2, 1, H, W, F] maps against [N] events: log_prob is [2, N].
    maps = _maps(self.tiny_shape, 2, seed=3)[:, np.newaxis]
    log_prob = dist.log_prob(self.all_events(), conditional_input=maps)
    assert log_prob.shape == (2, len(self.all_events()))
    totals = tf.reduce_sum(tf.exp(tf.cast(log_prob, tf.float64)), axis=-1)
    np.testing.assert_allclose(totals, np.ones(2), atol=1e-5)

  def test_outputs_read_the_map_at_and_around_the_pixel_only(self):
    # At (0, 0) no pixel comes before: its outputs read the map through the
    # conditioning stack (a 3x3 window: (0, 0) and its neighbour (1, 1); the
    # gated network's vertical stack also reads row 0 to the right), and
    # nothing below row 1 (a map ignored, or used as one value per image,
    # fails). The last pixel also reads the map beyond its window, through
    # the layers' positions in its context.
    dist = self.distribution(self.causal_shape)
    height, width, _ = self.causal_shape
    inputs = tf.constant(self.network_inputs(
        dist, self.random_events(self.causal_shape, 2)))
    maps = tf.constant(_maps(self.causal_shape, 2, seed=2))
    seen = dependencies.pixel_dependencies(
        lambda m: _flat_outputs(dist.network(inputs, conditional_input=m)),
        maps, [(0, 0), (height - 1, width - 1)])
    first, last = seen[0, 0], seen[height - 1, width - 1]
    assert first[0, 0] and first[1, 1], first
    assert not first[2:].any(), first
    assert last[height - 1, width - 1], last
    assert last[:height - 2].any() or last[:, :width - 2].any(), last

  def test_outputs_change_with_the_map(self):
    dist = self.distribution()
    events = self.random_events(self.tiny_shape, 4)
    maps = _maps(self.tiny_shape, 2, seed=4)
    log_probs = [dist.log_prob(events, conditional_input=m).numpy()
                 for m in maps]
    assert not np.allclose(log_probs[0], log_probs[1])
    samples = [dist.sample(100, seed=(3, 4), conditional_input=m)
               for m in maps]
    assert not np.array_equal(samples[0], samples[1])

  def test_maps_broadcast_against_events_and_the_sample_shape(self):
    dist = self.distribution()
    maps = _maps(self.tiny_shape, 3, seed=5)
    events = self.random_events(self.tiny_shape, 6, seed=2).reshape(
        (2, 3) + self.tiny_shape)
    pairwise = dist.log_prob(events, conditional_input=maps)
    assert pairwise.shape == (2, 3)
    for column, m in enumerate(maps):
      np.testing.assert_allclose(
          pairwise[:, column], dist.log_prob(events[:, column],
                                             conditional_input=m), rtol=1e-5)
    per_sample = dist.sample(6, seed=(1, 2),
                             conditional_input=np.tile(maps, [2, 1, 1, 1]))
    grid = dist.sample((2, 3), seed=(1, 2), conditional_input=maps)
    assert grid.shape == (2, 3) + self.tiny_shape
    np.testing.assert_array_equal(np.reshape(grid, per_sample.shape),
                                  per_sample)
    one_map = dist.sample(4, seed=(5, 5), conditional_input=maps[2])
    np.testing.assert_array_equal(
        one_map, dist.sample(4, seed=(5, 5),
                             conditional_input=np.tile(maps[2:], [4, 1, 1, 1])))

  def test_bad_maps_are_one_line_value_errors(self):
    dist = self.distribution()
    height, width, _ = self.tiny_shape
    events = self.random_events(self.tiny_shape, 4)
    features = model_hooks.MAP_FEATURES
    calls = {
        'is conditional: pass': lambda: dist.log_prob(events),
        r'\[\.\.\., {}, {}, {}\]'.format(height, width, features):
            lambda: dist.log_prob(events, conditional_input=np.zeros(
                [4, height + 1, width, features])),
        'does not broadcast to sample_shape': lambda: dist.sample(
            4, seed=1, conditional_input=_maps(self.tiny_shape, 3)),
        r'\(a condition per image\)': lambda: dist.log_prob(
            events, conditional_input=np.zeros([4, 3])),
        'not both': lambda: self.make_distribution(
            self.tiny_shape, num_classes=3),
        "image's height and width": lambda: self.make_distribution(
            self.tiny_shape, conditional_shape=(height, width)),
        'is unconditional': lambda: dist.copy(
            conditional_shape=None, network=None).log_prob(
                events, conditional_input=_maps(self.tiny_shape)),
    }
    for match, call in calls.items():
      with pytest.raises(ValueError, match=match) as error:
        call()
      assert '\n' not in str(error.value)

  def test_copy_keeps_the_map_and_a_network_of_another_is_refused(self):
    dist = self.distribution()
    copy = dist.copy(temperature=.5)
    assert copy.network is dist.network
    assert copy.conditional_shape == model_hooks.map_shape(self.tiny_shape)
    assert copy.num_classes is None
    height, width, _ = self.tiny_shape
    with pytest.raises(ValueError, match='conditional_shape'):
      dist.copy(conditional_shape=(height, width, 3))
    with pytest.raises(ValueError, match='conditional_shape'):
      dist.copy(conditional_shape=None)

  def test_completion_given_maps_follows_the_reference_sampler(self):
    dist = self.distribution(self.causal_shape)
    images = self.random_events(self.causal_shape, 2, seed=4)
    known = np.zeros(self.causal_shape[:2], bool)
    known[0] = True
    known[:, -1] = True
    maps = _maps(self.causal_shape, 2, seed=6)
    completions = tfp_pixel.complete(dist, images, known, seed=(1, 2),
                                     conditional_input=maps)[0]
    kept = np.broadcast_to(known[..., np.newaxis], self.causal_shape)
    np.testing.assert_array_equal(np.asarray(completions)[:, kept],
                                  images[:, kept])
    full = tf.function(lambda: self.reference_sample(
        dist, 2, (1, 2), known_images=images,
        known_mask=np.broadcast_to(kept, images.shape),
        conditional_input=maps))()
    np.testing.assert_array_equal(completions, full)


def _flat_outputs(outputs):
  """Network outputs (logits, or a mixture's list of parameters) as
  `[batch, H, W, -1]`."""
  if not isinstance(outputs, (list, tuple)):
    outputs = [outputs]
  return tf.concat([tf.reshape(o, tf.concat([tf.shape(o)[:3], [-1]], 0))
                    for o in outputs], -1)


class TestMapCategoricalPixelCNN(model_hooks.MapConditional,
                                 model_hooks.CategoricalHooks, MapChecks):
  """The plain categorical PixelCNN given a map."""

  @pytest.mark.parametrize('image_shape', [(4, 4, 1), (3, 3, 3)])
  def test_sampler_graph_equals_the_network_given_maps(self, image_shape):
    dist = self.make_distribution(image_shape, num_filters=12)
    maps = _maps(image_shape, 3, seed=7)
    graph = categorical_sampler.network_graph(dist.network, maps)
    inputs = self.network_inputs(dist, self.random_events(image_shape, 3))
    np.testing.assert_allclose(
        tf.reshape(graph.evaluate(inputs), [3, *image_shape, -1]),
        dist.network(inputs, conditional_input=maps), atol=1e-5)


class TestMapGatedPixelCNN(model_hooks.GatedHooks,
                           TestMapCategoricalPixelCNN):
  """The gated categorical PixelCNN given a map, with the contract checks
  (`tf.function`, XLA, float64, checkpoints, Keras)."""

  contract_checks_slow = False


class TestMapRowLSTM(model_hooks.MapConditional, model_hooks.PixelRNNHooks,
                     MapChecks):
  """PixelRNN's Row LSTM given a map."""


class TestMapDiagonalBiLSTM(model_hooks.MapConditional,
                            model_hooks.DiagonalBiLSTMHooks, MapChecks):
  """PixelRNN's Diagonal BiLSTM given a map."""


class TestMapPixelSNAIL(model_hooks.MapConditional,
                        model_hooks.PixelSNAILHooks, MapChecks):
  """PixelSNAIL's softmax head given a map."""


@pytest.mark.slow
class TestMapPixelSNAILMixture(model_hooks.MapConditional,
                               model_hooks.PixelSNAILMixtureHooks, MapChecks):
  """PixelSNAIL's mixture head given a map (the same conditioning code)."""


@pytest.mark.slow
class TestMapDiagonalBiLSTMRGB(model_hooks.PixelRNNRGB,
                               TestMapDiagonalBiLSTM):
  """The Diagonal BiLSTM given a map, on RGB images."""


class TestPriorOf512Codes:
  """The prior the issue names: 512 codes (embedded levels), a map."""

  def prior(self, image_shape):
    tf.random.set_seed(9)
    return tfp_pixel.CategoricalPixelCNN(
        image_shape, num_levels=512, num_filters=8, num_residual_blocks=1,
        first_kernel_size=3, architecture='gated',
        conditional_shape=model_hooks.map_shape(image_shape))

  def test_probabilities_of_all_events_sum_to_one(self):
    dist = self.prior((1, 2, 1))
    events = np.array(list(itertools.product(range(512), repeat=2)),
                      np.int32).reshape(-1, 1, 2, 1)
    given = _maps((1, 2, 1))
    total = sum(np.exp(dist.log_prob(
        chunk, conditional_input=given).numpy().astype(np.float64)).sum()
                for chunk in np.array_split(events, 16))
    np.testing.assert_allclose(total, 1., atol=1e-5)

  def test_fast_sampler_draws_what_the_reference_sampler_draws(self):
    dist = self.prior((3, 3, 1))
    maps = _maps((3, 3, 1), 4, seed=8)
    fast = dist.sample(4, seed=(1, 2), conditional_input=maps)
    full = tf.function(lambda: reference.sample_categorical(
        dist, 4, (1, 2), conditional_input=maps))()
    np.testing.assert_array_equal(fast, full)
    assert fast.numpy().max() >= 256
