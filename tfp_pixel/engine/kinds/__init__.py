"""Kinds of data: everything the engine knows of the data a model models.

A model family names its kind once (`ModelFamily.kind`); the kind is the
sub-package of this package of that name, and the engine asks it, never the
family, whatever depends on the data. Adding a kind of data is adding a
sub-package; the training loop, the run folder and the registry stay as they
are. Today: `images` (8-bit images quantized to levels, optionally with class
labels, or the code grids of a VQ-VAE), `texts` (token sequences of a
tokenizer stored in the run) and `autoencoder` (8-bit images encoded to
codes by a VQ-VAE, which is not a distribution over them).

A kind's package imports no TensorFlow and has:

```none
NAME               its name, as families give it.
EXAMPLES           what one example is called in messages and in each
                   epoch's metrics record: 'images', 'texts'.
DIMENSION          what one dimension is called: bits per DIMENSION
                   ('dim' of an image, 'token' of a text).
COMMANDS           the commands that read its runs, for messages.
FIXED_DATA_OPTIONS the data options a resumed run never changes.
EXTRA_DATA_KEYS    the configuration keys of the data beyond the three
                   below, which `data_config` also takes (images:
                   `code_prior`, a prior over the codes of a VQ-VAE;
                   `background`, a background model).
data_defaults(stored)
                   the data options' defaults (`run_data.settle`); `stored`
                   is the configuration of a run being resumed, or `None`.
data_config(family, image_shape, num_levels, num_classes, **extra)
                   the keys of a configuration that describe the data (one
                   line of `ValueError` for keys the kind does not take).
make_task(config)  the task of a model: how the training loop feeds and
                   measures it (see `tfp_pixel.engine.training`).
prepare_training(run_dir, stored, options, model_options, batch_size)
                   reads a source for training: a `TrainingData`.
export_run_module(run, which, **options)
                   the `exports.ExportModule` serving a run's model
                   (`tfp_pixel.export`).
export_module(model, **options)
                   the same of a live model, or `None` when `model` is not
                   one of the kind's.
```
"""

import collections
import importlib

__all__ = ['TrainingData', 'check_kind', 'kind_named', 'kind_of']

TrainingData = collections.namedtuple(
    'TrainingData', ['train', 'validation', 'config', 'options',
                     'num_examples', 'fingerprint', 'source_name',
                     'run_files', 'details'])
TrainingData.__doc__ = """The data a kind read for a training run, and the
run's configuration.

Fields:
  train: the training data, as `training.train` takes them.
  validation: the validation data, or `None`.
  config: the run's complete configuration.
  options: `dict`, every data option as loaded (recorded in `data.json`).
  num_examples: Python `int`, examples read (training and validation).
  fingerprint: `str`, of what was read (`run_data.fingerprint`).
  source_name: `str`, a short name of the source.
  run_files: `dict` of file name -> text that a new run stores beside its
    configuration (a text run's tokenizer).
  details: `dict` of what the kind's command says of the data.
"""


def kind_named(name):
  """The kind of data called `name` (its package).

  Raises:
    ValueError: one line, if there is no such kind.
  """
  try:
    return importlib.import_module('{}.{}'.format(__name__, name))
  except ModuleNotFoundError as error:
    if error.name != '{}.{}'.format(__name__, name):
      raise
    raise ValueError('No kind of data is called {!r}.'.format(name)) from None


def kind_of(config):
  """The kind of data of the model a configuration describes."""
  from tfp_pixel.families import registry  # pylint: disable=g-import-not-at-top
  return kind_named(registry.family(config['model']).kind)


def check_kind(run_dir, config, kind):
  """Refuses, in one line, a run whose model is of another kind than
  `kind` (the commands of one kind cannot read another's runs)."""
  own = kind_of(config)
  if own is not kind:
    raise ValueError('{} is a run of the {} model, a model of {}, not of {} '
                     '({} read it).'.format(run_dir, config['model'],
                                            own.NAME, kind.NAME,
                                            own.COMMANDS))
