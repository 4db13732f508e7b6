"""Checkpoints of a run: what they hold, and restoring them safely.

A checkpoint `DIR/ckpt-N` is an index file (`ckpt-N.index`) and data files
(`ckpt-N.data-00000-of-00001`, ...). A partial copy or a full disk can leave
one of them truncated or missing: restoring then names that file in one line
(`DamagedCheckpointError`) instead of failing deep inside TensorFlow, and a
resumed training run goes on from the newest intact checkpoint
(`restore_newest_intact`). Nothing here deletes a file.
"""

import glob
import os
import re

import tensorflow as tf

from tfp_pixel import interface
from tfp_pixel.data import errors as data_errors
from tfp_pixel.engine import errors

__all__ = [
    'checkpoint_prefixes',
    'find_damage',
    'make_checkpoint',
    'restore',
    'restore_newest_intact',
    'restore_weights',
    'saved_value',
]

_NUMBER = re.compile(r'ckpt-(\d+)\.index$')
# What TensorFlow raises for a truncated, missing or garbled checkpoint file.
_READ_ERRORS = (tf.errors.OpError, IndexError, ValueError)


def make_checkpoint(dist, optimizer=None, **counters):
  """Returns a `tf.train.Checkpoint` of `dist`'s network (and training state).

  Args:
    dist: a distribution from `configs.build_model`.
    optimizer: the optimizer whose state to save, or `None`.
    **counters: further trackables, such as the epoch counter variable.
  """
  state = dict(counters)
  if optimizer is not None:
    state['optimizer'] = optimizer
  return tf.train.Checkpoint(network=dist.network, **state)


def checkpoint_prefixes(folder):
  """The checkpoints in `folder`, newest (highest number) first.

  Those TensorFlow's `checkpoint` state file lists and any other `ckpt-N`
  whose index file is there (the state file may be damaged too).

  Returns:
    prefixes: `list` of `str`, `folder/ckpt-N`.
  """
  found = set()
  state = None
  try:
    state = tf.train.get_checkpoint_state(folder)
  except _READ_ERRORS:
    pass
  if state is not None:
    found.update(os.path.basename(p) + '.index'
                 for p in state.all_model_checkpoint_paths)
  found.update(os.path.basename(p)
               for p in glob.glob(os.path.join(glob.escape(folder),
                                               'ckpt-*.index')))
  numbered = sorted(((int(_NUMBER.search(name).group(1)), name)
                     for name in found if _NUMBER.search(name)), reverse=True)
  return [os.path.join(folder, name[:-len('.index')])
          for _, name in numbered]


def find_damage(prefix):
  """The first missing, truncated or unreadable file of a checkpoint.

  Reads every tensor, so that TensorFlow checks its length and checksum.

  Args:
    prefix: the checkpoint, `.../ckpt-N`.

  Returns:
    `(path, reason)`, or `None` if the checkpoint is intact.
  """
  index = prefix + '.index'
  if not os.path.isfile(index):
    return index, 'missing'
  data = sorted(glob.glob(glob.escape(prefix) + '.data-*-of-*'))
  if not data:
    return prefix + '.data-00000-of-00001', 'missing'
  try:
    reader = tf.train.load_checkpoint(prefix)
    keys = list(reader.get_variable_to_shape_map())
  except _READ_ERRORS as error:
    return _blame(error, index, data)
  for key in keys:
    try:
      reader.get_tensor(key)
    except _READ_ERRORS as error:
      return _blame(error, None, data)
  return None


def restore(checkpoint, prefix, partial=False):
  """Restores `checkpoint` from `prefix`.

  Args:
    checkpoint: a `tf.train.Checkpoint`.
    prefix: the checkpoint to read, `.../ckpt-N`.
    partial: Python `bool`; `True` restores what `checkpoint` holds of a
      larger checkpoint (the weights of a training checkpoint), `False`
      requires every object of `checkpoint` to be restored.

  Raises:
    DamagedCheckpointError: naming the damaged file, if a file of the
      checkpoint is missing, truncated or unreadable.
  """
  try:
    status = checkpoint.restore(prefix)
    if partial:
      status.expect_partial()
    else:
      status.assert_existing_objects_matched()
  except _READ_ERRORS:
    damage = find_damage(prefix)
    if damage is None:
      raise
    raise errors.DamagedCheckpointError(damage[0], prefix,
                                        damage[1]) from None


def restore_weights(dist, paths, which='best'):
  """Restores `dist`'s weights from a run.

  A checkpoint that a training process replaces while it is being read is
  read again from its successor.

  Args:
    dist: a distribution built from the run's configuration.
    paths: the run's `runs.RunPaths`.
    which: `'best'` (best validation, falling back to the last when there is
      none yet) or `'last'`.

  Returns:
    path: the checkpoint prefix restored.

  Raises:
    ValueError: if the run has no checkpoint.
    DamagedCheckpointError: if the checkpoint to read is damaged (the
      message names the file).
  """
  folders = [paths.best, paths.checkpoints] if which == 'best' else [
      paths.checkpoints]
  for folder in folders:
    prefix = tf.train.latest_checkpoint(folder)
    while prefix:
      try:
        restore(make_checkpoint(dist), prefix, partial=True)
        return prefix
      except errors.DamagedCheckpointError as error:
        newer = tf.train.latest_checkpoint(folder)
        if newer in (None, prefix):
          raise error.advise(
              'Resume the run (tfp-pixel train --run {}) to write a new '
              'checkpoint{}.'.format(paths.root, ', or use --checkpoint last'
                                     if which == 'best' else '')) from None
        prefix = newer
  raise ValueError('{} has no checkpoint yet.'.format(paths.root))


def restore_newest_intact(checkpoint, folders):
  """Restores the newest intact checkpoint of `folders`.

  Args:
    checkpoint: a `tf.train.Checkpoint` of the whole training state.
    folders: checkpoint folders, in order of preference for checkpoints of
      the same number.

  Returns:
    prefix: the checkpoint restored, or `None` when there is none.
    damaged: `list` of the `DamagedCheckpointError`s of the newer checkpoints
      passed over.

  Raises:
    DamagedCheckpointError: of the newest checkpoint, when there are
      checkpoints but none is intact.
  """
  candidates = sorted(
      ((_number(prefix), -rank, prefix)
       for rank, folder in enumerate(folders)
       for prefix in checkpoint_prefixes(folder)), reverse=True)
  damaged = []
  for _, _, prefix in candidates:
    try:
      restore(checkpoint, prefix)
      return prefix, damaged
    except errors.DamagedCheckpointError as error:
      damaged.append(error)
  if damaged:
    raise damaged[0].advise(
        'No intact checkpoint to resume from: pass another {}, or move '
        'the damaged files away to start over.'.format(
            interface.argument('run_dir')))
  return None, damaged


def saved_value(folder, name):
  """The value of the variable `name` (such as `'best'`) in the newest
  checkpoint of `folder`, or `None` if there is none or it is unreadable."""
  prefix = tf.train.latest_checkpoint(folder)
  if not prefix:
    return None
  try:
    return tf.train.load_checkpoint(prefix).get_tensor(
        name + '/.ATTRIBUTES/VARIABLE_VALUE')
  except _READ_ERRORS:
    return None


def _number(prefix):
  return int(prefix.rsplit('-', 1)[1])


def _blame(error, index, data):
  """`(path, reason)` of a read error: the file TensorFlow names, else the
  index (when it failed to open) or the only data file."""
  reason = data_errors.one_line(error)
  for path in ([index] if index else []) + data:
    if os.path.basename(path) in reason:
      return path, reason
  if index is not None:
    return index, reason
  return (data[0] if len(data) == 1 else
          os.path.commonprefix(data) + '*'), reason

