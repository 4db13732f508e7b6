"""Run directories: everything a training run leaves on disk.

```none
RUN_DIR/
  config.json       the model configuration (`tfp_pixel.engine.configs`)
  data.json         the data it trains on (`tfp_pixel.engine.run_data`)
  checkpoints/      tf.train.CheckpointManager: the last few epochs, with the
                    optimizer state, the epoch counter and the best validation
  best/             the checkpoint of the best validation bits/dim so far
  logs/             TensorBoard summaries
  samples/          epoch-001.png, ... a grid of samples after every epoch
                    (text runs: epoch-001.txt, ... one text per line)
  metrics.jsonl     one JSON record per epoch
  tokenizer.json    text runs: the tokenizer (`tfp_pixel.text.Tokenizer`)
  train.lock        locked (`flock`) by the process training the run; holds
                    its process id (`run_lock`)
```

`tfp-pixel train` makes a new run under `runs/` in the working directory and
records it in `runs/latest`; every command reads the latest run unless it is
given one (`resolve_run_dir`). Every file is written
atomically (temporary file, then rename), so that commands can read a run while
it trains; one process trains a run at a time (`run_lock`), and of a
multi-worker run only the chief writes (`cluster`). Nothing is written
through a symbolic link: a run holding one is refused (`check_no_links`).
"""

import collections
import datetime
import glob
import json
import os
import re
import shutil


from tfp_pixel import interface
from tfp_pixel.engine import configs
from tfp_pixel.engine import errors
from tfp_pixel.engine import files

__all__ = [
    'RUNS_DIR',
    'RunPaths',
    'append_metrics',
    'archive_for_restart',
    'check_no_links',
    'epochs_done',
    'has_checkpoint',
    'new_run_dir',
    'read_config',
    'read_metrics',
    'record_latest',
    'remove_leftovers',
    'resolve_run_dir',
    'run_paths',
    'stored_config',
    'write_config',
]

RUNS_DIR = 'runs'
_LATEST = 'latest'

RunPaths = collections.namedtuple(
    'RunPaths', ['root', 'config', 'checkpoints', 'best', 'logs', 'samples',
                 'metrics', 'data'])
# TensorFlow's folder of a checkpoint being written (`ckpt-7_temp/`).
_CHECKPOINT_TEMP = re.compile(r'^ckpt-\d+_temp')


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
      metrics=os.path.join(root, 'metrics.jsonl'),
      data=os.path.join(root, 'data.json'))


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
          'No run given and no {} here: train one first or pass {}.'.format(
              latest, interface.argument('run_dir'))) from None
  run_dir = os.fspath(run_dir)
  if not os.path.isfile(run_paths(run_dir).config):
    raise ValueError('{} is not a run directory (it has no config.json).'
                     .format(run_dir))
  return run_dir


def write_config(run_dir, config):
  """Writes the model configuration of `run_dir`."""
  os.makedirs(run_dir, exist_ok=True)
  files.write_json(run_paths(run_dir).config, config)


def stored_config(run_dir):
  """The configuration of the run in `run_dir` when it is resumed, or
  `None` for a new run (`run_dir` is `None` or holds no configuration yet).
  This is where the engine asks whether a run resumes.

  Raises:
    ValueError: if its configuration is invalid.
  """
  if run_dir is None or not os.path.isfile(run_paths(run_dir).config):
    return None
  return read_config(run_dir)


def epochs_done(run_dir):
  """The last epoch of the run's metrics, 0 for none."""
  return max([record['epoch'] for record in read_metrics(run_dir)],
             default=0)


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
  try:
    return configs.complete_config(config)
  except ValueError as error:
    raise ValueError('{} is not a valid model configuration: {}'.format(
        path, error)) from None


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
  """Returns the list of per-epoch metrics records of `run_dir`.

  Raises:
    ValueError: one line naming the file and line, if a line is not a JSON
      record with an integer `epoch`.
  """
  path = run_paths(run_dir).metrics
  try:
    with open(path, encoding='utf-8') as f:
      lines = f.read().splitlines()
  except FileNotFoundError:
    return []
  except (OSError, UnicodeDecodeError) as error:
    raise ValueError('Cannot read {}: {}'.format(path, error)) from None
  records = []
  for number, line in enumerate(lines, 1):
    if not line.strip():
      continue
    try:
      record = json.loads(line)
    except json.JSONDecodeError as error:
      record = error
    if not (isinstance(record, dict) and isinstance(record.get('epoch'), int)):
      raise ValueError(
          '{}, line {}, is not a metrics record (a JSON object with an '
          'integer "epoch"): {!r}; repair or remove that line.'.format(
              path, number, line[:80]))
    records.append(record)
  return records


def check_no_links(run_dir):
  """Refuses a run that holds a symbolic link anywhere inside it.

  Files of a run are replaced by renames, which replace a link rather than
  write through it; but TensorFlow writes checkpoints and logs into their
  folders, and a linked folder (`samples/` pointing elsewhere) or file would
  be written through. The run's own folder may be a link.

  Raises:
    UnsafeRunError: one line naming the link and where it points.
  """
  root = os.fspath(run_dir)
  for folder, folders, names in os.walk(root):
    for name in sorted(folders + names):
      path = os.path.join(folder, name)
      if os.path.islink(path):
        raise errors.UnsafeRunError(
            '{} is a symbolic link (to {}): nothing of a run is written '
            'through a link. Replace it with a real file or folder, or pass '
            'another run directory ({}).'.format(
                path, os.readlink(path), interface.argument('run_dir')))


def remove_leftovers(run_dir):
  """Removes what a killed writer left: temporary files of atomic writes
  and TensorFlow's folders of unfinished checkpoints. Call it holding the
  run's lock (no writer is then running).

  Returns:
    removed: `list` of the paths removed.
  """
  paths = run_paths(run_dir)
  removed = []
  for folder, folders, names in os.walk(paths.root):
    removed += [os.path.join(folder, name) for name in names
                if name.startswith(files.TEMP_PREFIX)]
    if folder in (paths.checkpoints, paths.best):
      removed += [os.path.join(folder, name) for name in folders
                  if _CHECKPOINT_TEMP.match(name)]
  for path in removed:
    if os.path.isdir(path) and not os.path.islink(path):
      shutil.rmtree(path, ignore_errors=True)
    else:
      os.remove(path)
  return removed


def has_checkpoint(run_dir):
  """Whether `checkpoints/` or `best/` of the run holds any checkpoint file
  (intact or not)."""
  paths = run_paths(run_dir)
  return any(glob.glob(os.path.join(folder, 'ckpt-*.index')) or
             glob.glob(os.path.join(folder, 'ckpt-*.data-*'))
             for folder in (paths.checkpoints, paths.best))


def archive_for_restart(run_dir):
  """Moves what a run trained so far (checkpoints, best, logs, samples,
  metrics) into a new `RUN/before-restart-YYYYmmdd-HHMMSS/` folder, so that
  the run starts again at epoch 1 and nothing written is lost.

  Returns:
    archive: the folder's path, or `None` if there was nothing to move.
  """
  paths = run_paths(run_dir)
  present = [path for path in (paths.checkpoints, paths.best, paths.logs,
                               paths.samples, paths.metrics)
             if os.path.lexists(path)]
  if not present:
    return None
  archive = os.path.join(paths.root, datetime.datetime.now().strftime(
      'before-restart-%Y%m%d-%H%M%S'))
  while os.path.lexists(archive):
    archive += '-1'
  os.mkdir(archive)
  for path in present:
    os.rename(path, os.path.join(archive, os.path.basename(path)))
  return archive
