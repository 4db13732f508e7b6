"""The SavedModel of a text model: what `tfp_pixel.export` writes for it.

The model (`tfp_pixel.SequenceRNN`) and its tokenizer are served together:
texts go in and out as strings, tokenized in the graph exactly as
`tfp_pixel.text.Tokenizer` does (`encode` and `decode`, at its level).

Signatures:

```none
log_prob            texts string [N]
  (serving_default) -> log_prob float32 [N]: of each text and its end token,
                       in nats, whole however long (what `tfp-pixel text
                       score` reports as its NLL, negated; `dist.log_prob`
                       of the ids of a text that fits `max_length`);
                     bits_per_token float32 [N]: -log_prob / (num_tokens
                       ln 2), the training runs' bits per token;
                     num_tokens int32 [N]: the text's tokens, its end token
                       included (unknown words count; a model without
                       `allow_unknown`, unlike a run's, gives a text with
                       one a log_prob of -inf).
sample              num_samples int32 [], seed int32 [2], temperature
                     float32 [], prompt string [] ('' for none)
                     -> texts string [num_samples]: the prompt as tokenized,
                       then up to `max_length` drawn tokens, decoded.
```

`sample` draws what `tfp-pixel text sample` draws (`generation.generate`
with the stateless `seed`, in one batch): `dist.copy(temperature=
temperature, prompt=ids, allow_unknown=False).sample(num_samples,
seed=seed)` after the prompt's ids, decoded with them. A prompt whose words
are all unknown is refused; one with no token at all (`''`, spaces) is no
prompt, where `text sample` refuses it.

The vocabulary is an asset of the SavedModel, `assets/vocabulary.txt`: line
`i` is token `i` written as `':'` and the web-safe, unpadded base64 of its
UTF-8 (`tf.io.encode_base64`), so that every token (the empty padding token,
a space or a newline of a character vocabulary) is one non-empty line.

Texts must be UTF-8; the word level's lowercasing is TensorFlow's (ICU's),
which agrees with Python's `str.lower` but for characters newer than its
Unicode tables.

Each call holds at most `MAX_VALUES` values: `log_prob` takes at most
`MAX_VALUES` bytes of text, `MAX_VALUES` tokens padded to the longest text
and `MAX_VALUES // per_position` texts (the activations and logits of one
position), and runs the network over them a chunk of positions at a time;
`sample` draws at most `MAX_VALUES // per_text` texts (what
`generation.draw_texts` counts for one text). A larger request fails with
`InvalidArgumentError`; split it.
"""

import base64
import functools
import math
import os
import shutil
import string
import tempfile
import weakref

import tensorflow as tf
import tensorflow_probability as tfp

from tfp_pixel.distributions import sequence_rnn
from tfp_pixel.engine import exports
from tfp_pixel.engine.kinds.texts import generation
from tfp_pixel.engine.kinds.texts import runs
from tfp_pixel.text import tokenizer as tokenizer_lib

tfd = tfp.distributions

__all__ = ['MAX_VALUES', 'TextExport', 'VOCABULARY_FILE', 'model_config',
           'model_module', 'run_module']

# Values one call holds: one batch of `tfp-pixel text sample`.
MAX_VALUES = generation.MAX_BATCH_ELEMENTS
VOCABULARY_FILE = 'vocabulary.txt'

_LINE_PREFIX = ':'


class TextExport(exports.ExportModule):
  """The `exports.ExportModule` of a `SequenceRNN` and its tokenizer (see the
  module's docstring for the signatures)."""

  def __init__(self, dist, tokenizer, config):
    """Wraps a text model and the tokenizer of its ids.

    Args:
      dist: a `tfp_pixel.SequenceRNN` without a prompt.
      tokenizer: its `tfp_pixel.text.Tokenizer`.
      config: `dict`, the model's configuration (a run's, or
        `model_config(dist)`).

    Raises:
      ValueError: one line, if `dist` has a prompt or the tokenizer does not
        fit it.
    """
    _check_pair(dist, tokenizer)
    super().__init__(dist.variables, dict(config, tokenizer={
        'level': tokenizer.level,
        'vocabulary_size': tokenizer.vocabulary_size}))
    self.hold(_dist=dist)
    self._level = tokenizer.level
    self._unknown = tokenizer.unknown_token
    self._end = tokenizer.end_token
    self._padding = tokenizer.padding_token
    folder = tempfile.mkdtemp(prefix='tfp-pixel-vocabulary-')
    # The asset is copied into the SavedModel when it is saved.
    weakref.finalize(self, shutil.rmtree, folder, True)
    path = os.path.join(folder, VOCABULARY_FILE)
    with open(path, 'w', encoding='ascii', newline='\n') as f:
      f.write(''.join(_vocabulary_line(token) + '\n'
                      for token in tokenizer.vocabulary))
    self.vocabulary = tf.saved_model.Asset(path)
    # Anonymous tables: a table named after its file would be shared with
    # an earlier one of the process whose asset had the same Python id.
    line = tf.lookup.TextFileIndex.WHOLE_LINE
    number = tf.lookup.TextFileIndex.LINE_NUMBER
    self._ids = tf.lookup.StaticHashTable(
        tf.lookup.TextFileInitializer(self.vocabulary, tf.string, line,
                                      tf.int64, number),
        default_value=self._unknown, experimental_is_anonymous=True)
    self._tokens = tf.lookup.StaticHashTable(
        tf.lookup.TextFileInitializer(self.vocabulary, tf.int64, number,
                                      tf.string, line),
        default_value=_LINE_PREFIX, experimental_is_anonymous=True)
    network = dist.network
    self._per_position = (network.vocabulary_size + network.embedding_dim +
                          6 * network.units * network.num_layers)
    self._whitespace, self._word = _python_classes()
    scalar = lambda dtype, name: tf.TensorSpec([], dtype, name=name)
    self.log_prob = tf.function(
        self._log_prob, autograph=False,
        input_signature=[tf.TensorSpec([None], tf.string, name='texts')])
    self.sample = tf.function(
        self._sample, autograph=False,
        input_signature=[scalar(tf.int32, 'num_samples'),
                         tf.TensorSpec([2], tf.int32, name='seed'),
                         scalar(tf.float32, 'temperature'),
                         scalar(tf.string, 'prompt')])

  def signatures(self):
    return {name: function.get_concrete_function() for name, function in
            {'serving_default': self.log_prob, 'log_prob': self.log_prob,
             'sample': self.sample}.items()}

  def _log_prob(self, texts):
    num_texts = tf.shape(texts)[0]
    texts = self._checked_texts(texts, [tf.debugging.assert_less_equal(
        num_texts, max(1, MAX_VALUES // self._per_position),
        message='at most {} texts per call (MAX_VALUES = {} values): split '
        'the request'.format(max(1, MAX_VALUES // self._per_position),
                             MAX_VALUES))])
    ids = self.encode(texts)
    ends = tf.fill(tf.stack([num_texts, 1]), self._end)
    ids = tf.concat([ids, tf.RaggedTensor.from_tensor(ends)], axis=1)
    num_tokens = tf.cast(ids.row_lengths(), tf.int32)
    longest = tf.reduce_max(tf.concat([num_tokens, [0]], 0))
    with tf.control_dependencies([tf.debugging.assert_less_equal(
        tf.cast(num_texts, tf.int64) * tf.cast(longest, tf.int64),
        tf.constant(MAX_VALUES, tf.int64),
        message='more than {} tokens padded to the longest text (MAX_VALUES):'
        ' split the request'.format(MAX_VALUES))]):
      rows = ids.to_tensor(default_value=self._padding)
    log_prob = self._log_prob_of_rows(rows)
    return {'log_prob': log_prob,
            'bits_per_token': -log_prob / (
                tf.cast(num_tokens, log_prob.dtype) * math.log(2.)),
            'num_tokens': num_tokens}

  def _log_prob_of_rows(self, rows):
    """`log p` of int32 `[N, L]` rows (tokens, end, padding), the network
    run over a chunk of positions at a time (carrying its state) so that a
    chunk's logits stay within `MAX_VALUES`."""
    dist, network = self._dist, self._dist.network
    num_texts, length = tf.shape(rows)[0], tf.shape(rows)[1]
    inputs = tf.concat([tf.fill(tf.stack([num_texts, 1]), self._end),
                        rows[:, :-1]], axis=1)
    scored = tf.equal(tf.math.cumsum(
        tf.cast(tf.equal(rows, self._end), tf.int32), axis=1,
        exclusive=True), 0)
    chunk = tf.maximum(1, MAX_VALUES // tf.maximum(
        1, num_texts * self._per_position))

    def run_chunk(start, state, total):
      stop = start + chunk
      outputs, state = network.run(network.embed(inputs[:, start:stop]),
                                   state)
      logits = network.logits(outputs, dist.temperature, dist.logit_bias)
      log_probs = tfd.Categorical(logits=logits).log_prob(rows[:, start:stop])
      log_probs = tf.where(scored[:, start:stop], log_probs,
                           tf.zeros_like(log_probs))
      return stop, state, total + tf.reduce_sum(log_probs, axis=-1)

    _, _, total = tf.while_loop(
        lambda start, state, total: start < length, run_chunk,
        (tf.constant(0), network.zero_state(num_texts),
         tf.zeros([num_texts], dist.float_dtype)))
    return tf.cast(total, tf.float32)

  def _sample(self, num_samples, seed, temperature, prompt):
    prompt = self._checked_texts(prompt[tf.newaxis], [])
    prompt_ids = self.encode(prompt).flat_values
    per_text = generation.values_per_text(
        self._dist.network, tf.size(prompt_ids), self._dist.max_length)
    checks = [
        tf.debugging.assert_non_negative(num_samples,
                                         message='a negative count'),
        tf.debugging.assert_less_equal(
            num_samples, MAX_VALUES // per_text,
            message='more texts than MAX_VALUES = {} values hold (a text '
            'holds its prompt\'s outputs, its tokens and a step\'s '
            'logits): split the request'.format(MAX_VALUES)),
        *exports.temperature_checks(temperature),
        tf.debugging.assert_equal(
            tf.logical_or(tf.equal(tf.size(prompt_ids), 0), tf.reduce_any(
                tf.not_equal(prompt_ids, self._unknown))), True,
            message='no word of the prompt is in the vocabulary')]
    with tf.control_dependencies(checks):
      num_samples = tf.identity(num_samples)

    def draw(prompt):
      sampler = self._dist.copy(temperature=temperature, prompt=prompt,
                                allow_unknown=False)
      return tf.cast(sampler.sample(num_samples, seed=seed), tf.int32)

    drawn = tf.cond(tf.size(prompt_ids) > 0, lambda: draw(prompt_ids),
                    lambda: draw(None))
    prefix = tf.tile(prompt_ids[tf.newaxis], tf.stack([num_samples, 1]))
    return {'texts': self.decode(tf.concat([prefix, drawn], axis=1))}

  def encode(self, texts):
    """Int32 ids `[N, None]` (ragged, no end token) of string `texts` `[N]`:
    `Tokenizer.encode` of each."""
    tokens = self.split(texts)
    keys = _LINE_PREFIX + tf.io.encode_base64(tokens.flat_values)
    return tokens.with_flat_values(
        tf.cast(self._ids.lookup(keys), tf.int32))

  def split(self, texts):
    """String tokens `[N, None]` (ragged) of `texts`: `Tokenizer.split`."""
    spaced = tf.strings.regex_replace(texts, self._whitespace + '+', ' ')
    if self._level == 'char':
      stripped = tf.strings.regex_replace(spaced, '^ | $', '')
      return tf.strings.unicode_split(stripped, 'UTF-8')
    lowered = _lower(spaced)
    punctuation = '([{}])'.format(''.join(
        _re2_escape(ord(char)) for char in string.punctuation))
    spaced = tf.strings.regex_replace(lowered, punctuation, r' \1 ')
    return tf.strings.split(spaced)

  def decode(self, ids):
    """Strings `[N]` of int32 ids `[N, T]`: `Tokenizer.decode` of each row
    (up to its first end token, padding dropped)."""
    ended = tf.math.cumsum(tf.cast(tf.equal(ids, self._end), tf.int32),
                           axis=1) > 0
    kept = tf.ragged.boolean_mask(ids, tf.logical_and(
        tf.logical_not(ended), tf.not_equal(ids, self._padding)))
    lines = self._tokens.lookup(tf.cast(kept.flat_values, tf.int64))
    length = tf.strings.length(lines)
    tokens = kept.with_flat_values(tf.io.decode_base64(tf.strings.substr(
        lines, tf.fill(tf.shape(length), len(_LINE_PREFIX)),
        length - len(_LINE_PREFIX))))
    if self._level == 'char':
      return tf.strings.reduce_join(tokens, axis=-1)
    text = tf.strings.reduce_join(tokens, axis=-1, separator=' ')
    text = tf.strings.regex_replace(text, r' ([.,;:!?)\]}])', r'\1')
    text = tf.strings.regex_replace(text, r'([(\[{]) ', r'\1')
    return tf.strings.regex_replace(
        text, "({0}) ' ({0})".format(self._word), r"\1'\2")

  def _checked_texts(self, texts, checks):
    """`texts` once `checks` pass, they are UTF-8 and hold at most
    `MAX_VALUES` bytes."""
    checks = checks + [
        tf.debugging.assert_less_equal(
            tf.reduce_sum(tf.cast(tf.strings.length(texts), tf.int64)),
            tf.constant(MAX_VALUES, tf.int64),
            message='more than {} bytes of text (MAX_VALUES): split the '
            'request'.format(MAX_VALUES)),
        tf.debugging.assert_equal(
            tf.reduce_all(tf.equal(tf.strings.unicode_transcode(
                texts, 'UTF-8', 'UTF-8', errors='replace'), texts)), True,
            message='texts must be UTF-8')]
    with tf.control_dependencies(checks):
      return tf.identity(texts)


def run_module(run, which='best', tokenizer=None):
  """The `TextExport` of a run's `which` checkpoint, with the run's
  tokenizer (or `tokenizer`).

  Raises:
    ValueError: one line, if the run has no intact checkpoint or tokenizer,
      or its tokenizer does not fit its model.
  """
  dist, stored = runs.load_text_model(run, which)
  return TextExport(dist, tokenizer or stored, run.config)


def model_module(model, tokenizer=None, **options):
  """The `TextExport` of a live `SequenceRNN` and its tokenizer, or `None`
  for another model (whatever `options`, which are another kind's).

  Raises:
    ValueError: one line, if `model` is a `SequenceRNN` and `tokenizer` is
      missing or does not fit it, `model` has a prompt, or `options` are
      given.
  """
  if not isinstance(model, sequence_rnn.SequenceRNN):
    return None
  if options:
    raise ValueError('A SequenceRNN is exported with tokenizer= alone, not '
                     '{}.'.format(', '.join(sorted(options))))
  if tokenizer is None:
    raise ValueError('A SequenceRNN is exported with its tokenizer: pass '
                     'tokenizer= (a tfp_pixel.text.Tokenizer), or export its '
                     'run.')
  return TextExport(model, tokenizer, model_config(model))


def model_config(dist):
  """The configuration of a live `SequenceRNN` (as a run's)."""
  from tfp_pixel.families import text  # pylint: disable=g-import-not-at-top
  network = dist.network
  return dict(model=text.FAMILY.name, vocabulary_size=network.vocabulary_size,
              max_length=dist.max_length, cell=network.cell,
              embedding_dim=network.embedding_dim, units=network.units,
              num_layers=network.num_layers)


def _check_pair(dist, tokenizer):
  """Refuses, in one line, a model with a prompt or a tokenizer whose ids
  are not the model's."""
  if dist.prompt is not None:
    raise ValueError('Cannot export a SequenceRNN with a prompt: export the '
                     'model without one (the sample signature takes a '
                     'prompt).')
  if not isinstance(tokenizer, tokenizer_lib.Tokenizer):
    raise ValueError('tokenizer= must be a tfp_pixel.text.Tokenizer, got a '
                     '{}.'.format(type(tokenizer).__name__))
  special = (tokenizer.padding_token, tokenizer.unknown_token,
             tokenizer.end_token)
  if (tokenizer.vocabulary_size > dist.vocabulary_size or special != (
      dist.padding_token, dist.unknown_token, dist.end_token)):
    raise ValueError(
        'The tokenizer ({} tokens) is not that of the model ({} tokens, '
        'padding, unknown and end tokens {}, {} and {}).'.format(
            tokenizer.vocabulary_size, dist.vocabulary_size,
            dist.padding_token, dist.unknown_token, dist.end_token))


def _vocabulary_line(token):
  """A token as a line of `VOCABULARY_FILE` (no newline)."""
  encoded = base64.urlsafe_b64encode(token.encode('utf-8')).decode('ascii')
  return _LINE_PREFIX + encoded.rstrip('=')


def _lower(texts):
  """`str.lower` of UTF-8 `texts`: TensorFlow's lowercasing, which ends a
  string at its first NUL, of the pieces between NULs."""
  pieces = tf.strings.split(texts, sep='\0')
  lowered = tf.ragged.map_flat_values(
      lambda piece: tf.strings.lower(piece, encoding='utf-8') + '\0', pieces)
  joined = tf.strings.reduce_join(lowered, axis=-1)
  length = tf.strings.length(joined)
  return tf.strings.substr(joined, tf.zeros_like(length), length - 1)


@functools.lru_cache(maxsize=None)
def _python_classes():
  """RE2 classes of the characters Python's `re` calls `\\s` (`str.split`'s
  whitespace) and `\\w`, which are Unicode-wide where RE2's are ASCII."""
  whitespace, word = [], []
  for code in range(0x110000):
    if 0xD800 <= code < 0xE000:
      continue
    char = chr(code)
    if char.isspace():
      whitespace.append(code)
    if char.isalnum() or char == '_':
      word.append(code)
  return _re2_class(whitespace), _re2_class(word)


def _re2_class(codes):
  """An RE2 character class of sorted code points."""
  ranges = []
  for code in codes:
    if ranges and ranges[-1][1] == code - 1:
      ranges[-1][1] = code
    else:
      ranges.append([code, code])
  return '[{}]'.format(''.join(
      _re2_escape(first) if first == last else
      '{}-{}'.format(_re2_escape(first), _re2_escape(last))
      for first, last in ranges))


def _re2_escape(code):
  return '\\x{{{:X}}}'.format(code)
