"""Exporting a model as a SavedModel that TensorFlow alone serves:
`tfp_pixel.export`.

A kind of data says how its models are served (its `export_module`, see
`tfp_pixel.engine.kinds`): an `ExportModule`, a `tf.Module` holding the
model's variables and one `tf.function` per signature, whose inputs and
outputs are plain tensors (uint8 images, int32 labels and seeds, strings).
The traced graphs hold only TensorFlow operations, so the SavedModel loads
with `tf.saved_model.load`, `saved_model_cli` and TensorFlow Serving where
neither this package nor TensorFlow Probability is installed.

The SavedModel is written to a temporary folder beside the target and
renamed into place: a reader sees the old export or the new one, never half
of one (on Linux the two folders are swapped in one `renameat2` call; where
that is missing, the old folder is renamed aside first and put back if the
new one cannot take its place).
"""

import ctypes
import json
import os
import shutil
import tempfile

import tensorflow as tf

from tfp_pixel import __version__
from tfp_pixel.engine import files
from tfp_pixel.engine import kinds
from tfp_pixel.engine import loading
from tfp_pixel.families import registry

__all__ = ['ExportModule', 'METADATA', 'check_target', 'count_checks',
           'export', 'export_run', 'read_metadata', 'save',
           'temperature_checks']

# Written beside the SavedModel (in `assets.extra/`, which loaders ignore):
# the package's version, the model's configuration and the signatures.
METADATA = os.path.join('assets.extra', 'tfp_pixel.json')

_TEMP_PREFIX = '.tmp-export-'
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class ExportModule(tf.Module):
  """What a SavedModel of the package holds: the model's variables and its
  signatures.

  A kind's module calls `__init__` with the variables the signatures read
  (every one of them must be tracked for the SavedModel to save) and
  implements `signatures`.
  """

  def __init__(self, variables, config, name=None):
    super().__init__(name=name)
    self._weights = list(variables)
    self._config = dict(config)

  def hold(self, **models):
    """Keeps the models the signatures call as attributes that the
    SavedModel does not track: it holds their variables (given to
    `__init__`) and the traced graphs, not the Keras layers around them,
    whose own call functions cannot always be saved."""
    for name, model in models.items():
      object.__setattr__(self, name, model)

  @property
  def config(self):
    """The model's configuration `dict` (written to `METADATA`)."""
    return self._config

  def signatures(self):
    """`dict` of signature name -> concrete function; `serving_default` is
    the one TensorFlow Serving runs when a request names none."""
    raise NotImplementedError


def export(model, directory, overwrite=False, which='best', **options):
  """Writes a SavedModel of a model that serves it without this package.

  Args:
    model: a run folder or `loading.Run` (its `which` checkpoint is
      exported), or a model of the package: an image distribution
      (`tfp_pixel.PixelCNN`, `CategoricalPixelCNN`, `PixelRNN`,
      `PixelSNAIL`), a `tfp_pixel.SequenceRNN` (with `tokenizer=`), a
      `TwoStageModel` or a `tfp_pixel.VQVAE`.
    directory: the SavedModel folder to write.
    overwrite: Python `bool`, whether to replace an existing, non-empty
      `directory` (atomically).
    which: `'best'` or `'last'` checkpoint of a run.
    **options: passed to the kind's `export_module` (e.g. `tokenizer` of a
      text model given as a distribution).

  Returns:
    directory: `str`, the SavedModel folder.

  Raises:
    ValueError: one line, if the run is missing or damaged, the model is not
      one of the package's, `directory` is a file, a symbolic link, or not
      empty without `overwrite`.
  """
  if isinstance(model, (str, os.PathLike, loading.Run)):
    return export_run(model, directory, overwrite, which, **options)
  check_target(directory, overwrite)
  for kind in _kinds():
    module = kind.export_module(model, **options)
    if module is not None:
      return save(module, directory, overwrite)
  raise ValueError('Cannot export a {}: give a model of tfp_pixel or a run '
                   'folder.'.format(type(model).__name__))


def export_run(run, directory, overwrite=False, which='best', **options):
  """`export` of a run (a folder, `None` for the latest, or a `Run`); the
  target is checked before the run's model is loaded."""
  check_target(directory, overwrite)
  run = loading.open_run(run)
  kind = kinds.kind_of(run.config)
  return save(kind.export_run_module(run, which, **options), directory,
              overwrite)


def check_target(directory, overwrite):
  """Refuses, in one line, a target that is a symbolic link or a file, or
  a non-empty folder without `overwrite`."""
  directory = os.fspath(directory)
  if os.path.islink(directory):
    raise ValueError('{} is a symbolic link: export to a real folder.'.format(
        directory))
  if os.path.exists(directory):
    if not os.path.isdir(directory):
      raise ValueError('{} is a file, not a folder.'.format(directory))
    if os.listdir(directory) and not overwrite:
      raise ValueError('{} is not empty: pass --overwrite (overwrite=True) to '
                       'replace it.'.format(directory))


def save(module, directory, overwrite=False):
  """Saves an `ExportModule` to `directory`, replacing it atomically.

  Returns:
    directory: `str`.

  Raises:
    ValueError: as `check_target`.
  """
  directory = os.path.abspath(os.fspath(directory))
  check_target(directory, overwrite)
  parent = os.path.dirname(directory)
  os.makedirs(parent, exist_ok=True)
  staging = tempfile.mkdtemp(prefix=_TEMP_PREFIX, dir=parent)
  try:
    signatures = module.signatures()
    tf.saved_model.save(module, staging, signatures=signatures)
    os.makedirs(os.path.join(staging, os.path.dirname(METADATA)),
                exist_ok=True)
    files.write_json(os.path.join(staging, METADATA),
                     {'tfp_pixel': __version__, 'config': module.config,
                      'signatures': sorted(signatures)})
    # mkdtemp's folder is the owner's alone; an export is read by others.
    os.chmod(staging, 0o777 & ~files.umask())
    _replace(staging, directory)
  finally:
    # The new export failed, or this holds the old one now.
    shutil.rmtree(staging, ignore_errors=True)
  return directory


def count_checks(count, most, what='images'):
  """The run-time checks of how many `what` (an int32 scalar `Tensor`) a
  signature's call takes or draws: one or more (TensorFlow's CPU
  convolutions fail obscurely on an empty batch), and at most `most`."""
  return [tf.debugging.assert_positive(
              count, message='give at least one of the {}'.format(what)),
          tf.debugging.assert_less_equal(
              count, most, message='at most {} {} per call: split the '
              'request'.format(most, what))]


def temperature_checks(temperature):
  """The run-time checks of a signature's `temperature` (a float32 scalar
  `Tensor`): positive and finite, else `InvalidArgumentError`."""
  return [tf.debugging.assert_positive(
              temperature, message='`temperature` must be positive'),
          tf.debugging.assert_equal(
              tf.math.is_finite(temperature), True,
              message='`temperature` must be finite')]


def read_metadata(directory):
  """The `METADATA` of an export: `dict` with `tfp_pixel` (the version that
  wrote it), `config` and `signatures` (sorted names)."""
  with open(os.path.join(directory, METADATA), encoding='utf-8') as f:
    return json.load(f)


def _replace(staging, directory):
  """Puts the folder `staging` at `directory`; the old folder there (if
  any) ends at `staging`, for the caller to remove."""
  if not os.path.lexists(directory):
    os.rename(staging, directory)
    return
  if _exchange(staging, directory):
    return
  aside = tempfile.mkdtemp(prefix=_TEMP_PREFIX, dir=os.path.dirname(directory))
  os.rmdir(aside)
  os.rename(directory, aside)
  try:
    os.rename(staging, directory)
  except OSError:
    os.rename(aside, directory)
    raise
  os.rename(aside, staging)


def _exchange(first, second):
  """Swaps two paths in one step (Linux `renameat2`); `False` where that is
  not available."""
  try:
    renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
  except (AttributeError, OSError):
    return False
  result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD,
                     os.fsencode(second), _RENAME_EXCHANGE)
  return result == 0


def _kinds():
  """The kinds of data of the registered families, by name."""
  names = sorted({family.kind for family in registry.families()})
  return [kinds.kind_named(name) for name in names]
