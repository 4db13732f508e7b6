"""The correctness suite every autoregressive image distribution must pass.

A model's test class inherits `DistributionSuite` and overrides its factory
methods; every check then runs for it. The checks are proofs on tiny images:
exact normalization over all images, causality by gradients, sample
frequencies against `exp(log_prob)`, and TFP's distribution contract.
"""

import itertools

import numpy as np
import pytest
import tensorflow as tf

from tests import chi_square
from tests import dependencies
from tests import keras_models


class DistributionSuite:
  """Mixin of checks; a test class puts a model's hooks before it (see
  `tests.model_hooks`), which define the factory methods below."""

  # Shapes of the tiny images for exhaustive checks and of the causality check.
  tiny_shape = (2, 2, 1)
  causal_shape = (4, 4, 1)
  # Whether `copy(temperature=T)` gives the tempered distribution.
  tempered_log_prob = True
  supports_float64 = True
  # The checks of TFP's contract whose code does not depend on the colour
  # channels or the labels. A variant of a model (RGB, class-conditional)
  # whose plain form runs them by default sets `contract_checks_slow`, and
  # runs them with `-m slow` (`tests/conftest.py` marks them): the proofs
  # (normalization, causality, frequencies, fast against full samplers) run
  # for every variant by default.
  CONTRACT_CHECKS = ('test_works_inside_tf_function',
                     'test_sample_compiles_with_xla', 'test_float64',
                     'test_sample_shape_dtype_and_support',
                     'test_gradient_step_and_checkpoint_round_trip',
                     'test_keras_model_of_log_prob_trains_every_variable')
  contract_checks_slow = False

  # ---- factory methods -------------------------------------------------------

  def make_distribution(self, image_shape, **overrides):
    """A fresh distribution over `image_shape` (tiny network)."""
    raise NotImplementedError

  def channel_values(self):
    """The values one channel of an event can take, in order."""
    raise NotImplementedError

  def network_outputs(self, dist, inputs):
    """Network outputs `[batch, H, W, groups, ...]` for network inputs.

    `inputs` is a float `[batch, H, W, C]` `Tensor` in the network's input
    units. `groups` is `C` when channels of a pixel are predicted one after
    the other from separate outputs, and 1 when one output per pixel predicts
    all its channels.
    """
    raise NotImplementedError

  def network_inputs(self, dist, events):
    """Maps events to the network's float input units."""
    raise NotImplementedError

  def conditional_kwargs(self):
    """Keyword arguments of every `log_prob` and `sample` call of the suite.

    Conditional models return their `conditional_input` (one label for all
    images), so that every check runs given that label.
    """
    return {}

  # ---- helpers ---------------------------------------------------------------

  def distribution(self, image_shape=None, **overrides):
    """Cached per class and arguments: building networks is the slow part."""
    image_shape = tuple(image_shape or self.tiny_shape)
    key = (type(self).__name__, image_shape, tuple(sorted(overrides.items())))
    cache = DistributionSuite._cache
    if key not in cache:
      tf.random.set_seed(len(cache) + 1)
      cache[key] = self.make_distribution(image_shape, **overrides)
    return cache[key]

  _cache = {}

  def all_events(self, image_shape=None):
    return chi_square.all_events(tuple(image_shape or self.tiny_shape),
                                 self.channel_values())

  def random_events(self, image_shape, n, seed=0):
    values = np.asarray(self.channel_values())
    picks = np.random.RandomState(seed).randint(
        len(values), size=(n,) + tuple(image_shape))
    return values[picks]

  # ---- exact normalization ---------------------------------------------------

  def test_probabilities_of_all_images_sum_to_one(self):
    dist, given = self.distribution(), self.conditional_kwargs()
    events = self.all_events()
    total = tf.reduce_sum(tf.exp(tf.cast(dist.log_prob(events, **given),
                                         tf.float64)))
    np.testing.assert_allclose(total.numpy(), 1., atol=1e-5)

  # ---- causality -------------------------------------------------------------

  def test_outputs_depend_only_on_earlier_inputs(self):
    height, width, channels = self.causal_shape
    dist = self.distribution(self.causal_shape)
    inputs = tf.constant(self.network_inputs(
        dist, self.random_events(self.causal_shape, 2)))
    with tf.GradientTape(persistent=True) as tape:
      tape.watch(inputs)
      outputs = self.network_outputs(dist, inputs)
      groups = outputs.shape[3]
      per_output = [tf.reduce_sum(outputs[:, i, j, g])
                    for i in range(height) for j in range(width)
                    for g in range(groups)]
    index = 0
    for i, j, g in itertools.product(range(height), range(width),
                                     range(groups)):
      grad = tape.gradient(per_output[index], inputs)
      index += 1
      magnitude = tf.reduce_sum(tf.abs(grad), axis=0).numpy()  # [H, W, C]
      allowed = _allowed_inputs(self.causal_shape, i, j, g, groups)
      leaked = magnitude[~allowed]
      assert np.all(leaked == 0.), (
          'output ({}, {}, {}) depends on its own or a later input'.format(
              i, j, g))
      if allowed.any():
        assert magnitude[allowed].max() > 0., (
            'output ({}, {}, {}) ignores every earlier input'.format(i, j, g))
    del tape

  # ---- exact sampling --------------------------------------------------------

  @pytest.mark.parametrize('temperature', [1., .5])
  def test_sample_frequencies_match_probabilities(self, temperature):
    if temperature != 1. and not self.tempered_log_prob:
      pytest.skip('log_prob is the untempered model')
    dist, given = self.distribution(), self.conditional_kwargs()
    if temperature != 1.:
      dist = dist.copy(temperature=temperature)
    samples = dist.sample(chi_square.NUM_SAMPLES, seed=(4, 2), **given)
    p_value = chi_square.frequencies_p_value(dist, samples,
                                             self.channel_values(), **given)
    assert p_value > chi_square.P_VALUE, (
        'samples do not follow exp(log_prob): p = {:.3g}'.format(p_value))

  # ---- TFP contract ----------------------------------------------------------

  def test_batch_and_event_shapes(self):
    dist = self.distribution()
    assert dist.batch_shape == []
    assert dist.event_shape == list(self.tiny_shape)
    np.testing.assert_array_equal(dist.event_shape_tensor(), self.tiny_shape)
    np.testing.assert_array_equal(dist.batch_shape_tensor(), [])

  @pytest.mark.parametrize('sample_shape', [(), (5,), (2, 3)])
  def test_sample_shape_dtype_and_support(self, sample_shape):
    dist, given = self.distribution(), self.conditional_kwargs()
    samples = dist.sample(sample_shape, seed=7, **given)
    assert samples.shape == tuple(sample_shape) + self.tiny_shape
    assert samples.dtype == dist.dtype
    assert np.isin(samples.numpy(), self.channel_values()).all()

  def test_log_prob_broadcasts_over_leading_dimensions(self):
    dist, given = self.distribution(), self.conditional_kwargs()
    events = self.random_events(self.tiny_shape, 6, seed=3)
    flat = dist.log_prob(events, **given)
    nested = dist.log_prob(events.reshape((2, 3) + self.tiny_shape),
                           **given)
    assert nested.shape == (2, 3)
    np.testing.assert_allclose(nested.numpy().ravel(), flat.numpy(),
                               rtol=1e-5)
    single = dist.log_prob(events[0], **given)
    assert single.shape == ()
    np.testing.assert_allclose(single.numpy(), flat.numpy()[0], rtol=1e-5)

  def test_stateless_seed_is_reproducible(self):
    dist, given = self.distribution(), self.conditional_kwargs()
    first = dist.sample(50, seed=(1, 2), **given)
    again = dist.sample(50, seed=(1, 2), **given)
    other = dist.sample(50, seed=(1, 3), **given)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)

  def test_int_seed_is_accepted(self):
    dist, given = self.distribution(), self.conditional_kwargs()
    samples = dist.sample(4, seed=123, **given)
    assert samples.shape == (4,) + self.tiny_shape

  def test_draws_are_independent_across_the_sample(self):
    dist, given = self.distribution(), self.conditional_kwargs()
    samples = dist.sample(200, seed=(5, 6), **given).numpy().reshape(200, -1)
    assert len(np.unique(samples, axis=0)) > 1

  def test_copy_shares_weights(self):
    dist, given = self.distribution(), self.conditional_kwargs()
    copy = dist.copy()
    assert type(copy) is type(dist)
    events = self.random_events(self.tiny_shape, 4)
    np.testing.assert_allclose(copy.log_prob(events, **given),
                               dist.log_prob(events, **given),
                               rtol=1e-6)
    assert ({id(v) for v in copy.trainable_variables} ==
            {id(v) for v in dist.trainable_variables})

  def test_copy_with_temperature_changes_only_temperature(self):
    if not self.tempered_log_prob:
      pytest.skip('log_prob is the untempered model')
    dist, given = self.distribution(), self.conditional_kwargs()
    cold = dist.copy(temperature=.5)
    events = self.random_events(self.tiny_shape, 4)
    assert not np.allclose(cold.log_prob(events, **given),
                           dist.log_prob(events, **given))
    np.testing.assert_allclose(
        cold.copy(temperature=1.).log_prob(events, **given),
        dist.log_prob(events, **given), rtol=1e-6)

  def test_works_inside_tf_function(self):
    dist, given = self.distribution(), self.conditional_kwargs()
    events = self.random_events(self.tiny_shape, 3)

    @tf.function
    def log_prob_and_sample(x):
      return (dist.log_prob(x, **given),
              dist.sample(3, seed=(8, 9), **given))

    log_prob, samples = log_prob_and_sample(tf.constant(events))
    np.testing.assert_allclose(log_prob, dist.log_prob(events, **given),
                               rtol=1e-5)
    np.testing.assert_array_equal(samples,
                                  dist.sample(3, seed=(8, 9), **given))

  def test_sample_compiles_with_xla(self):
    dist, given = self.distribution(), self.conditional_kwargs()
    # A seed the compiled function gets as a `Tensor` (XLA, not TensorFlow,
    # then computes the noise).
    compiled = tf.function(lambda seed: dist.sample(5, seed=seed, **given),
                           jit_compile=True)
    np.testing.assert_array_equal(compiled(tf.constant([8, 9])),
                                  dist.sample(5, seed=(8, 9), **given))

  def test_float64(self):
    if not self.supports_float64:
      pytest.skip('float32 only')
    dist = self.make_float64_distribution(self.tiny_shape)
    given = self.conditional_kwargs()
    events = self.all_events()
    log_prob = dist.log_prob(events, **given)
    assert log_prob.dtype == tf.float64
    np.testing.assert_allclose(tf.reduce_sum(tf.exp(log_prob)), 1., atol=1e-10)
    assert dist.sample(2, seed=(1, 1), **given).shape == (
        (2,) + self.tiny_shape)

  def make_float64_distribution(self, image_shape):
    raise NotImplementedError

  def test_gradient_step_and_checkpoint_round_trip(self, tmp_path):
    dist = self.make_distribution(self.tiny_shape)
    given = self.conditional_kwargs()
    events = self.random_events(self.tiny_shape, 8)
    before = dist.log_prob(events, **given).numpy()
    with tf.GradientTape() as tape:
      loss = -tf.reduce_mean(dist.log_prob(events, **given))
    grads = tape.gradient(loss, dist.trainable_variables)
    assert any(g is not None and np.any(g.numpy() != 0.) for g in grads)
    # A hand-written update applies no Keras kernel constraint: the masks must
    # hold anyway.
    for variable, grad in zip(dist.trainable_variables, grads):
      if grad is not None:
        variable.assign_sub(.05 * grad)
    after = dist.log_prob(events, **given).numpy()
    assert after.mean() > before.mean()
    total = tf.reduce_sum(tf.exp(tf.cast(
        dist.log_prob(self.all_events(), **given), tf.float64)))
    np.testing.assert_allclose(total, 1., atol=1e-5)
    path = tf.train.Checkpoint(model=dist).write(str(tmp_path / 'ckpt'))
    restored = self.make_distribution(self.tiny_shape)
    restored.log_prob(events, **given)  # builds lazily created state
    tf.train.Checkpoint(model=restored).read(path).assert_consumed()
    np.testing.assert_allclose(restored.log_prob(events, **given), after,
                               rtol=1e-5)

  # ---- Keras -----------------------------------------------------------------

  def test_keras_model_of_log_prob_trains_every_variable(self):
    dist, given = self.distribution(), self.conditional_kwargs()
    events = np.repeat(self.random_events(self.tiny_shape, 1, seed=5), 8,
                       axis=0)
    with keras_models.weights_kept(dist):
      # Eager steps: tracing each model's training step would take seconds
      # (`fit` in a graph: test_categorical_pixel_cnn.py).
      model, data = keras_models.log_prob_model(dist, events,
                                                run_eagerly=True, **given)
      assert ({v.ref() for v in model.trainable_variables} ==
              {v.ref() for v in dist.trainable_variables})
      assert len(model.trainable_variables) == len(dist.trainable_variables)
      np.testing.assert_allclose(model(data), dist.log_prob(events, **given),
                                 rtol=1e-5)
      losses = model.fit(data, epochs=3, batch_size=len(events),
                         verbose=0).history['loss']
    assert losses[-1] < losses[0], losses

  def test_keras_3_input_is_a_one_line_type_error(self):
    keras = pytest.importorskip('keras')
    dist, given = self.distribution(), self.conditional_kwargs()
    with pytest.raises(TypeError, match='tf_keras.Input') as error:
      dist.log_prob(keras.Input(self.tiny_shape), **given)
    assert '\n' not in str(error.value)

  def test_wrong_event_shape_is_a_value_error(self):
    dist, given = self.distribution(), self.conditional_kwargs()
    wrong = np.zeros((2, 3, 3, 2), np.float32)
    with pytest.raises((ValueError, tf.errors.InvalidArgumentError)):
      dist.log_prob(wrong, **given)


def _allowed_inputs(image_shape, i, j, group, groups):
  """Which inputs the output at pixel `(i, j)`, group `group` may see."""
  return dependencies.earlier_inputs(image_shape, i, j,
                                     group if groups == image_shape[-1] else 0)
