"""Proofs for `SequenceRNN` on tiny models (5 tokens, sequences of 3).

Every check of `TestSequenceRNN` runs again for the prompted, GRU and stacked
variants, which override only the factory methods.
"""

import numpy as np
import pytest
import tensorflow as tf

import tfp_pixel
from tests import chi_square
from tests import keras_models

VOCABULARY_SIZE = 5  # padding 0, unknown 1, end 2, words 3 and 4
MAX_LENGTH = 3
PADDING, UNKNOWN, END = 0, 1, 2
# Larger weights than Keras' initialization: peaked, state-dependent
# probabilities, so that a sampler that loses its state fails the chi-square.
WEIGHT_SCALE = 3.

_cache = {}


class TestSequenceRNN:
  """The checks, on an unprompted one-layer LSTM."""

  cell = 'lstm'
  num_layers = 1
  prompt = None
  # Whether the Keras check fits eagerly; the variants do, which saves
  # tracing their training step.
  keras_run_eagerly = False

  # ---- factory methods -------------------------------------------------------

  def make_distribution(self, **overrides):
    tf.random.set_seed(7)
    kwargs = dict(vocabulary_size=VOCABULARY_SIZE, max_length=MAX_LENGTH,
                  cell=self.cell, num_layers=self.num_layers, embedding_dim=3,
                  units=4, prompt=self.prompt)
    kwargs.update(overrides)
    dist = tfp_pixel.SequenceRNN(**kwargs)
    for variable in dist.trainable_variables:
      variable.assign(variable * WEIGHT_SCALE)
    return dist

  # ---- helpers ---------------------------------------------------------------

  def distribution(self, **overrides):
    """Cached per class and arguments; `copy()` shares the network."""
    key = (type(self).__name__, tuple(sorted(overrides.items())))
    if key not in _cache:
      _cache[key] = self.make_distribution(**overrides)
    return _cache[key]

  def batch_shape(self):
    return () if self.prompt is None else np.shape(self.prompt)[:-1]

  def all_sequences(self):
    """All `V^T` sequences, `[V^T, *batch_shape, T]` (batch broadcast)."""
    grid = chi_square.all_events([MAX_LENGTH], range(VOCABULARY_SIZE))
    return grid.astype(np.int32).reshape(
        (-1,) + (1,) * len(self.batch_shape()) + (MAX_LENGTH,))

  def random_tokens(self, n, seed=0):
    """Any tokens: mostly sequences of probability zero."""
    return np.random.RandomState(seed).randint(
        VOCABULARY_SIZE, size=(n,) + tuple(self.batch_shape()) +
        (MAX_LENGTH,)).astype(np.int32)

  def random_sequences(self, n, seed=0):
    """Texts of random words and lengths, with their end, then padding."""
    random = np.random.RandomState(seed)
    shape = (n,) + tuple(self.batch_shape())
    sequences = random.randint(END + 1, VOCABULARY_SIZE,
                               size=shape + (MAX_LENGTH,))
    lengths = random.randint(MAX_LENGTH + 1, size=shape)[..., np.newaxis]
    positions = np.arange(MAX_LENGTH)
    sequences[positions == lengths] = END
    sequences[positions > lengths] = PADDING
    return sequences.astype(np.int32)

  def prompt_rows(self):
    """The prompt of every batch member, padding dropped."""
    if self.prompt is None:
      return [[]]
    rows = np.reshape(self.prompt, (-1, np.shape(self.prompt)[-1]))
    return [[t for t in row if t != PADDING] for row in rows]

  # ---- exact normalization ---------------------------------------------------

  @pytest.mark.parametrize('temperature', [1., .5])
  @pytest.mark.parametrize('allow_unknown', [False, True])
  def test_probabilities_of_all_sequences_sum_to_one(self, temperature,
                                                      allow_unknown):
    dist = self.distribution().copy(temperature=temperature,
                                    allow_unknown=allow_unknown)
    log_prob = dist.log_prob(self.all_sequences()).numpy().astype(np.float64)
    np.testing.assert_allclose(np.exp(log_prob).sum(axis=0),
                               np.ones(self.batch_shape()), atol=1e-5)

  # ---- the independent reference ----------------------------------------------

  @pytest.mark.parametrize('temperature', [1., .5])
  def test_log_prob_equals_a_per_step_loop_over_the_cells(self, temperature):
    dist = self.distribution().copy(temperature=temperature)
    sequences = np.concatenate([
        self.random_tokens(20, seed=1), self.random_sequences(10, seed=2),
        np.broadcast_to(
            np.array([[3, 4, 2], [3, 2, 0], [2, 0, 0], [4, 4, 4], [2, 3, 0],
                      [0, 2, 0], [3, 1, 2]], np.int32)[
                          (slice(None),) + (None,) * len(self.batch_shape())],
            (7,) + tuple(self.batch_shape()) + (MAX_LENGTH,))])
    log_prob = dist.log_prob(sequences).numpy()
    flat = sequences.reshape(len(sequences), -1, MAX_LENGTH)
    expected = np.array([
        [_reference_log_prob(dist, prompt, row[b])
         for b, prompt in enumerate(self.prompt_rows())] for row in flat])
    np.testing.assert_allclose(log_prob.reshape(expected.shape), expected,
                               rtol=1e-5, atol=1e-5)
    assert np.isfinite(expected).any() and np.isinf(expected).any()

  @pytest.mark.parametrize('chunk_length', [1, 2, 3, 10])
  def test_log_prob_in_chunks_equals_log_prob(self, chunk_length):
    dist = self.distribution(allow_unknown=True).copy(temperature=.5)
    sequences = self.all_sequences()
    whole = dist.log_prob(sequences).numpy()
    chunked = dist.log_prob_in_chunks(sequences, chunk_length).numpy()
    assert chunked.shape == whole.shape
    np.testing.assert_array_equal(np.isinf(chunked), np.isinf(whole))
    finite = np.isfinite(whole)
    np.testing.assert_allclose(chunked[finite], whole[finite], rtol=1e-5)

  # ---- causality -------------------------------------------------------------

  def test_logits_do_not_depend_on_the_token_or_later_ones(self, monkeypatch):
    dist = self.distribution().copy(max_length=4)
    network = dist.network
    embed = network.embed
    captured = []
    # Words only: no padding in the inputs, which the layers would skip.
    sequences = tf.constant(np.random.RandomState(3).randint(
        3, VOCABULARY_SIZE, size=(2,) + tuple(self.batch_shape()) + (4,)))
    with tf.GradientTape(persistent=True) as tape:

      def watched_embed(tokens):
        embedded = embed(tokens)
        tape.watch(embedded)
        captured.append(embedded)
        return embedded

      monkeypatch.setattr(network, 'embed', watched_embed)
      logits = dist.logits(sequences)
      per_step = [tf.reduce_sum(logits[..., t, :]) for t in range(4)]
    (embedded,) = captured
    num_context = embedded.shape[1] - 3  # the inputs are context + x[:-1]
    for t in range(4):
      grad = tape.gradient(per_step[t], embedded)
      magnitude = tf.reduce_sum(tf.abs(grad), axis=[0, 2]).numpy()
      seen = num_context + t  # inputs the logits at step t may depend on
      assert np.all(magnitude[seen:] == 0.), (
          'logits at step {} depend on token {} or later'.format(t, t))
      assert np.all(magnitude[:seen] > 0.), (
          'logits at step {} ignore an earlier input'.format(t))
    del tape

  # ---- exact sampling --------------------------------------------------------

  @pytest.mark.parametrize('temperature', [1., .5])
  def test_sample_frequencies_match_probabilities(self, temperature):
    dist = self.distribution().copy(temperature=temperature)
    samples = dist.sample(chi_square.NUM_SAMPLES, seed=(4, 2)).numpy()
    probs = np.exp(dist.log_prob(self.all_sequences()).numpy().astype(
        np.float64))
    flat_samples = samples.reshape(chi_square.NUM_SAMPLES, -1, MAX_LENGTH)
    flat_probs = probs.reshape(len(probs), -1)
    for b in range(flat_samples.shape[1]):
      counts = np.bincount(
          chi_square.event_index(flat_samples[:, b], range(VOCABULARY_SIZE)),
          minlength=len(probs))
      assert not counts[flat_probs[:, b] == 0.].any(), (
          'a sample has probability zero')
      p_value = chi_square.chi_square_p_value(counts, flat_probs[:, b])
      assert p_value > chi_square.P_VALUE, (
          'samples do not follow exp(log_prob): p = {:.3g}'.format(p_value))

  def test_padding_and_unknown_are_never_drawn(self):
    dist = self.make_distribution(max_length=6)
    favoured = np.zeros(VOCABULARY_SIZE, np.float32)
    favoured[[PADDING, UNKNOWN]] = 20.  # the network alone would draw them
    dist.network.head.bias.assign(favoured)
    samples = dist.sample(500, seed=(3, 3)).numpy().reshape(-1, 6)
    assert not (samples == UNKNOWN).any()
    for row in samples:
      ended = np.cumsum(row == END) - (row == END) > 0
      assert np.all((row == PADDING) == ended), row
    assert (samples == END).any()

  # ---- TFP contract ----------------------------------------------------------

  def test_batch_and_event_shapes(self):
    dist = self.distribution()
    assert dist.batch_shape == list(self.batch_shape())
    assert dist.event_shape == [MAX_LENGTH]
    np.testing.assert_array_equal(dist.batch_shape_tensor(),
                                  self.batch_shape())
    np.testing.assert_array_equal(dist.event_shape_tensor(), [MAX_LENGTH])

  @pytest.mark.parametrize('sample_shape', [(), (5,), (2, 3)])
  def test_sample_shape_dtype_and_support(self, sample_shape):
    dist = self.distribution()
    samples = dist.sample(sample_shape, seed=7)
    assert samples.shape == (tuple(sample_shape) + tuple(self.batch_shape()) +
                             (MAX_LENGTH,))
    assert samples.dtype == tf.int32
    assert np.isfinite(dist.log_prob(samples)).all()

  def test_log_prob_broadcasts_over_leading_dimensions(self):
    dist = self.distribution()
    sequences = self.random_sequences(6, seed=3)
    flat = dist.log_prob(sequences).numpy()
    assert np.isfinite(flat).all()
    nested = dist.log_prob(sequences.reshape((2, 3) + sequences.shape[1:]))
    assert nested.shape == (2, 3) + tuple(self.batch_shape())
    np.testing.assert_allclose(nested.numpy().reshape(flat.shape), flat,
                               rtol=1e-5)
    single = dist.log_prob(sequences[0])
    assert single.shape == tuple(self.batch_shape())
    np.testing.assert_allclose(single, flat[0], rtol=1e-5)
    one_for_all = dist.log_prob(sequences[0].reshape(-1, MAX_LENGTH)[0])
    np.testing.assert_allclose(
        one_for_all, dist.log_prob(np.broadcast_to(
            sequences[0].reshape(-1, MAX_LENGTH)[0], sequences[0].shape)),
        rtol=1e-5)

  def test_stateless_seed_is_reproducible(self):
    dist = self.distribution()
    first = dist.sample(50, seed=(1, 2))
    np.testing.assert_array_equal(first, dist.sample(50, seed=(1, 2)))
    assert not np.array_equal(first, dist.sample(50, seed=(1, 3)))
    assert len(np.unique(first.numpy().reshape(50, -1), axis=0)) > 1

  def test_int_seed_is_reproducible_under_the_global_seed(self):
    dist = self.distribution()
    tf.random.set_seed(11)
    first = dist.sample(50, seed=123)
    tf.random.set_seed(11)
    np.testing.assert_array_equal(first, dist.sample(50, seed=123))

  def test_copy_shares_the_network(self):
    dist = self.distribution()
    copy = dist.copy()
    assert copy.network is dist.network
    sequences = self.random_sequences(4)
    np.testing.assert_allclose(copy.log_prob(sequences),
                               dist.log_prob(sequences), rtol=1e-6)
    cold = dist.copy(temperature=.5)
    assert not np.allclose(cold.log_prob(sequences), dist.log_prob(sequences))
    np.testing.assert_allclose(cold.copy(temperature=1.).log_prob(sequences),
                               dist.log_prob(sequences), rtol=1e-6)

  def test_works_inside_tf_function(self):
    dist = self.distribution()
    sequences = self.random_sequences(3)

    @tf.function
    def log_prob_and_sample(x):
      return dist.log_prob(x), dist.sample(3, seed=(8, 9))

    log_prob, samples = log_prob_and_sample(tf.constant(sequences))
    np.testing.assert_allclose(log_prob, dist.log_prob(sequences), rtol=1e-5)
    np.testing.assert_array_equal(samples, dist.sample(3, seed=(8, 9)))

  def test_xla_compiled_sampling_equals_uncompiled(self):
    dist = self.distribution().copy(max_length=8)
    compiled = tf.function(lambda seed: dist.sample((2, 5), seed=seed),
                           jit_compile=True)
    np.testing.assert_array_equal(compiled(tf.constant([5, 6])),
                                  dist.sample((2, 5), seed=(5, 6)))

  def test_xla_compiled_log_prob_and_gradients_equal_uncompiled(self):
    # XLA scores every position; otherwise only those up to the end are.
    dist = self.distribution()
    tokens = np.concatenate([self.random_sequences(6, seed=4),
                             self.random_tokens(6, seed=5)])

    def log_prob_and_gradients(x):
      with tf.GradientTape() as tape:
        log_prob = dist.log_prob(x)
        loss = -tf.reduce_sum(tf.where(tf.math.is_finite(log_prob), log_prob,
                                       tf.zeros_like(log_prob)))
      return log_prob, tape.gradient(loss, dist.trainable_variables)

    compiled = tf.function(log_prob_and_gradients, jit_compile=True)(tokens)
    plain = log_prob_and_gradients(tokens)
    np.testing.assert_allclose(compiled[0], plain[0], rtol=1e-5)
    for compiled_grad, grad in zip(compiled[1], plain[1]):
      np.testing.assert_allclose(tf.convert_to_tensor(compiled_grad),
                                 tf.convert_to_tensor(grad), rtol=1e-4,
                                 atol=1e-6)

  def test_gradient_step_and_checkpoint_round_trip(self, tmp_path):
    dist = self.make_distribution(allow_unknown=True)
    sequences = self.random_sequences(8)
    before = dist.log_prob(sequences).numpy()
    assert np.isfinite(before).all()
    with tf.GradientTape() as tape:
      loss = -tf.reduce_mean(dist.log_prob(sequences))
    grads = tape.gradient(loss, dist.trainable_variables)
    assert all(np.isfinite(tf.convert_to_tensor(g)).all() for g in grads)
    for variable, grad in zip(dist.trainable_variables, grads):
      variable.assign_sub(.05 * tf.convert_to_tensor(grad))
    after = dist.log_prob(sequences).numpy()
    assert after.mean() > before.mean()
    path = tf.train.Checkpoint(network=dist.network).write(
        str(tmp_path / 'ckpt'))
    restored = tfp_pixel.SequenceRNN(**dict(dist.parameters, network=None))
    tf.train.Checkpoint(network=restored.network).read(path).assert_consumed()
    np.testing.assert_allclose(restored.log_prob(sequences), after, rtol=1e-5)

  def test_float64_network(self):
    dist = self.make_distribution(float_dtype=tf.float64)
    log_prob = dist.log_prob(self.all_sequences())
    assert log_prob.dtype == tf.float64
    np.testing.assert_allclose(tf.reduce_sum(tf.exp(log_prob), axis=0),
                               np.ones(self.batch_shape()), atol=1e-10)
    assert dist.sample(2, seed=(1, 1)).shape == (
        (2,) + tuple(self.batch_shape()) + (MAX_LENGTH,))

  def test_wrong_event_shape_is_a_value_error(self):
    with pytest.raises(ValueError, match=r'\[\.\.\., 3\]'):
      self.distribution().log_prob(np.zeros((2, 4), np.int32))

  def test_validate_args_rejects_tokens_outside_the_vocabulary(self):
    dist = self.distribution().copy(validate_args=True)
    with pytest.raises(tf.errors.InvalidArgumentError, match='vocabulary'):
      dist.log_prob(np.full((1, MAX_LENGTH), VOCABULARY_SIZE))

  # ---- Keras -----------------------------------------------------------------

  def test_keras_model_of_log_prob_trains_every_variable(self):
    dist = self.distribution()
    sequences = np.repeat(self.random_sequences(1, seed=5), 8, axis=0)
    with keras_models.weights_kept(dist):
      model, _ = keras_models.log_prob_model(
          dist, sequences, run_eagerly=self.keras_run_eagerly)
      assert ({v.ref() for v in model.trainable_variables} ==
              {v.ref() for v in dist.trainable_variables})
      assert len(model.trainable_variables) == len(dist.trainable_variables)
      np.testing.assert_allclose(model(sequences), dist.log_prob(sequences),
                                 rtol=1e-5)
      losses = model.fit(sequences, epochs=3, batch_size=8,
                         verbose=0).history['loss']
    assert losses[-1] < losses[0], losses

  def test_keras_3_input_is_a_one_line_type_error(self):
    keras = pytest.importorskip('keras')
    with pytest.raises(TypeError, match='tf_keras.Input') as error:
      self.distribution().log_prob(keras.Input((MAX_LENGTH,), dtype='int32'))
    assert '\n' not in str(error.value)


class TestPromptedSequenceRNN(TestSequenceRNN):
  """A batch of two prompts, one of them padded: `log p(x | prompt)`."""

  prompt = np.array([[3, 4], [0, 3]], np.int32)
  keras_run_eagerly = True


class TestStackedGRUSequenceRNN(TestSequenceRNN):
  cell = 'gru'
  num_layers = 2
  prompt = np.array([4], np.int32)
  keras_run_eagerly = True


class TestPromptSemantics:

  def make_distribution(self, max_length, **kwargs):
    tf.random.set_seed(3)
    return tfp_pixel.SequenceRNN(VOCABULARY_SIZE, max_length, embedding_dim=3,
                                 units=4, **kwargs)

  def test_chain_rule_over_prompt_and_continuation(self):
    # log p(a ++ x) = log p(a) + log p(x | prompt=a): the prompt is the start
    # of the text, and a sequence without end is the marginal of its prefix.
    long = self.make_distribution(5)
    network = long.network
    prefix = tfp_pixel.SequenceRNN(VOCABULARY_SIZE, 2, embedding_dim=3,
                                   units=4, network=network)
    prompted = prefix.copy(max_length=3, prompt=[4, 3])
    continuations = np.array([[3, 2, 0], [4, 4, 3], [2, 0, 0]], np.int32)
    whole = np.concatenate([np.tile([[4, 3]], (3, 1)), continuations], 1)
    np.testing.assert_allclose(
        long.log_prob(whole),
        prefix.log_prob([4, 3]) + prompted.log_prob(continuations), rtol=1e-5)

  def test_padding_in_a_prompt_is_skipped(self):
    dist = self.make_distribution(3)
    sequences = np.array([[3, 2, 0], [4, 4, 3]], np.int32)
    np.testing.assert_allclose(
        dist.copy(prompt=[0, 0, 4, 3]).log_prob(sequences),
        dist.copy(prompt=[4, 3]).log_prob(sequences), rtol=1e-6)

  def test_an_empty_prompt_is_no_prompt(self):
    dist = self.make_distribution(3)
    sequences = np.array([[3, 2, 0], [4, 4, 3]], np.int32)
    np.testing.assert_allclose(
        dist.copy(prompt=np.zeros([0], np.int32)).log_prob(sequences),
        dist.log_prob(sequences), rtol=1e-6)

  def test_sample_batch_follows_the_prompts(self):
    dist = self.make_distribution(3, prompt=[[3], [4], [3]])
    samples = dist.sample(4, seed=(1, 1))
    assert samples.shape == (4, 3, 3)


@pytest.mark.parametrize('kwargs, message', [
    (dict(max_length=0), 'max_length'),
    (dict(cell='bilstm'), 'cell'),
    (dict(units=0), 'units'),
    (dict(end_token=0), 'three different tokens'),
    (dict(unknown_token=5), 'three different tokens'),
    (dict(temperature=[1., 2.]), 'temperature'),
    (dict(prompt=3), 'prompt'),
])
def test_bad_arguments_are_value_errors(kwargs, message):
  arguments = dict(vocabulary_size=VOCABULARY_SIZE, max_length=MAX_LENGTH,
                   embedding_dim=3, units=4)
  arguments.update(kwargs)
  with pytest.raises(ValueError, match=message):
    tfp_pixel.SequenceRNN(**arguments)


def test_a_network_of_another_architecture_is_a_value_error():
  dist = tfp_pixel.SequenceRNN(VOCABULARY_SIZE, MAX_LENGTH, embedding_dim=3,
                               units=4)
  with pytest.raises(ValueError, match='units=4'):
    tfp_pixel.SequenceRNN(VOCABULARY_SIZE, MAX_LENGTH, embedding_dim=3,
                          units=5, network=dist.network)


def _reference_log_prob(dist, prompt, tokens):
  """`log p(tokens | prompt)` by a plain loop of cell steps and numpy.

  Independent of `SequenceRNN.logits`: no Keras layer over the sequence, the
  head, temperature and masking in numpy, the end-of-text rules as loops.
  """
  network = dist.network
  kernel, bias = network.head.kernel.numpy(), network.head.bias.numpy()
  temperature = float(dist.temperature)
  never = [PADDING] + ([] if dist.allow_unknown else [UNKNOWN])
  state = network.zero_state(1)
  outputs = None
  for token in [END] + list(prompt):
    outputs, state = network.step(tf.constant([token]), state)
  total = 0.
  for position, token in enumerate(tokens):
    logits = (outputs.numpy()[0] @ kernel + bias) / temperature
    logits[never] = -np.inf
    log_softmax = logits - np.logaddexp.reduce(logits)
    total += log_softmax[token]
    if token == END:
      rest = tokens[position + 1:]
      return total if np.all(rest == PADDING) else -np.inf
    outputs, state = network.step(tf.constant([token]), state)
  return total


def test_a_trained_model_beats_the_unigram_model_on_held_out_text():
  """A few hundred steps on real text (the offline Bible) learn more than
  word frequencies: lower held-out NLL per token than the unigram model of
  the same vocabulary and events."""
  import tf_keras  # pylint: disable=g-import-not-at-top
  from tfp_pixel.text import offline_corpus  # pylint: disable=g-import-not-at-top
  from tfp_pixel.text import tokenizer as tokenizer_lib  # pylint: disable=g-import-not-at-top
  documents = offline_corpus.load_documents(max_documents=3000)
  order = np.random.RandomState(0).permutation(len(documents))
  train = [documents[i] for i in order[:2500]]
  held_out = [documents[i] for i in order[2500:]]
  tokenizer = tokenizer_lib.Tokenizer.fit(train, vocabulary_size=100)
  train_events = tokenizer.encode_batch(train, max_length=16)
  held_out_events = tokenizer.encode_batch(held_out, max_length=16)

  tf_keras.utils.set_random_seed(0)
  dist = tfp_pixel.SequenceRNN(tokenizer.vocabulary_size, 16, embedding_dim=16,
                               units=32, allow_unknown=True)
  optimizer = tf_keras.optimizers.Adam(1e-2)

  @tf.function
  def train_step(events):
    with tf.GradientTape() as tape:
      loss = -tf.reduce_mean(dist.log_prob(events))
    variables = dist.trainable_variables
    optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))

  batches = np.random.RandomState(1).randint(len(train_events),
                                             size=(300, 64))
  for batch in batches:
    train_step(train_events[batch])

  num_tokens = np.sum(held_out_events != tokenizer.padding_token)
  model_nll = -np.sum(dist.log_prob(held_out_events)) / num_tokens
  counts = np.bincount(train_events[train_events != tokenizer.padding_token],
                       minlength=tokenizer.vocabulary_size)
  unigram = np.log(counts + 1.) - np.log(np.sum(counts + 1.))
  held_out_tokens = held_out_events[held_out_events != tokenizer.padding_token]
  unigram_nll = -np.mean(unigram[held_out_tokens])
  assert np.isfinite(model_nll)
  assert model_nll < unigram_nll - .2, (model_nll, unigram_nll)


def test_repeated_sampling_traces_twice_and_never_warns(monkeypatch,
                                                       tf_warnings):
  traces = []
  draw = tfp_pixel.SequenceRNN._draw

  def counted(*args):
    traces.append(1)
    return draw(*args)

  monkeypatch.setattr(tfp_pixel.SequenceRNN, '_draw', counted)
  dist = tfp_pixel.SequenceRNN(VOCABULARY_SIZE, MAX_LENGTH, embedding_dim=3,
                               units=4)
  # As `tfp_pixel.engine.kinds.texts.generation.generate` samples: a copy per prompt.
  for i, prompt in enumerate([[3], [3, 4], [4, 4, 3], [], [4], [3, 3]]):
    sampler = dist.copy(temperature=1. - .1 * i,
                        prompt=np.array(prompt, np.int32))
    sampler.sample(i + 1, seed=(i, 1))
  # The first prompt length, then any length.
  assert len(traces) <= 2
  assert not [message for message in tf_warnings if 'retracing' in message]
