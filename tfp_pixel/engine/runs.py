"""Run directories: everything a training run leaves on disk.

```none
RUN_DIR/
  config.json       the model configuration (`tfp_pixel.models`)
  checkpoints/      tf.train.CheckpointManager: the last few epochs, with the
                    optimizer state, the epoch counter and the best validation
  best/             the checkpoint of the best validation bits/dim so far
  logs/             TensorBoard summaries
  samples/          epoch-001.png, ... a grid of samples after every epoch
  metrics.jsonl     one JSON record per epoch
```

`tfp-pixel train` makes a new run under `runs/` in the working directory and
records it in `runs/latest`; every command reads the latest run unless it is
given one. Every file is written atomically (temporary file, then rename).
"""

import collections
import datetime
import json
import os

import tensorflow as tf

from tfp_pixel import files
from tfp_pixel import models

__all__ = [
    'RUNS_DIR',
    'RunPaths',
    'append_metrics',
    'load',
    'make_checkpoint',
    'new_run_dir',
    'read_config',
    'read_metrics',
    'record_latest',
    'resolve_run_dir',
    'restore_weights',
    'run_paths',
    'write_config',
]

RUNS_DIR = 'runs'
_LATEST = 'latest'

RunPaths = collections.namedtuple(
    'RunPaths', ['root', 'config', 'checkpoints', 'best', 'logs', 'samples',
                 'metrics'])


def run_paths(run_dir):
  """Returns the `RunPaths` of the files and folders inside `run_dir`."""
  root = os.fspath(run_dir)
  return RunPaths(
      root=root,
      config=os.path.join(root, 'config.json'),
      checkpoints=os.path.join(root, 'checkpoints'),
      best=os.path.join(root, 'best'),
      logs=os.path.join(root, 'logs'),
      samples=os.path.join(root, 'samples'),
      metrics=os.path.join(root, 'metrics.jsonl'))


def new_run_dir(runs_root=None):
  """Creates and returns a fresh `runs_root/run-YYYYmmdd-HHMMSS[-k]` folder.

  Args:
    runs_root: parent folder; defaults to `runs/` in the working directory.

  Returns:
    run_dir: `str` path of the new, empty folder.
  """
  runs_root = runs_root or RUNS_DIR
  os.makedirs(runs_root, exist_ok=True)
  stamp = datetime.datetime.now().strftime('run-%Y%m%d-%H%M%S')
  for k in range(1000):
    run_dir = os.path.join(runs_root, stamp if k == 0 else
                           '{}-{}'.format(stamp, k))
    try:
      os.mkdir(run_dir)
      return run_dir
    except FileExistsError:
      continue
  raise OSError('Could not create a new run folder in {}.'.format(runs_root))


def record_latest(run_dir, runs_root=None):
  """Records `run_dir` as the latest run, in `runs_root/latest`."""
  runs_root = runs_root or RUNS_DIR
  os.makedirs(runs_root, exist_ok=True)
  files.write_text(os.path.join(runs_root, _LATEST),
                   os.path.abspath(run_dir) + '\n')


def resolve_run_dir(run_dir=None, runs_root=None):
  """Returns `run_dir`, or the latest run when it is `None`.

  Args:
    run_dir: a run folder, or `None`.
    runs_root: folder holding `latest`; defaults to `runs/` in the working
      directory.

  Returns:
    run_dir: `str`, a folder holding a `config.json`.

  Raises:
    ValueError: if there is no such run.
  """
  if run_dir is None:
    latest = os.path.join(runs_root or RUNS_DIR, _LATEST)
    try:
      with open(latest, encoding='utf-8') as f:
        run_dir = f.read().strip()
    except OSError:
      raise ValueError(
          'No run given and no {} here: train one first or pass --run '
          'DIR.'.format(latest)) from None
  run_dir = os.fspath(run_dir)
  if not os.path.isfile(run_paths(run_dir).config):
    raise ValueError('{} is not a run directory (it has no config.json).'
                     .format(run_dir))
  return run_dir


def write_config(run_dir, config):
  """Writes the model configuration of `run_dir`."""
  os.makedirs(run_dir, exist_ok=True)
  files.write_json(run_paths(run_dir).config, config)


def read_config(run_dir):
  """Reads and checks the model configuration of `run_dir`.

  Raises:
    ValueError: if it is missing or invalid.
  """
  path = run_paths(run_dir).config
  try:
    with open(path, encoding='utf-8') as f:
      config = json.load(f)
  except (OSError, json.JSONDecodeError) as e:
    raise ValueError('Cannot read {}: {}'.format(path, e)) from None
  return models.make_config(**_as_make_config_args(config, path))


def append_metrics(run_dir, record):
  """Adds the metrics `record` (a `dict` with an `epoch`) to `run_dir`.

  A record of the same epoch (left by a run killed after writing it) is
  replaced. The file is rewritten atomically.
  """
  records = [r for r in read_metrics(run_dir)
             if r.get('epoch') != record['epoch']]
  records.append(record)
  text = ''.join(json.dumps(r, sort_keys=True) + '\n' for r in records)
  files.write_text(run_paths(run_dir).metrics, text)


def read_metrics(run_dir):
  """Returns the list of per-epoch metrics records of `run_dir`."""
  try:
    with open(run_paths(run_dir).metrics, encoding='utf-8') as f:
      return [json.loads(line) for line in f if line.strip()]
  except FileNotFoundError:
    return []


def make_checkpoint(dist, optimizer=None, **counters):
  """Returns a `tf.train.Checkpoint` of `dist`'s network (and training state).

  Args:
    dist: a distribution from `models.build_model`.
    optimizer: the optimizer whose state to save, or `None`.
    **counters: further trackables, such as the epoch counter variable.
  """
  state = dict(counters)
  if optimizer is not None:
    state['optimizer'] = optimizer
  return tf.train.Checkpoint(network=dist.network, **state)


def restore_weights(dist, run_dir, which='best'):
  """Restores `dist`'s weights from `run_dir`.

  Args:
    dist: a distribution built from the run's configuration.
    run_dir: the run folder.
    which: `'best'` (best validation, falling back to the last) or `'last'`.

  Returns:
    path: the checkpoint prefix restored.

  Raises:
    ValueError: if the run has no checkpoint.
  """
  paths = run_paths(run_dir)
  folders = [paths.best, paths.checkpoints] if which == 'best' else [
      paths.checkpoints]
  for folder in folders:
    prefix = tf.train.latest_checkpoint(folder)
    if prefix:
      make_checkpoint(dist).restore(prefix).expect_partial()
      return prefix
  raise ValueError('{} has no checkpoint yet.'.format(run_dir))


def load(run_dir=None, which='best'):
  """Returns the trained distribution of a run.

  Args:
    run_dir: the run folder; defaults to the latest run under `runs/`.
    which: `'best'` (best validation bits/dim) or `'last'` checkpoint.

  Returns:
    dist: `tfp_pixel.PixelCNN` or `tfp_pixel.CategoricalPixelCNN` with the
      trained weights; its events are quantized levels (see
      `tfp_pixel.models.images_to_events`).

  Raises:
    ValueError: if there is no such run or it has no checkpoint.
  """
  run_dir = resolve_run_dir(run_dir)
  dist = models.build_model(read_config(run_dir))
  restore_weights(dist, run_dir, which)
  return dist


def _as_make_config_args(config, path):
  if not isinstance(config, dict) or 'model' not in config:
    raise ValueError('{} is not a model configuration.'.format(path))
  return config
