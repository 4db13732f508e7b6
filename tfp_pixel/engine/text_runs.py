"""Using a trained text run: drawing texts and scoring text sources.

What `tfp-pixel text sample` and `tfp-pixel text score` run: the run's model
(best or last checkpoint) and its tokenizer, then `tfp_pixel.text.generation`
and `tfp_pixel.text.scoring`.
"""

import collections

from tfp_pixel.engine import runs
from tfp_pixel.engine import text_task
from tfp_pixel.families import text as text_family
from tfp_pixel.text import errors
from tfp_pixel.text import generation
from tfp_pixel.text import scoring
from tfp_pixel.text import sources

__all__ = ['TextScoreReport', 'load_text_model', 'sample_texts',
           'score_texts']

TextScoreReport = collections.namedtuple(
    'TextScoreReport', ['run_dir', 'scores', 'skipped', 'mean'])
TextScoreReport.__doc__ = """The result of `score_texts`.

Fields:
  run_dir: `str`, the run scored with.
  scores: `list` of `tfp_pixel.text.scoring.DocumentScore`, one per document
    (named `FILE[i]`, the `i`-th document of `FILE`, from 1).
  skipped: `list` of `(path, reason)` pairs of sources that could not be read.
  mean: the `DocumentScore` of all documents together, or `None`.
"""


def load_text_model(run=None, which='best'):
  """The trained distribution and the tokenizer of a text run.

  Args:
    run: a `runs.Run`, a run folder, or `None` for the latest run.
    which: `'best'` or `'last'` checkpoint.

  Returns:
    (dist, tokenizer): a `SequenceRNN` (with `allow_unknown=True`) and the
      run's `Tokenizer`.

  Raises:
    ValueError: one line, if the run is missing, is not a text run or has no
      checkpoint or tokenizer, or its tokenizer does not fit the model.
  """
  run = runs.open_run(run)
  if run.config['model'] != text_family.NAME:
    raise ValueError('{} is a run of the {} model, not a text run.'.format(
        run.path, run.config['model']))
  tokenizer = text_task.load_tokenizer(run.path,
                                      run.config['vocabulary_size'])
  return run.load_model(which), tokenizer


def sample_texts(run=None, prompt=None, num_samples=5, temperature=1.,
                 max_tokens=None, seed=0, which='best'):
  """Texts drawn from a text run, batch by batch (see
  `tfp_pixel.text.generation.draw_texts`).

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
    run: a `runs.Run`, a run folder, or `None` for the latest run.
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
  run = runs.open_run(run)
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
