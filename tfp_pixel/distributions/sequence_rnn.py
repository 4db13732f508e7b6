"""The recurrent text model as a distribution over token sequences."""

import numpy as np
import tensorflow as tf
import tensorflow_probability as tfp
from tensorflow_probability.python.internal import tensor_util
from tensorflow.python.ops import control_flow_util  # pylint: disable=g-direct-tensorflow-import

from tfp_pixel import shapes
from tfp_pixel.distributions import base
from tfp_pixel.sampling import sequence_sampler
from tfp_pixel.sampling import shared_functions
from tfp_pixel.networks import sequence_network

tf1 = tf.compat.v1
tfd = tfp.distributions

__all__ = ['SequenceRNN']


class SequenceRNN(base.Autoregressive, tfd.Distribution):
  """An LSTM or GRU language model: a distribution over token sequences.

  The distribution of int token sequences `x` of `event_shape ==
  [max_length]` with tokens in `[0, vocabulary_size)`: the text generator of
  the "Generative Deep Learning" book (an embedding, stacked LSTM or GRU
  layers, a softmax over the vocabulary [1]) with an end-of-text token, a
  temperature and an optional prompt, so that `log_prob` and `sample` are
  exact and agree.

  #### Mathematical details

  A text is its words followed by `end_token`; the event is its first
  `max_length` tokens, padded with `padding_token` after the end:

  ```none
  p(x | prompt) = prod_{t <= e} Categorical(x[t]; logits[t] / T + m)
                * [x[t] == padding for every t > e]
  logits[t] = f(end_token, prompt, x[:t])
  ```

  where `e` is the position of the first `end_token` in `x` (the last
  position, `max_length - 1`, if there is none), `f` the network
  (`SequenceNetwork`: the recurrent layers read the end-of-text token, then
  the prompt, then the text so far), `T` the `temperature`, and `m` is `-inf`
  at `padding_token` (and at `unknown_token` unless `allow_unknown`), zero
  elsewhere. So:

  - padding after the end costs nothing, anything else after the end has
    probability zero, and padding (or an unknown word) before it too;
  - a sequence without `end_token` is the first `max_length` tokens of a
    longer text: its probability is that of the prefix (the marginal of the
    untruncated model), which keeps the distribution normalized over its
    event space and makes truncated training texts count exactly;
  - `log_prob` is the tempered distribution, so `sample` is exact at every
    temperature; `T -> 0` approaches the greedy path.

  `prompt` is a parameter: int `[..., P]` tokens that the network reads
  before the sequence; its leading dimensions are the batch shape, and
  `log_prob(x)` is `log p(x | prompt)`, the log-probability of the
  continuation. Padding tokens in a prompt are skipped (the state carries
  over them), so prompts of different lengths batch with padding.

  `log_prob_in_chunks` is `log_prob` a chunk of positions at a time, in
  memory that does not grow with `max_length` (texts of any length).

  `sample` draws one token per cell step, carrying the recurrent state
  (`tfp_pixel.sampling.sequence_sampler`), stops a sequence at its end token,
  and accepts int and stateless `(a, b)` seeds (split per step). It works in
  `tf.function`, also with `jit_compile=True`.

  #### Examples

  ```python
  dist = tfp_pixel.SequenceRNN(vocabulary_size=10000, max_length=200,
                               allow_unknown=True)
  loss = -tf.reduce_mean(dist.log_prob(tokens))     # tokens: int [batch, 200]
  gru = tfp_pixel.SequenceRNN(10000, 200, cell='gru', num_layers=2)

  # Continuations of a prompt at a low temperature, sharing the weights:
  cold = dist.copy(prompt=tokenizer.encode('recipe for'), temperature=0.2,
                   allow_unknown=False)
  texts = cold.sample(5, seed=(1, 2))               # int32 [5, 200]
  ```

  #### References

  [1]: David Foster. Generative Deep Learning, 2nd edition, chapter 5:
       Autoregressive Models. O'Reilly, 2023.

  [2]: Sepp Hochreiter, Juergen Schmidhuber. Long Short-Term Memory. _Neural
       Computation_, 9(8), 1997.

  [3]: Kyunghyun Cho et al. Learning Phrase Representations using RNN
       Encoder-Decoder for Statistical Machine Translation. In _EMNLP_, 2014.
       https://arxiv.org/abs/1406.1078
  """

  def __init__(self,
               vocabulary_size,
               max_length,
               cell='lstm',
               embedding_dim=100,
               units=128,
               num_layers=1,
               temperature=1.,
               prompt=None,
               padding_token=0,
               unknown_token=1,
               end_token=2,
               allow_unknown=False,
               network=None,
               float_dtype=tf.float32,
               dtype=tf.int32,
               validate_args=False,
               allow_nan_stats=True,
               name='SequenceRNN'):
    """Constructs a recurrent sequence distribution.

    Args:
      vocabulary_size: Python `int`, tokens of the vocabulary, special tokens
        included.
      max_length: Python `int`, tokens per event.
      cell: `'lstm'` or `'gru'`.
      embedding_dim: Python `int`, size of the token embedding.
      units: Python `int`, units of every recurrent layer.
      num_layers: Python `int`, stacked recurrent layers.
      temperature: positive finite float scalar; logits are divided by it.
      prompt: optional int `Tensor` `[..., P]` of tokens read before the
        sequence; its leading dimensions are the batch shape.
      padding_token: Python `int`, the token after the end (never drawn).
      unknown_token: Python `int`, the out-of-vocabulary token.
      end_token: Python `int`, the end-of-text token.
      allow_unknown: Python `bool`, whether `unknown_token` is in the
        support. Train and score with `True` (texts have out-of-vocabulary
        words); sample with `False`, the distribution given that no word is
        unknown.
      network: an existing `SequenceNetwork` to use (and share) instead of
        building one; `copy()` passes the current one.
      float_dtype: float `tf.DType` of the network.
      dtype: integer `tf.DType` of the samples.
      validate_args: Python `bool`, whether to check inputs at runtime.
      allow_nan_stats: Python `bool`.
      name: Python `str` name.

    Raises:
      ValueError: one line naming the argument, if an argument is out of
        range (`temperature` not positive and finite, a size not a positive
        integer), the special tokens are not three different tokens of the
        vocabulary, or `network` does not match.
    """
    parameters = dict(locals())
    with tf.name_scope(name) as name:
      max_length = shapes.check_size(max_length, 'max_length')
      float_dtype = tf.as_dtype(float_dtype)
      self._init_temperature(temperature, float_dtype)
      architecture = dict(
          sequence_network.check_architecture(vocabulary_size, cell,
                                              embedding_dim, units,
                                              num_layers),
          dtype=float_dtype)
      if network is None:
        network = sequence_network.SequenceNetwork(**architecture)
      else:
        _check_network(network, architecture)
      special = (padding_token, unknown_token, end_token)
      if len(set(special)) != 3 or not all(
          0 <= int(token) < network.vocabulary_size for token in special):
        raise ValueError(
            '`padding_token`, `unknown_token` and `end_token` must be three '
            'different tokens in [0, {}), got {}, {} and {}.'.format(
                network.vocabulary_size, *special))
      parameters['network'] = network
      self._network = network
      self._max_length = max_length
      self._padding_token = int(padding_token)
      self._unknown_token = int(unknown_token)
      self._end_token = int(end_token)
      self._allow_unknown = bool(allow_unknown)
      self._float_dtype = float_dtype
      self._prompt = tensor_util.convert_nonref_to_tensor(
          prompt, dtype=tf.int32, name='prompt')
      if self._prompt is not None and self._prompt.shape.rank == 0:
        raise ValueError('`prompt` must be a vector (or a batch of vectors) '
                         'of tokens, got a scalar.')
      super().__init__(
          dtype=dtype,
          reparameterization_type=tfd.NOT_REPARAMETERIZED,
          validate_args=validate_args,
          allow_nan_stats=allow_nan_stats,
          parameters=parameters,
          name=name)

  @property
  def vocabulary_size(self):
    return self._network.vocabulary_size

  @property
  def max_length(self):
    return self._max_length

  @property
  def cell(self):
    return self._network.cell

  @property
  def prompt(self):
    return self._prompt

  @property
  def padding_token(self):
    return self._padding_token

  @property
  def unknown_token(self):
    return self._unknown_token

  @property
  def end_token(self):
    return self._end_token

  @property
  def allow_unknown(self):
    return self._allow_unknown

  @property
  def network(self):
    return self._network

  @property
  def float_dtype(self):
    return self._float_dtype

  def _event_shape(self):
    return tf.TensorShape([self._max_length])

  def _event_shape_tensor(self):
    return tf.constant([self._max_length], dtype=tf.int32)

  def _batch_shape(self):
    if self._prompt is None:
      return tf.TensorShape([])
    return self._prompt.shape[:-1]

  def _batch_shape_tensor(self):
    if self._prompt is None:
      return tf.constant([], dtype=tf.int32)
    return tf.shape(self._prompt)[:-1]

  @property
  def logit_bias(self):
    """`np.ndarray` `[vocabulary_size]`: `-inf` at the tokens never drawn."""
    never = [self._padding_token]
    if not self._allow_unknown:
      never.append(self._unknown_token)
    bias = np.zeros([self.vocabulary_size],
                    self._float_dtype.as_numpy_dtype)
    bias[never] = -np.inf
    return bias

  def logits(self, tokens, training=False):
    """Tempered, masked logits of every position given the tokens before it.

    Args:
      tokens: int `Tensor` `[..., max_length]`; its leading dimensions
        broadcast against the batch shape.
      training: Python `bool`, passed to the network's layers.

    Returns:
      logits: float `[..., max_length, vocabulary_size]` (leading dimensions
        broadcast); those at position `t` depend only on the prompt and
        `tokens[..., :t]`.
    """
    outputs, _, leading = self._recurrent_outputs(tokens, training)
    logits = self._network.logits(outputs, self._temperature, self.logit_bias)
    return tf.reshape(logits, tf.concat(
        [leading, [self._max_length, self.vocabulary_size]], 0))

  def _log_prob(self, value, training=False):
    outputs, rows, leading = self._recurrent_outputs(value, training)
    after_end = tf.math.cumsum(
        tf.cast(tf.equal(rows, self._end_token), tf.int32), axis=-1,
        exclusive=True) > 0
    scored, impossible = self._scored(outputs, rows, after_end)
    return tf.reshape(self._with_impossible(scored, impossible), leading)

  def log_prob_in_chunks(self, value, chunk_length,
                         name='log_prob_in_chunks'):
    """`log_prob(value)`, computed `chunk_length` positions at a time.

    The recurrent layers run over one chunk of the sequences at a time,
    carrying their state to the next, and each chunk's logits are reduced to
    the log-probabilities of its tokens before the next chunk is computed:
    beyond the tokens themselves, the memory needed grows with `rows *
    chunk_length * vocabulary_size`, not with `max_length`, so that very long
    texts (a copy with a `max_length` that fits them) can be scored whole.
    The result is `log_prob(value)` (to float rounding).

    Args:
      value: int `Tensor` `[..., max_length]`, as for `log_prob`.
      chunk_length: positive Python `int`, positions per chunk.
      name: Python `str` name of the operations.

    Returns:
      log_prob: float `Tensor` of the broadcast leading shape.

    Raises:
      ValueError: if `chunk_length` is not a positive integer, or `value`
        does not have the event shape.
    """
    chunk_length = shapes.check_size(chunk_length, 'chunk_length')
    with self._name_and_control_scope(name):
      rows, leading = self._rows(value)
      inputs, mask = self._context(leading)
      outputs, state = self._network.run(self._network.embed(inputs),
                                         mask=mask)
      # The outputs that predict the chunk's first token: the context's.
      before = outputs[:, -1:]
      num_rows = tf.shape(rows)[0]
      total = tf.zeros([num_rows], self._float_dtype)
      ended = impossible = tf.zeros([num_rows, 1], tf.bool)
      run = (self._network.graph_run if tf.executing_eagerly() else
             self._network.run)
      for start in range(0, self._max_length, chunk_length):
        chunk = rows[:, start:start + chunk_length]
        outputs, state = run(self._network.embed(chunk), state)
        ends = tf.cast(tf.equal(chunk, self._end_token), tf.int32)
        after_end = tf.logical_or(
            ended, tf.math.cumsum(ends, axis=-1, exclusive=True) > 0)
        scored, chunk_impossible = self._scored(
            tf.concat([before, outputs[:, :-1]], axis=1), chunk, after_end)
        total += tf.reduce_sum(scored, -1)
        impossible = tf.logical_or(impossible, chunk_impossible)
        ended = tf.logical_or(ended, tf.reduce_any(ends > 0, -1,
                                                   keepdims=True))
        before = outputs[:, -1:]
      return tf.reshape(self._with_impossible(total[:, tf.newaxis],
                                              impossible), leading)

  def _scored(self, outputs, rows, after_end):
    """Per-position log-probabilities of `rows` from the `outputs` that
    predict them (zero after the end), and whether a row has something
    other than padding after its end (`[rows, 1]`)."""
    # Only the positions up to the end need the softmax, by far the costliest
    # layer; XLA needs static shapes, so it gets every position.
    if control_flow_util.GraphOrParentsInXlaContext(
        tf1.get_default_graph()):
      scored = tf.where(after_end, tf.zeros_like(rows, self._float_dtype),
                        self._token_log_probs(outputs, rows))
    else:
      positions = tf.where(tf.logical_not(after_end))
      scored = tf.scatter_nd(
          positions,
          self._token_log_probs(tf.gather_nd(outputs, positions),
                                tf.gather_nd(rows, positions)),
          tf.shape(rows, out_type=tf.int64))
    impossible = tf.logical_and(after_end,
                                tf.not_equal(rows, self._padding_token))
    return scored, tf.reduce_any(impossible, -1, keepdims=True)

  def _with_impossible(self, scored, impossible):
    """The sum of `scored` over its last axis, `-inf` where `impossible`:
    padding after the end costs nothing, any other token is impossible."""
    return tf.reduce_sum(scored, -1) + tf.where(
        impossible[:, 0], tf.constant(-np.inf, self._float_dtype),
        tf.constant(0., self._float_dtype))

  def _token_log_probs(self, outputs, tokens):
    logits = self._network.logits(outputs, self._temperature, self.logit_bias)
    return tfd.Categorical(logits=logits).log_prob(tokens)

  def _recurrent_outputs(self, tokens, training):
    """The top layer's outputs at every position of the sequences.

    Returns:
      outputs: float `[rows, max_length, units]`, those at position `t` from
        the inputs before `tokens[..., t]`.
      rows: int32 `[rows, max_length]`, the tokens, broadcast against the
        batch shape and flattened.
      leading: int32 vector, the broadcast leading shape (`rows` elements).
    """
    rows, leading = self._rows(tokens)
    inputs, mask = self._context(leading)
    num_context = tf.shape(inputs)[1]
    inputs = tf.concat([inputs, rows[:, :-1]], axis=1)
    if mask is not None:
      mask = tf.concat([mask, tf.ones_like(rows[:, :-1], tf.bool)], axis=1)
    outputs, _ = self._network.run(self._network.embed(inputs), mask=mask,
                                   training=training)
    return outputs[:, num_context - 1:], rows, leading

  def _rows(self, tokens):
    """Int32 `[rows, max_length]` tokens, broadcast against the batch shape
    and flattened, and the broadcast leading shape (`rows` elements)."""
    tokens = self._checked_tokens(tokens)
    leading = tf.shape(tokens)[:-1]
    if self._prompt is not None:
      leading = tf.broadcast_dynamic_shape(leading, self.batch_shape_tensor())
    rows = tf.reshape(
        tf.broadcast_to(tokens, tf.concat([leading, [self._max_length]], 0)),
        [-1, self._max_length])
    return rows, leading

  def _sample_n(self, n, seed=None):
    seed = tfp.random.sanitize_seed(seed, salt='SequenceRNN')
    if tf.executing_eagerly():
      # Eager sampling runs the loop as one graph, traced once for every `n`,
      # temperature and prompt, and shared by the copies of the network.
      draw = shared_functions.shared_function(
          self, SequenceRNN._draw, traced=('temperature', 'prompt'))
      samples = draw(tf.constant(n, tf.int32), seed)
    else:
      samples = self._draw(n, seed)
    return tf.cast(samples, self.dtype)

  def _draw(self, n, seed):
    """Int32 `[n, *batch_shape, max_length]` samples from stateless `seed`."""
    leading = tf.concat([[n], self.batch_shape_tensor()], 0)
    inputs, mask = self._context(leading)
    outputs, state = self._network.run(self._network.embed(inputs), mask=mask)
    # With masking, the output at the last position is that of the last
    # prompt token that is not padding.
    logits = self._network.logits(outputs[:, -1], self._temperature,
                                  self.logit_bias)

    def next_logits(tokens, state):
      outputs, state = self._network.step(tokens, state)
      return self._network.logits(outputs, self._temperature,
                                  self.logit_bias), state

    tokens = sequence_sampler.draw_sequences(
        next_logits, logits, state, self._max_length, seed, self._end_token,
        self._padding_token)
    return tf.reshape(tokens, tf.concat([leading, [self._max_length]], 0))

  def _context(self, leading):
    """The network's inputs before the sequence, for `leading` rows.

    Returns:
      inputs: int32 `[prod(leading), 1 + P]`: `end_token`, then the prompt.
      mask: bool, same shape, `False` at padding in the prompt; `None`
        without a prompt.
    """
    num_rows = tf.reduce_prod(leading)
    start = tf.fill(tf.stack([num_rows, 1]), self._end_token)
    if self._prompt is None:
      return start, None
    prompt = tf.convert_to_tensor(self._prompt)
    prompt = tf.reshape(
        tf.broadcast_to(prompt, tf.concat([leading, tf.shape(prompt)[-1:]],
                                          0)),
        tf.stack([num_rows, -1]))
    inputs = tf.concat([start, prompt], axis=1)
    return inputs, tf.not_equal(inputs, self._padding_token)

  def _checked_tokens(self, value):
    tokens = tf.cast(tf.convert_to_tensor(value), tf.int32)
    shape = tokens.shape
    if shape.rank is not None and (
        shape.rank < 1 or not shape[-1:].is_compatible_with(
            [self._max_length])):
      raise ValueError('token sequences must have shape [..., {}], got '
                       '{}.'.format(self._max_length, shape.as_list()))
    if not self.validate_args:
      return tokens
    with tf.control_dependencies(_token_assertions(tokens,
                                                   self.vocabulary_size)):
      return tf.identity(tokens)

  def _parameter_control_dependencies(self, is_init):
    assertions = super()._parameter_control_dependencies(is_init)
    if self.validate_args and self._prompt is not None:
      assertions += _token_assertions(self._prompt, self.vocabulary_size)
    return assertions


def _token_assertions(tokens, vocabulary_size):
  return [tf.debugging.assert_non_negative(tokens),
          tf.debugging.assert_less(
              tokens, vocabulary_size,
              message='tokens must be smaller than `vocabulary_size`')]


def _check_network(network, architecture):
  built = dict(vocabulary_size=network.vocabulary_size, cell=network.cell,
               embedding_dim=network.embedding_dim, units=network.units,
               num_layers=network.num_layers, dtype=network.dtype)
  wanted = dict(architecture, dtype=tf.as_dtype(architecture['dtype']))
  if not isinstance(network, sequence_network.SequenceNetwork) or (
      built != wanted):
    raise ValueError('`network` ({}) was built with {}, not {}.'.format(
        type(network).__name__, _describe(built), _describe(wanted)))


def _describe(architecture):
  return ', '.join('{}={}'.format(key, getattr(value, 'name', value))
                   for key, value in sorted(architecture.items()))
