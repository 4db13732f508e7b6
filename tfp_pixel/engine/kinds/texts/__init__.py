"""The texts kind: token sequences of a tokenizer stored in the run.

A model of texts (`tfp_pixel.SequenceRNN`) reads int32 token sequences
`[N, max_length]` that end with an end-of-text token and are padded after it;
its configurations have only the model's keys; its runs train on a text source
(`source`) with a tokenizer fitted on it and stored beside the configuration
(`runs`), write sample texts after each epoch (`task`), and are read by
`tfp-pixel text sample` and `text score` (`generation`, `scoring`), and
exported with their tokenizer as a SavedModel (`export`). Bits per
dimension are bits per token (the end token included, padding not).
"""

from tfp_pixel.text import tokenizer

NAME = 'texts'
EXAMPLES = 'texts'
DIMENSION = 'token'
COMMANDS = 'the tfp-pixel text commands'
EXTRA_DATA_KEYS = ()
FIXED_DATA_OPTIONS = ('vocabulary_size', 'level')

__all__ = ['COMMANDS', 'DIMENSION', 'EXAMPLES', 'EXTRA_DATA_KEYS',
           'FIXED_DATA_OPTIONS', 'NAME', 'data_config', 'data_defaults',
           'export_module', 'export_run_module', 'make_task',
           'prepare_training']


def data_defaults(stored):
  """The text data options' defaults."""
  del stored
  return dict(split='lines', text_field='text', level='word',
              validation_fraction=.1, seed=0,
              vocabulary_size=tokenizer.DEFAULT_VOCABULARY_SIZE)


def data_config(family, image_shape=None, num_levels=None, num_classes=None):
  """A text model's configuration has no data keys: it refuses image ones."""
  if (image_shape, num_levels, num_classes) != (None, None, None):
    raise ValueError('The {} model does not read images: it takes no '
                     'image_shape, num_levels or num_classes.'.format(
                         family.name))
  return {}


def make_task(config):
  """The `task.TextTask` of a text model."""
  from tfp_pixel.engine.kinds.texts import task  # pylint: disable=g-import-not-at-top
  return task.TextTask(config)


def prepare_training(run_dir, stored, options, model_options, batch_size):
  """Reads a text source for a run (`source.prepare_training`)."""
  from tfp_pixel.engine.kinds.texts import source  # pylint: disable=g-import-not-at-top
  return source.prepare_training(run_dir, stored, options, model_options,
                                 batch_size)


def export_run_module(run, which='best', **options):
  """The `exports.ExportModule` of a text run's model and tokenizer
  (`export.TextExport`)."""
  from tfp_pixel.engine.kinds.texts import export  # pylint: disable=g-import-not-at-top
  return export.run_module(run, which, **options)


def export_module(model, tokenizer=None, **options):
  """The `exports.ExportModule` of a live `tfp_pixel.SequenceRNN` and its
  `tokenizer`, or `None` for a model of another kind.

  Raises:
    ValueError: one line, for a `SequenceRNN` without `tokenizer`.
  """
  from tfp_pixel.engine.kinds.texts import export  # pylint: disable=g-import-not-at-top
  return export.model_module(model, tokenizer, **options)
