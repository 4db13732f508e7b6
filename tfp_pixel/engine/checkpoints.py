"""Checkpoints of a run: what they hold, and restoring the weights."""

import tensorflow as tf

__all__ = ['make_checkpoint', 'restore_weights']


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


def restore_weights(dist, paths, which='best'):
  """Restores `dist`'s weights from a run.

  Args:
    dist: a distribution built from the run's configuration.
    paths: the run's `runs.RunPaths`.
    which: `'best'` (best validation, falling back to the last) or `'last'`.

  Returns:
    path: the checkpoint prefix restored.

  Raises:
    ValueError: if the run has no checkpoint.
  """
  folders = [paths.best, paths.checkpoints] if which == 'best' else [
      paths.checkpoints]
  for folder in folders:
    prefix = tf.train.latest_checkpoint(folder)
    if prefix:
      make_checkpoint(dist).restore(prefix).expect_partial()
      return prefix
  raise ValueError('{} has no checkpoint yet.'.format(paths.root))
