"""Reading a text source for a training run (`tfp-pixel text train`).

`prepare_training` reads the documents of a source (`tfp_pixel.text.sources`;
the offline Bible by default), fits the run's tokenizer on the training part
(a resumed run keeps its own, `tokenizer.json`, stored by the run's writer
beside its configuration), holds out a validation split and decides the
configuration.
"""

import os

from tfp_pixel.engine import configs
from tfp_pixel.engine import kinds
from tfp_pixel.engine import run_data
from tfp_pixel.engine.kinds import texts
from tfp_pixel.engine.kinds.texts import runs
from tfp_pixel.families import model_size
from tfp_pixel.families import registry
from tfp_pixel.text import corpus
from tfp_pixel.text import offline_corpus
from tfp_pixel.text import sources

__all__ = ['prepare_training']


def prepare_training(run_dir, stored, options, model_options, batch_size):
  """Reads a text source for a new or resumed run.

  Args:
    run_dir: the run folder (for messages and a resumed run's tokenizer),
      or `None`.
    stored: the configuration of the run being resumed, or `None`.
    options: `dict` of the data options (`run_data.settle`): `dataset`,
      `split`, `text_field`, `vocabulary_size` (tokens of a new run's
      tokenizer, fewer if the texts have fewer), `level` (`'word'` or
      `'char'`), `max_documents`, `validation_fraction`, `seed`.
    model_options: `dict` of the text model's hyper-parameters
      (`max_length`, `cell`, `embedding_dim`, `units`, `num_layers`, and
      `model`); when resuming, those given must be the stored ones. `None`:
      none given.
    batch_size: Python `int`, the global batch.

  Returns:
    prepared: a `kinds.TrainingData`; its `run_files` hold a new run's
      tokenizer, its `details` the `tokenizer`.

  Raises:
    ValueError: one line (a `TextDataError` for the texts), if the source,
      the options or the run do not fit.
    ModelTooLargeError: one line, before any text is read, if the model
      would need more memory than the bound at `batch_size`.
  """
  tokenizer = (None if stored is None else
               runs.load_tokenizer(run_dir, stored['vocabulary_size']))
  # With the largest vocabulary the run may have: checked before any text is
  # read.
  largest = _config(run_dir, model_options, stored,
                    tokenizer.vocabulary_size if tokenizer else
                    options['vocabulary_size'])
  model_size.check(largest, batch_size)
  documents = sources.read_documents(options['dataset'], options['split'],
                                     options['text_field'])
  documents = documents[:options['max_documents']]
  prepared = corpus.prepare_text_data(
      documents, largest['max_length'], options['vocabulary_size'],
      options['level'], options['validation_fraction'], options['seed'],
      tokenizer=tokenizer)
  config = _config(run_dir, model_options, stored,
                   prepared.tokenizer.vocabulary_size)
  return kinds.TrainingData(
      train=prepared.train,
      validation=prepared.validation if len(prepared.validation) else None,
      config=config, options=options, num_examples=len(documents),
      fingerprint=run_data.fingerprint(list(documents)),
      source_name=(offline_corpus.NAME
                   if options['dataset'] in (None, offline_corpus.NAME)
                   else os.fspath(options['dataset'])),
      run_files={} if stored else {
          runs.TOKENIZER_FILE: prepared.tokenizer.to_json()},
      details=dict(tokenizer=prepared.tokenizer))


def _config(run_dir, model_options, stored, vocabulary_size):
  """The run's configuration: a new one from `model_options`, or the stored
  one, which the options given must match."""
  options = dict(model_options or {})
  if stored is not None:
    return configs.resumed_config(run_dir, stored, options)
  model = options.pop('model', None) or registry.families_of_kind(
      texts.NAME)[0].name
  return configs.make_config(model, vocabulary_size=vocabulary_size,
                             **options)
