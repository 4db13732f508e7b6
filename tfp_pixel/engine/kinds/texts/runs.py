"""A text run: its tokenizer, its trained model, and what the text commands
do with them.

A text run keeps its tokenizer in `tokenizer.json` beside `config.json`.
`tfp-pixel text sample` and `tfp-pixel text score` load the run's model (best
or last checkpoint) and its tokenizer, then draw texts (`generation`) or score
sources (`scoring`).
"""

import collections
import os

from tfp_pixel.engine import loading
from tfp_pixel.engine.kinds import texts
from tfp_pixel.engine.kinds.texts import generation
from tfp_pixel.engine.kinds.texts import scoring
from tfp_pixel.text import errors
from tfp_pixel.text import sources
from tfp_pixel.text import tokenizer as tokenizer_lib

__all__ = ['TOKENIZER_FILE', 'TextScoreReport', 'load_text_model',
           'load_tokenizer', 'sample_texts', 'score_texts', 'tokenizer_path']

TOKENIZER_FILE = 'tokenizer.json'

TextScoreReport = collections.namedtuple(
    'TextScoreReport', ['run_dir', 'scores', 'skipped', 'mean'])
TextScoreReport.__doc__ = """The result of `score_texts`.

Fields:
  run_dir: `str`, the run scored with.
  scores: `list` of `scoring.DocumentScore`, one per document (named
    `FILE[i]`, the `i`-th document of `FILE`, from 1).
  skipped: `list` of `(path, reason)` pairs of sources that could not be read.
  mean: the `DocumentScore` of all documents together, or `None`.
"""


def tokenizer_path(run_dir):
  """The tokenizer file of a text run."""
  return os.path.join(os.fspath(run_dir), TOKENIZER_FILE)


def load_tokenizer(run_dir, vocabulary_size=None):
  """The `Tokenizer` of a text run.

  Args:
    run_dir: the run folder.
    vocabulary_size: optional Python `int`, the vocabulary of the run's
      model, which the tokenizer's ids must fit in.

  Raises:
    TextDataError: one line, if it is missing, unreadable or has more tokens
      than `vocabulary_size`.
  """
  path = tokenizer_path(run_dir)
  tokenizer = tokenizer_lib.Tokenizer.load(path)
  if vocabulary_size is not None and (
      tokenizer.vocabulary_size > vocabulary_size):
    raise errors.TextDataError(
        '{} has {} tokens, more than the vocabulary of the run\'s model '
        '({}, its config.json\'s vocabulary_size): it is not the tokenizer '
        'of this run.'.format(path, tokenizer.vocabulary_size,
                              vocabulary_size))
  return tokenizer


def load_text_model(run=None, which='best'):
  """The trained distribution and the tokenizer of a text run.

  Args:
    run: a `loading.Run`, a run folder, or `None` for the latest run.
    which: `'best'` or `'last'` checkpoint.

  Returns:
    (dist, tokenizer): a `SequenceRNN` (with `allow_unknown=True`) and the
      run's `Tokenizer`.

  Raises:
    ValueError: one line, if the run is missing, is not a text run or has no
      checkpoint or tokenizer, or its tokenizer does not fit the model.
  """
  run = loading.open_run(run, kind=texts.NAME)
  tokenizer = load_tokenizer(run.path, run.config['vocabulary_size'])
  return run.load_model(which), tokenizer


def sample_texts(run=None, prompt=None, num_samples=5, temperature=1.,
                 max_tokens=None, seed=0, which='best'):
  """Texts drawn from a text run, batch by batch (see
  `tfp_pixel.engine.kinds.texts.generation.draw_texts`).

  Returns:
    texts: an iterator of `num_samples` `str`.

  Raises:
    ValueError: one line, for a bad run, prompt or argument, before any text
      is drawn.
  """
  dist, tokenizer = load_text_model(run, which)
  return generation.draw_texts(dist, tokenizer, prompt=prompt,
                               num_samples=num_samples,
                               temperature=temperature,
                               max_tokens=max_tokens, seed=seed)


def score_texts(paths, run=None, split='lines', text_field='text',
                which='best', batch_size=64):
  """Scores every document of text sources under a text run.

  A source that cannot be read (missing, binary, empty, ...) is skipped with
  its one-line reason; the others are scored.

  Args:
    paths: sequence of text sources (see `sources.read_documents`).
    run: a `loading.Run`, a run folder, or `None` for the latest run.
    split: how `.txt` files are cut into documents.
    text_field: the text field of JSON Lines records.
    which: `'best'` or `'last'` checkpoint.
    batch_size: Python `int`, documents per forward pass.

  Returns:
    report: a `TextScoreReport`.

  Raises:
    ValueError: one line, for a bad run, or more than
      `sources.MAX_DOCUMENTS` documents in all.
  """
  run = loading.open_run(run, kind=texts.NAME)
  dist, tokenizer = load_text_model(run, which)
  scores, skipped = [], []
  for path in paths:
    try:
      documents = sources.read_documents(path, split, text_field)
    except errors.TextDataError as error:
      skipped.append((str(path), str(error)))
      continue
    if len(scores) + len(documents) > sources.MAX_DOCUMENTS:
      raise errors.TextDataError(
          'more than {} documents to score up to {}: score fewer sources at '
          'a time'.format(sources.MAX_DOCUMENTS, path))
    # One source at a time: a command holds the texts of one source.
    scores.extend(scoring.score_documents(
        dist, tokenizer, documents,
        ['{}[{}]'.format(path, i + 1) for i in range(len(documents))],
        batch_size))
  return TextScoreReport(run.path, scores, skipped,
                         scoring.mean_score(scores) if scores else None)
