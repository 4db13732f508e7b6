"""`SequenceRNN`: the shared suite on tiny models (5 tokens, sequences of 3),
and the checks of what only text has (prompts, the end and unknown tokens,
scoring in chunks).

Every check of `TestSequenceRNN` runs again for the prompted, GRU and stacked
variants, which override only the hooks' class attributes.
"""

import numpy as np
import pytest
import tensorflow as tf

import tfp_pixel
from tests import model_hooks
from tests.distributions import distribution_suite

VOCABULARY_SIZE = model_hooks.VOCABULARY_SIZE
MAX_LENGTH = model_hooks.SEQUENCE_LENGTH
PADDING, UNKNOWN, END = model_hooks.PADDING, model_hooks.UNKNOWN, model_hooks.END


class TestSequenceRNN(model_hooks.SequenceRNNHooks,
                      distribution_suite.DistributionSuite):
  """The suite and the text checks, on an unprompted one-layer LSTM."""

  def random_tokens(self, n, seed=0):
    """Any tokens: mostly sequences of probability zero."""
    return np.random.RandomState(seed).randint(
        VOCABULARY_SIZE, size=(n,) + tuple(self.batch_shape) +
        (MAX_LENGTH,)).astype(np.int32)

  def prompt_rows(self):
    """The prompt of every batch member, padding dropped."""
    if self.prompt is None:
      return [[]]
    rows = np.reshape(self.prompt, (-1, np.shape(self.prompt)[-1]))
    return [[t for t in row if t != PADDING] for row in rows]

  def test_probabilities_sum_to_one_with_unknown_words_allowed(self):
    dist = self.distribution().copy(temperature=.5, allow_unknown=True)
    np.testing.assert_allclose(self.total_probability(dist),
                               np.ones(self.batch_shape), atol=1e-5)

  @pytest.mark.parametrize('temperature', [1., .5])
  def test_log_prob_equals_a_per_step_loop_over_the_cells(self, temperature):
    dist = self.distribution().copy(temperature=temperature)
    sequences = np.concatenate([
        self.random_tokens(20, seed=1),
        self.random_events(self.tiny_shape, 10, seed=2),
        np.broadcast_to(
            np.array([[3, 4, 2], [3, 2, 0], [2, 0, 0], [4, 4, 4], [2, 3, 0],
                      [0, 2, 0], [3, 1, 2]], np.int32)[
                          (slice(None),) + (None,) * len(self.batch_shape)],
            (7,) + tuple(self.batch_shape) + (MAX_LENGTH,))])
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
    sequences = self.all_events()
    whole = dist.log_prob(sequences).numpy()
    chunked = dist.log_prob_in_chunks(sequences, chunk_length).numpy()
    assert chunked.shape == whole.shape
    np.testing.assert_array_equal(np.isinf(chunked), np.isinf(whole))
    finite = np.isfinite(whole)
    np.testing.assert_allclose(chunked[finite], whole[finite], rtol=1e-5)

  def test_padding_and_unknown_are_never_drawn(self):
    dist = self.make_distribution((6,))
    favoured = np.zeros(VOCABULARY_SIZE, np.float32)
    favoured[[PADDING, UNKNOWN]] = 20.  # the network alone would draw them
    dist.network.head.bias.assign(favoured)
    samples = dist.sample(500, seed=(3, 3)).numpy().reshape(-1, 6)
    assert not (samples == UNKNOWN).any()
    for row in samples:
      ended = np.cumsum(row == END) - (row == END) > 0
      assert np.all((row == PADDING) == ended), row
    assert (samples == END).any()

  def test_xla_compiled_log_prob_and_gradients_equal_uncompiled(self):
    # XLA scores every position; otherwise only those up to the end are.
    dist = self.distribution()
    tokens = np.concatenate([self.random_events(self.tiny_shape, 6, seed=4),
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

  def test_wrong_event_shape_names_the_shape(self):
    with pytest.raises(ValueError, match=r'\[\.\.\., 3\]'):
      self.distribution().log_prob(np.zeros((2, 4), np.int32))

  def test_validate_args_rejects_tokens_outside_the_vocabulary(self):
    dist = self.distribution().copy(validate_args=True)
    with pytest.raises(tf.errors.InvalidArgumentError, match='vocabulary'):
      dist.log_prob(np.full((1, MAX_LENGTH), VOCABULARY_SIZE))


class TestPromptedSequenceRNN(TestSequenceRNN):
  """A batch of two prompts, one of them padded: `log p(x | prompt)`."""

  prompt = np.array([[3, 4], [0, 3]], np.int32)


class TestStackedGRUSequenceRNN(TestSequenceRNN):
  cell = 'gru'
  num_layers = 2
  prompt = np.array([4], np.int32)


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
  # As `kinds.texts.generation.generate` samples: a copy per prompt.
  for i, prompt in enumerate([[3], [3, 4], [4, 4, 3], [], [4], [3, 3]]):
    sampler = dist.copy(temperature=1. - .1 * i,
                        prompt=np.array(prompt, np.int32))
    sampler.sample(i + 1, seed=(i, 1))
  # The first prompt length, then any length.
  assert len(traces) <= 2
  assert not [message for message in tf_warnings if 'retracing' in message]
