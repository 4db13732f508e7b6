"""The book's tokenizer: words and punctuation (or characters) to token ids."""

import collections
import json
import re
import string

import numpy as np

from tfp_pixel.text import errors

__all__ = ['LEVELS', 'SPECIAL_TOKENS', 'Tokenizer', 'iter_tokens',
           'split_text']

LEVELS = ('word', 'char')
# Tokens of a vocabulary when none is asked for, the special ones included.
DEFAULT_VOCABULARY_SIZE = 10000
# Token ids 0, 1 and 2, in the order of `SequenceRNN`'s defaults.
PADDING, UNKNOWN, END = '', '[UNK]', '[END]'
SPECIAL_TOKENS = (PADDING, UNKNOWN, END)

_FORMAT = 'tfp_pixel.text.Tokenizer'
_PUNCTUATION = re.compile('([{}])'.format(re.escape(string.punctuation)))
# A word-level token: a punctuation character, or a run of other
# non-whitespace characters (what `split_text` gives, one at a time).
_WORD_TOKEN = re.compile('[{0}]|[^\\s{0}]+'.format(
    re.escape(string.punctuation)))
_WHITESPACE = re.compile(r'\s+')
_NO_SPACE_BEFORE = re.compile(r' ([.,;:!?)\]}])')
_NO_SPACE_AFTER = re.compile(r'([(\[{]) ')
_APOSTROPHE = re.compile(r"(\w) ' (\w)")


class Tokenizer:
  """Maps texts to token ids and back, with a fixed vocabulary.

  Word level (as the book's `TextVectorization` after `pad_punctuation`
  [1]): lowercase, every punctuation character a token of its own, words
  split on whitespace. Character level: every character a token, case kept,
  whitespace runs made one space. Ids 0, 1 and 2 are padding, the unknown
  token (any token outside the vocabulary) and the end of a text; the others
  are the most frequent tokens of the texts the tokenizer was fitted on, most
  frequent first.

  #### References

  [1]: David Foster. Generative Deep Learning, 2nd edition, chapter 5.
       O'Reilly, 2023.
  """

  def __init__(self, vocabulary, level='word'):
    """Creates a tokenizer with a given vocabulary.

    Args:
      vocabulary: sequence of `str` tokens in id order, starting with
        `SPECIAL_TOKENS`.
      level: `'word'` or `'char'`.

    Raises:
      TextDataError: if the vocabulary does not start with the special
        tokens, repeats a token, or `level` is unknown.
    """
    vocabulary = [str(token) for token in vocabulary]
    if level not in LEVELS:
      raise errors.TextDataError('tokenizer level must be one of {}, got '
                                 '{!r}'.format(', '.join(LEVELS), level))
    if tuple(vocabulary[:len(SPECIAL_TOKENS)]) != SPECIAL_TOKENS:
      raise errors.TextDataError(
          'a vocabulary must start with the special tokens {!r}'.format(
              list(SPECIAL_TOKENS)))
    if len(set(vocabulary)) != len(vocabulary):
      raise errors.TextDataError('a vocabulary repeats a token')
    self.level = level
    self.vocabulary = vocabulary
    self._ids = {token: index for index, token in enumerate(vocabulary)}

  @classmethod
  def fit(cls, texts, vocabulary_size=DEFAULT_VOCABULARY_SIZE, level='word'):
    """A tokenizer of the `vocabulary_size - 3` most frequent tokens.

    Args:
      texts: iterable of `str` documents.
      vocabulary_size: Python `int`, tokens of the vocabulary, the three
        special ones included (at least 4).
      level: `'word'` or `'char'`.

    Returns:
      tokenizer: a `Tokenizer`; ties in frequency are broken alphabetically.

    Raises:
      TextDataError: if `vocabulary_size` is too small or the texts have no
        token.
    """
    if vocabulary_size < len(SPECIAL_TOKENS) + 1:
      raise errors.TextDataError(
          'the vocabulary needs at least {} tokens, got {}'.format(
              len(SPECIAL_TOKENS) + 1, vocabulary_size))
    counts = collections.Counter()
    for text in texts:
      counts.update(split_text(text, level))
    for token in SPECIAL_TOKENS:
      counts.pop(token, None)
    if not counts:
      raise errors.TextDataError('the texts have no token to build a '
                                 'vocabulary from')
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    words = [token for token, _ in
             ranked[:vocabulary_size - len(SPECIAL_TOKENS)]]
    return cls(list(SPECIAL_TOKENS) + words, level)

  @property
  def vocabulary_size(self):
    return len(self.vocabulary)

  @property
  def padding_token(self):
    return self._ids[PADDING]

  @property
  def unknown_token(self):
    return self._ids[UNKNOWN]

  @property
  def end_token(self):
    return self._ids[END]

  def split(self, text):
    """The tokens of `text` as `str`s (see the class docstring)."""
    return split_text(text, self.level)

  def encode(self, text):
    """Token ids of `text` (no end token), `list` of `int`."""
    unknown = self.unknown_token
    return [self._ids.get(token, unknown) for token in self.split(text)]

  def encode_array(self, text):
    """Token ids of `text` (no end token), int32 `np.ndarray`: `encode`
    without a Python object per token, for long texts."""
    ids, unknown = self._ids, self.unknown_token
    return np.fromiter((ids.get(token, unknown)
                        for token in iter_tokens(text, self.level)),
                       np.int32)

  def encode_prompt(self, text):
    """Token ids of a prompt, which must have a token of the vocabulary.

    Raises:
      TextDataError: if the prompt is empty or all its words are unknown.
    """
    ids = self.encode(text)
    if not ids:
      raise errors.TextDataError('the prompt is empty')
    if all(token == self.unknown_token for token in ids):
      raise errors.TextDataError(
          'no word of the prompt {!r} is in the vocabulary'.format(
              errors.one_line(text)))
    return ids

  def encode_batch(self, texts, max_length):
    """Texts as int32 `[len(texts), max_length]` model events.

    Each row is the text's tokens, its end token, then padding; a text of
    `max_length` tokens or more keeps its first `max_length` tokens (no end
    token: `SequenceRNN` then scores the prefix).
    """
    rows = np.full((len(texts), max_length), self.padding_token, np.int32)
    for row, text in zip(rows, texts):
      ids = (self.encode(text) + [self.end_token])[:max_length]
      row[:len(ids)] = ids
    return rows

  def decode(self, ids):
    """The text of token ids, up to the first end token; padding dropped."""
    tokens = []
    for index in np.asarray(ids).ravel().tolist():
      if index == self.end_token:
        break
      if index != self.padding_token:
        tokens.append(self.vocabulary[index])
    if self.level == 'char':
      return ''.join(tokens)
    text = ' '.join(tokens)
    text = _NO_SPACE_BEFORE.sub(r'\1', text)
    text = _NO_SPACE_AFTER.sub(r'\1', text)
    return _APOSTROPHE.sub(r"\1'\2", text)

  def to_json(self):
    return json.dumps({'format': _FORMAT, 'level': self.level,
                       'vocabulary': self.vocabulary}, ensure_ascii=False)

  def save(self, path):
    """Writes the tokenizer to a JSON file."""
    with open(path, 'w', encoding='utf-8') as f:
      f.write(self.to_json())

  @classmethod
  def load(cls, path):
    """Reads a tokenizer written by `save`.

    Raises:
      TextDataError: if the file cannot be read or is not a tokenizer.
    """
    try:
      with open(path, encoding='utf-8') as f:
        data = json.load(f)
      if not isinstance(data, dict) or data.get('format') != _FORMAT:
        raise ValueError('not a tokenizer file')
      return cls(data['vocabulary'], data['level'])
    except (OSError, ValueError, KeyError, TypeError) as e:
      raise errors.TextDataError('cannot read tokenizer {}: {}'.format(
          path, errors.one_line(e))) from e

  def __eq__(self, other):
    return (isinstance(other, Tokenizer) and self.level == other.level and
            self.vocabulary == other.vocabulary)

  def __repr__(self):
    return 'Tokenizer(level={!r}, vocabulary_size={})'.format(
        self.level, self.vocabulary_size)


def split_text(text, level='word'):
  """The tokens of `text` at `level` (see `Tokenizer`), `list` of `str`."""
  if level == 'char':
    return list(' '.join(text.split()))
  return _PUNCTUATION.sub(r' \1 ', text.lower()).split()


def iter_tokens(text, level='word'):
  """The tokens of `split_text(text, level)`, one at a time."""
  if level == 'char':
    return iter(_WHITESPACE.sub(' ', text).strip())
  return (match.group() for match in _WORD_TOKEN.finditer(text.lower()))
