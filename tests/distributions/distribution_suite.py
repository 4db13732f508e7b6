"""The correctness suite every autoregressive distribution must pass.

A model's test class inherits `DistributionSuite` and overrides its factory
methods; every check then runs for it, images and token sequences alike. The
checks are proofs on tiny events: exact normalization over all events,
causality by gradients, sample frequencies against `exp(log_prob)` (sampling
compiled with XLA too), the fast sampler against the plain reference sampler
under the same noise, one-line errors for bad parameters, and TFP's
distribution contract.
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

  # Event shapes of the tiny models for exhaustive checks, and of the
  # causality check and the reference sampler.
  tiny_shape = (2, 2, 1)
  causal_shape = (4, 4, 1)
  # The batch shape of the model (of its parameters, e.g. a batch of prompts).
  batch_shape = ()
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
                     'test_sample_compiled_with_xla_follows_log_prob',
                     'test_float64',
                     'test_sample_shape_dtype_and_support',
                     'test_gradient_step_and_checkpoint_round_trip',
                     'test_keras_model_of_log_prob_trains_every_variable')
  contract_checks_slow = False

  # ---- factory methods -------------------------------------------------------

  def make_distribution(self, event_shape, **overrides):
    """A fresh distribution of events of `event_shape` (tiny network)."""
    raise NotImplementedError

  def channel_values(self):
    """The values one element of an event can take, in order."""
    raise NotImplementedError

  def reference_sample(self, dist, n, seed, **given):
    """`n` events from `sampling.reference` with the noise of `seed`."""
    raise NotImplementedError

  def bad_arguments(self):
    """Constructor arguments, one `dict` each, that the model refuses at
    construction with a `ValueError` naming each argument and value."""
    return [{'temperature': value}
            for value in (-1., 0., float('nan'), float('inf'), 'hot')]

  def network_outputs(self, dist, inputs):
    """Image models: network outputs `[batch, H, W, groups, ...]`.

    `inputs` is a float `[batch, H, W, C]` `Tensor` in the network's input
    units. `groups` is `C` when channels of a pixel are predicted one after
    the other from separate outputs, and 1 when one output per pixel predicts
    all its channels.
    """
    raise NotImplementedError

  def network_inputs(self, dist, events):
    """Image models: maps events to the network's float input units."""
    raise NotImplementedError

  def output_dependencies(self, dist):
    """Which inputs each output has a non-zero gradient for.

    Returns:
      A `list` of `(output, magnitude, allowed)`: `output` names the output
      in messages, `magnitude` is the gradient's magnitude at every input and
      `allowed` the boolean mask of the inputs before the output. This
      default is for images of `causal_shape`, through `network_inputs` and
      `network_outputs`.
    """
    height, width, _ = self.causal_shape
    inputs = tf.constant(self.network_inputs(
        dist, self.random_events(self.causal_shape, 2)))
    with tf.GradientTape(persistent=True) as tape:
      tape.watch(inputs)
      outputs = self.network_outputs(dist, inputs)
      groups = outputs.shape[3]
      per_output = [tf.reduce_sum(outputs[:, i, j, g])
                    for i in range(height) for j in range(width)
                    for g in range(groups)]
    found = []
    for (i, j, g), output in zip(itertools.product(
        range(height), range(width), range(groups)), per_output):
      magnitude = tf.reduce_sum(tf.abs(tape.gradient(output, inputs)),
                                axis=0).numpy()  # [H, W, C]
      found.append(((i, j, g), magnitude,
                    _allowed_inputs(self.causal_shape, i, j, g, groups)))
    del tape
    return found

  # Whether every input before an output must reach it (not only some: the
  # ReLUs of tiny image networks cut some paths off).
  every_earlier_input_reaches = False

  def conditional_kwargs(self):
    """Keyword arguments of every `log_prob` and `sample` call of the suite.

    Conditional models return their `conditional_input` (one label for all
    images), so that every check runs given that label.
    """
    return {}

  def batch_conditional_kwargs(self, n):
    """Keyword arguments of `sample(n)` with a label per sample, or `{}`."""
    del n
    return {}

  # ---- helpers ---------------------------------------------------------------

  def distribution(self, event_shape=None, **overrides):
    """Cached per class and arguments: building networks is the slow part."""
    event_shape = tuple(event_shape or self.tiny_shape)
    key = (type(self).__name__, event_shape, tuple(sorted(overrides.items())))
    cache = DistributionSuite._cache
    if key not in cache:
      tf.random.set_seed(len(cache) + 1)
      cache[key] = self.make_distribution(event_shape, **overrides)
    return cache[key]

  _cache = {}

  def all_events(self):
    """Every event of `tiny_shape`, `[E, 1, ..., 1, *tiny_shape]`: one `1`
    per batch dimension, so that `log_prob` is `[E, *batch_shape]`."""
    events = chi_square.all_events(self.tiny_shape, self.channel_values())
    return events.reshape((len(events),) + (1,) * len(self.batch_shape) +
                          tuple(self.tiny_shape))

  def random_events(self, event_shape, n, seed=0):
    """`[n, *batch_shape, *event_shape]` events (a model may draw them from
    its support)."""
    values = np.asarray(self.channel_values())
    picks = np.random.RandomState(seed).randint(
        len(values), size=(n,) + tuple(self.batch_shape) + tuple(event_shape))
    return values[picks]

  def total_probability(self, dist, **given):
    """The sum of `exp(log_prob)` over all events, `[*batch_shape]`."""
    log_prob = tf.cast(dist.log_prob(self.all_events(), **given), tf.float64)
    return tf.reduce_sum(tf.exp(log_prob), axis=0).numpy()

  def assert_samples_follow_log_prob(self, dist, samples, **given):
    """Chi-square of the sample frequencies against `exp(log_prob)`."""
    p_value = chi_square.frequencies_p_value(dist, samples,
                                             self.channel_values(), **given)
    assert p_value > chi_square.P_VALUE, (
        'samples do not follow exp(log_prob): p = {:.3g}'.format(p_value))

  # ---- exact normalization ---------------------------------------------------

  def test_probabilities_of_all_events_sum_to_one(self):
    dist, given = self.distribution(), self.conditional_kwargs()
    np.testing.assert_allclose(self.total_probability(dist, **given),
                               np.ones(self.batch_shape), atol=1e-5)

  # ---- causality -------------------------------------------------------------

  def test_outputs_depend_only_on_earlier_inputs(self):
    dist = self.distribution(self.causal_shape)
    for output, magnitude, allowed in self.output_dependencies(dist):
      assert np.all(magnitude[~allowed] == 0.), (
          'output {} depends on its own or a later input'.format(output))
      if not allowed.any():
        continue
      seen = magnitude[allowed] > 0.
      assert seen.all() if self.every_earlier_input_reaches else seen.any(), (
          'output {} ignores an earlier input'.format(output))

  # ---- exact sampling --------------------------------------------------------

  @pytest.mark.parametrize('temperature', [1., .5])
  def test_sample_frequencies_match_probabilities(self, temperature):
    if temperature != 1. and not self.tempered_log_prob:
      pytest.skip('log_prob is the untempered model')
    dist, given = self.distribution(), self.conditional_kwargs()
    if temperature != 1.:
      dist = dist.copy(temperature=temperature)
    samples = dist.sample(chi_square.NUM_SAMPLES, seed=(4, 2), **given)
    self.assert_samples_follow_log_prob(dist, samples, **given)

  def test_fast_sampler_draws_what_the_reference_sampler_draws(self):
    # Near-greedy draws (T = 0.05) often equal the fill value of the
    # canvas: a fast sampler must not take them for pixels not yet drawn.
    for temperature in (1., .05):
      dist = self.distribution(self.causal_shape).copy(
          temperature=temperature)
      given = self.batch_conditional_kwargs(8)
      fast = dist.sample(8, seed=(5, 6), **given)
      full = tf.function(lambda: self.reference_sample(  # pylint: disable=cell-var-from-loop
          dist, 8, (5, 6), **given))()
      np.testing.assert_array_equal(fast, full, err_msg='T = {}'.format(
          temperature))

  def test_bad_arguments_are_one_line_value_errors_naming_them(self):
    # `copy` runs the constructor: its checks, whatever `validate_args` says.
    dist = self.distribution()
    for overrides in self.bad_arguments():
      with pytest.raises(ValueError) as error:
        dist.copy(**overrides)
      message = str(error.value)
      assert '\n' not in message
      for name, value in overrides.items():
        assert name in message and str(value) in message, message

  # ---- TFP contract ----------------------------------------------------------

  def test_batch_and_event_shapes(self):
    dist = self.distribution()
    assert dist.batch_shape == list(self.batch_shape)
    assert dist.event_shape == list(self.tiny_shape)
    np.testing.assert_array_equal(dist.event_shape_tensor(), self.tiny_shape)
    np.testing.assert_array_equal(dist.batch_shape_tensor(),
                                  np.array(self.batch_shape, np.int32))

  @pytest.mark.parametrize('sample_shape', [(), (5,), (2, 3)])
  def test_sample_shape_dtype_and_support(self, sample_shape):
    dist, given = self.distribution(), self.conditional_kwargs()
    samples = dist.sample(sample_shape, seed=7, **given)
    assert samples.shape == (tuple(sample_shape) + tuple(self.batch_shape) +
                             tuple(self.tiny_shape))
    assert samples.dtype == dist.dtype
    assert np.isin(samples.numpy(), self.channel_values()).all()

  def test_log_prob_broadcasts_over_leading_dimensions(self):
    dist, given = self.distribution(), self.conditional_kwargs()
    events = self.random_events(self.tiny_shape, 6, seed=3)
    flat = dist.log_prob(events, **given)
    nested = dist.log_prob(events.reshape((2, 3) + events.shape[1:]),
                           **given)
    assert nested.shape == (2, 3) + tuple(self.batch_shape)
    np.testing.assert_allclose(nested.numpy().ravel(), flat.numpy().ravel(),
                               rtol=1e-5)
    single = dist.log_prob(events[0], **given)
    assert single.shape == tuple(self.batch_shape)
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
    assert samples.shape == ((4,) + tuple(self.batch_shape) +
                             tuple(self.tiny_shape))

  def test_draws_are_independent_across_the_sample(self):
    dist, given = self.distribution(), self.conditional_kwargs()
    samples = dist.sample(200, seed=(5, 6), **given).numpy().reshape(
        200, -1)
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

  def test_sample_compiled_with_xla_follows_log_prob(self):
    # XLA may round a few floats otherwise than TensorFlow, and an event
    # drawn within round-off of a CDF step then differs from the uncompiled
    # one (and so do the later values of that event): the compiled sampler
    # is held to the same distribution, not to the same events.
    dist, given = self.distribution(), self.conditional_kwargs()
    # A seed the compiled function gets as a `Tensor` (XLA, not TensorFlow,
    # then computes the noise).
    compiled = tf.function(
        lambda seed: dist.sample(chi_square.NUM_SAMPLES, seed=seed, **given),
        jit_compile=True)
    self.assert_samples_follow_log_prob(dist, compiled(tf.constant([8, 9])),
                                        **given)

  def test_float64(self):
    if not self.supports_float64:
      pytest.skip('float32 only')
    dist = self.make_float64_distribution(self.tiny_shape)
    given = self.conditional_kwargs()
    assert dist.log_prob(self.all_events(), **given).dtype == tf.float64
    np.testing.assert_allclose(self.total_probability(dist, **given),
                               np.ones(self.batch_shape), atol=1e-10)
    assert dist.sample(2, seed=(1, 1), **given).shape == (
        (2,) + tuple(self.batch_shape) + tuple(self.tiny_shape))

  def make_float64_distribution(self, event_shape):
    raise NotImplementedError

  def test_gradient_step_and_checkpoint_round_trip(self, tmp_path):
    dist = self.make_distribution(self.tiny_shape)
    given = self.conditional_kwargs()
    events = self.random_events(self.tiny_shape, 8)
    before = dist.log_prob(events, **given).numpy()
    with tf.GradientTape() as tape:
      loss = -tf.reduce_mean(dist.log_prob(events, **given))
    # An embedding's gradient comes as `tf.IndexedSlices`.
    grads = [None if g is None else tf.convert_to_tensor(g)
             for g in tape.gradient(loss, dist.trainable_variables)]
    assert any(g is not None and np.any(g.numpy() != 0.) for g in grads)
    # A hand-written update applies no Keras kernel constraint: the masks must
    # hold anyway.
    for variable, grad in zip(dist.trainable_variables, grads):
      if grad is not None:
        variable.assign_sub(.05 * grad)
    after = dist.log_prob(events, **given).numpy()
    assert after.mean() > before.mean()
    np.testing.assert_allclose(self.total_probability(dist, **given),
                               np.ones(self.batch_shape), atol=1e-5)
    path = tf.train.Checkpoint(model=dist).write(str(tmp_path / 'ckpt'))
    restored = self.make_distribution(self.tiny_shape)
    restored.log_prob(events, **given)  # builds lazily created state
    tf.train.Checkpoint(model=restored).read(path).assert_consumed()
    np.testing.assert_allclose(restored.log_prob(events, **given), after,
                               rtol=1e-5)

  # ---- Keras -----------------------------------------------------------------

  keras_dtype = 'float32'

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
      dist.log_prob(keras.Input(self.tiny_shape, dtype=self.keras_dtype),
                    **given)
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
