"""Training data of a text model: documents to tokenizer and event arrays."""

import collections

import numpy as np

from tfp_pixel.text import errors
from tfp_pixel.text import tokenizer as tokenizer_lib

__all__ = ['MAX_EVENT_TOKENS', 'TextData', 'prepare_text_data']

# The most tokens of the event arrays (documents x max_length): 1 GiB of
# int32.
MAX_EVENT_TOKENS = 2**28

TextData = collections.namedtuple('TextData',
                                  ['train', 'validation', 'tokenizer'])
TextData.__doc__ = """Events of a text model and their tokenizer.

Fields:
  train: int32 `[N, max_length]` events (see `Tokenizer.encode_batch`).
  validation: int32 `[M, max_length]` held-out events (`M` may be 0).
  tokenizer: the `Tokenizer`, fitted on the training documents only.
"""


def prepare_text_data(documents, max_length,
                      vocabulary_size=tokenizer_lib.DEFAULT_VOCABULARY_SIZE,
                      level='word', validation_fraction=.1, seed=0,
                      tokenizer=None):
  """Shuffles, splits and tokenizes documents.

  Args:
    documents: sequence of `str`.
    max_length: Python `int`, tokens per event.
    vocabulary_size: Python `int`, tokens of a new tokenizer.
    level: `'word'` or `'char'`, of a new tokenizer.
    validation_fraction: Python `float` in `[0, 1)`, documents held out.
    seed: Python `int`, of the shuffle.
    tokenizer: an existing `Tokenizer` (a resumed run's) instead of fitting
      one.

  Returns:
    data: `TextData`.

  Raises:
    TextDataError: if no document is left to train on, or the events would
      have more than `MAX_EVENT_TOKENS` tokens.
  """
  if len(documents) * max_length > MAX_EVENT_TOKENS:
    raise errors.TextDataError(
        '{} documents of {} tokens are {} tokens, more than the {} a text '
        'run may train on: use a smaller --max-length or '
        '--max-documents'.format(len(documents), max_length,
                                 len(documents) * max_length,
                                 MAX_EVENT_TOKENS))
  if not 0. <= validation_fraction < 1.:
    raise errors.TextDataError(
        'the validation fraction must be in [0, 1), got {}'.format(
            validation_fraction))
  order = np.random.RandomState(seed).permutation(len(documents))
  num_validation = int(len(documents) * validation_fraction)
  validation = [documents[i] for i in order[:num_validation]]
  train = [documents[i] for i in order[num_validation:]]
  if not train:
    raise errors.TextDataError('no document to train on')
  if tokenizer is None:
    tokenizer = tokenizer_lib.Tokenizer.fit(train, vocabulary_size, level)
  return TextData(tokenizer.encode_batch(train, max_length),
                  tokenizer.encode_batch(validation, max_length), tokenizer)
