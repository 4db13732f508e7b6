"""Class-conditional models: the shared suite given a label, and label checks.

`tfp_pixel.one_hot_labels` is checked in `tests/test_class_labels.py`."""

import numpy as np
import pytest
import tensorflow as tf
import tf_keras

import tfp_pixel
from tests import keras_models
from tests import model_hooks
from tests.distributions import distribution_suite
from tfp_pixel.sampling import categorical_sampler

NUM_CLASSES = model_hooks.NUM_CLASSES
_one_hot = model_hooks.one_hot


class ConditionalChecks(distribution_suite.DistributionSuite):
  """The shared suite given label 1 (`model_hooks.Conditional`), plus checks
  of the labels themselves. The contract checks run by default for the
  categorical PixelCNN (labels through `tf.function`, XLA, Keras), for the
  other models with `-m slow`."""

  contract_checks_slow = True

  def test_probabilities_sum_to_one_under_every_label(self):
    dist = self.distribution()
    # [K, 1, K] labels against [N] events: log_prob is [K, N].
    every_label = _one_hot(np.arange(NUM_CLASSES)[:, np.newaxis])
    log_prob = dist.log_prob(self.all_events(), conditional_input=every_label)
    assert log_prob.shape == (NUM_CLASSES, len(self.all_events()))
    totals = tf.reduce_sum(tf.exp(tf.cast(log_prob, tf.float64)), axis=-1)
    np.testing.assert_allclose(totals, np.ones(NUM_CLASSES), atol=1e-5)

  def test_outputs_change_with_the_label(self):
    dist = self.distribution()
    events = self.random_events(self.tiny_shape, 4)
    log_probs = [dist.log_prob(events, conditional_input=_one_hot(k)).numpy()
                 for k in range(NUM_CLASSES)]
    for k in range(1, NUM_CLASSES):
      assert not np.allclose(log_probs[0], log_probs[k])
    samples = [dist.sample(100, seed=(3, 4), conditional_input=_one_hot(k))
               for k in range(NUM_CLASSES)]
    assert not np.array_equal(samples[0], samples[2])

  def test_log_prob_broadcasts_labels_with_leading_dimensions(self):
    dist = self.distribution()
    events = self.random_events(self.tiny_shape, 10, seed=2).reshape(
        (5, 2) + self.tiny_shape)
    labels = _one_hot([0, 2])
    pairwise = dist.log_prob(events, conditional_input=labels)
    assert pairwise.shape == (5, 2)
    for column, label in enumerate(labels):
      np.testing.assert_allclose(
          pairwise[:, column], dist.log_prob(events[:, column],
                                             conditional_input=label),
          rtol=1e-5)
    one_label = dist.log_prob(events, conditional_input=labels[1])
    assert one_label.shape == (5, 2)
    np.testing.assert_allclose(one_label[:, 1], pairwise[:, 1], rtol=1e-5)
    outer = dist.log_prob(events[0], conditional_input=labels[:, np.newaxis])
    assert outer.shape == (2, 2)
    np.testing.assert_allclose(np.diag(outer), pairwise[0], rtol=1e-5)

  def test_sample_broadcasts_labels_against_the_sample_shape(self):
    dist = self.distribution()
    labels = _one_hot([0, 1, 2])
    per_sample = dist.sample(6, seed=(1, 2),
                             conditional_input=np.tile(labels, [2, 1]))
    grid = dist.sample((2, 3), seed=(1, 2), conditional_input=labels)
    assert grid.shape == (2, 3) + self.tiny_shape
    np.testing.assert_array_equal(np.reshape(grid, per_sample.shape),
                                  per_sample)
    one_label = dist.sample(4, seed=(5, 5), conditional_input=labels[2])
    np.testing.assert_array_equal(
        one_label,
        dist.sample(4, seed=(5, 5), conditional_input=np.tile(labels[2:],
                                                              [4, 1])))

  def test_bad_conditional_inputs_are_one_line_value_errors(self):
    dist = self.distribution()
    events = self.random_events(self.tiny_shape, 4)
    calls = {
        'is conditional': lambda: dist.log_prob(events),
        'is conditional: pass': lambda: dist.sample(2, seed=1),
        r'\[\.\.\., 3\]': lambda: dist.log_prob(
            events, conditional_input=np.ones([4, NUM_CLASSES + 1])),
        'do not broadcast': lambda: dist.log_prob(
            events, conditional_input=_one_hot([0, 1, 2])),
        'does not broadcast to sample_shape': lambda: dist.sample(
            4, seed=1, conditional_input=_one_hot([0, 1, 2])),
        'label 3 is not a class': lambda: tfp_pixel.one_hot_labels(
            [0, 3], NUM_CLASSES),
    }
    for match, call in calls.items():
      with pytest.raises(ValueError, match=match) as error:
        call()
      assert '\n' not in str(error.value)

  def test_copy_keeps_the_classes(self):
    dist = self.distribution()
    copy = dist.copy(temperature=.5)
    assert copy.num_classes == NUM_CLASSES
    assert copy.conditional_shape == [NUM_CLASSES]
    events = self.random_events(self.tiny_shape, 2)
    assert copy.log_prob(events, conditional_input=_one_hot(0)).shape == (2,)

  def test_completion_with_a_batch_of_labels_keeps_known_pixels(self):
    dist = self.distribution(self.causal_shape)
    images = self.random_events(self.causal_shape, 2, seed=4)
    known = np.zeros(self.causal_shape[:2], bool)
    known[0] = True
    known[:, -1] = True
    completions = tfp_pixel.complete(dist, images, known, n=3, seed=(1, 2),
                                     conditional_input=_one_hot([0, 2]))
    assert completions.shape == (3, 2) + self.causal_shape
    kept = np.broadcast_to(known[..., np.newaxis], self.causal_shape)
    for completion in np.asarray(completions):
      np.testing.assert_array_equal(completion[:, kept], images[:, kept])
    # The same noise with one label for both images: image k matches.
    for k, label in enumerate([0, 2]):
      one_label = tfp_pixel.complete(dist, images, known, n=3, seed=(1, 2),
                                     conditional_input=_one_hot(label))
      np.testing.assert_array_equal(completions[:, k], one_label[:, k])
    with pytest.raises(ValueError, match='is conditional'):
      tfp_pixel.complete(dist, images, known, seed=1)


class TestConditionalCategoricalPixelCNN(model_hooks.Conditional,
                                         model_hooks.CategoricalHooks,
                                         ConditionalChecks):
  contract_checks_slow = False

  def test_unconditional_model_refuses_labels(self):
    dist = self.make_distribution(self.tiny_shape, num_classes=None)
    events = self.random_events(self.tiny_shape, 2)
    with pytest.raises(ValueError, match='unconditional'):
      dist.log_prob(events, conditional_input=_one_hot(0))
    with pytest.raises(ValueError, match='unconditional'):
      dist.sample(2, seed=1, conditional_input=_one_hot(0))
    with pytest.raises(ValueError, match='unconditional'):
      dist.network(tf.zeros((1,) + self.tiny_shape), conditional_input=[1.])

  def test_keras_model_with_a_constant_label_trains(self):
    dist = self.distribution()
    events = np.repeat(self.random_events(self.tiny_shape, 1, seed=5), 8,
                       axis=0)
    with keras_models.weights_kept(dist):
      images = tf_keras.Input(self.tiny_shape, dtype=events.dtype)
      log_prob = dist.log_prob(images, conditional_input=_one_hot(2))
      model = tf_keras.Model(images, log_prob)
      model.add_loss(-tf.reduce_mean(log_prob))
      model.compile(optimizer=tf_keras.optimizers.Adam(1e-2),
                    run_eagerly=True)
      assert len(model.trainable_variables) == len(dist.trainable_variables)
      np.testing.assert_allclose(
          model(events), dist.log_prob(events, conditional_input=_one_hot(2)),
          rtol=1e-5)
      losses = model.fit(events, epochs=3, batch_size=8,
                         verbose=0).history['loss']
    assert losses[-1] < losses[0], losses

  def test_network_must_match_num_classes(self):
    dist = self.distribution()
    with pytest.raises(ValueError, match='num_classes'):
      tfp_pixel.CategoricalPixelCNN(self.tiny_shape, self.num_levels,
                                    num_classes=2, network=dist.network)

  @pytest.mark.parametrize('image_shape', [(4, 4, 1), (3, 3, 3)])
  def test_sampler_graph_equals_the_network_given_a_batch_of_labels(
      self, image_shape):
    dist = self.make_distribution(image_shape, num_filters=12)
    labels = _one_hot([0, 1, 2, 2, 1, 0])
    graph = categorical_sampler.network_graph(dist.network, labels)
    inputs = self.network_inputs(dist, self.random_events(image_shape, 6))
    np.testing.assert_allclose(
        tf.reshape(graph.evaluate(inputs), [6, *image_shape, -1]),
        dist.network(inputs, conditional_input=labels), atol=1e-5)


class TestConditionalGatedPixelCNN(model_hooks.GatedHooks,
                                   TestConditionalCategoricalPixelCNN):
  """The conditional suite for the gated network."""


class TestConditionalRowLSTM(model_hooks.Conditional, model_hooks.PixelRNNHooks,
                             ConditionalChecks):
  """The conditional suite for PixelRNN's Row LSTM."""


class TestConditionalRowLSTMRGB(model_hooks.PixelRNNRGB,
                                TestConditionalRowLSTM):
  """The conditional suite on RGB images."""


class TestConditionalDiagonalBiLSTM(model_hooks.Conditional,
                                    model_hooks.DiagonalBiLSTMHooks,
                                    ConditionalChecks):
  """The conditional suite for PixelRNN's Diagonal BiLSTM."""


class TestConditionalDiagonalBiLSTMRGB(model_hooks.PixelRNNRGB,
                                       TestConditionalDiagonalBiLSTM):
  """The conditional suite on RGB images."""


class TestConditionalPixelCNN(model_hooks.Conditional,
                              model_hooks.PixelCNNHooks, ConditionalChecks):

  def test_num_classes_sets_the_conditional_shape(self):
    dist = self.distribution()
    assert dist.conditional_shape == [NUM_CLASSES]
    with pytest.raises(ValueError, match='disagrees with num_classes'):
      self.make_distribution(self.tiny_shape, conditional_shape=(2,))
    with pytest.raises(ValueError, match='num_classes'):
      self.make_distribution(self.tiny_shape, num_classes=0)

