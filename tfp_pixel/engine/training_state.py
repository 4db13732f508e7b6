"""The state of a training run: the model, its optimizer and counters, and
their checkpoints (the last few, and the best on validation)."""

import numpy as np
import tensorflow as tf
import tf_keras

from tfp_pixel.engine import checkpoints
from tfp_pixel.engine import cluster
from tfp_pixel.engine import configs

__all__ = ['TrainingState']


class TrainingState(object):
  """The model, optimizer and counters of a run, and their checkpoints.

  Args:
    config: the run's model configuration.
    paths: `runs.RunPaths` where checkpoints are written and read.
    strategy: the `tf.distribute.Strategy` whose scope makes the variables.
    learning_rate: Python `float`, Adam's.
    keep_checkpoints: Python `int`, how many last checkpoints to keep.
  """

  def __init__(self, config, paths, strategy, learning_rate,
               keep_checkpoints):
    self.paths = paths
    self._strategy = strategy
    with strategy.scope():
      self.dist = configs.build_model(config)
      self.optimizer = tf_keras.optimizers.Adam(learning_rate)
      self.optimizer.build(self.dist.trainable_variables)
      self._epoch = tf.Variable(0, dtype=tf.int64, trainable=False,
                                name='epoch')
      self._best = tf.Variable(np.inf, dtype=tf.float64, trainable=False,
                               name='best')
    self._checkpoint = checkpoints.make_checkpoint(
        self.dist, self.optimizer, epoch=self._epoch, best=self._best)
    self._last = tf.train.CheckpointManager(
        self._checkpoint, paths.checkpoints, max_to_keep=keep_checkpoints)
    self._best_manager = tf.train.CheckpointManager(
        self._checkpoint, paths.best, max_to_keep=1)
    self.restored = None
    self._saved = False

  @property
  def epochs_done(self):
    return int(self._epoch.numpy())

  @property
  def last_checkpoint(self):
    """The checkpoint of the last epoch done: saved, or restored."""
    return self._last.latest_checkpoint if self._saved else self.restored

  def restore(self, learning_rate):
    """Restores the newest intact checkpoint of the run, if any.

    Checkpoints of `best/` count too (they hold the same state). The best
    score stays that of `best/`, so that an epoch trained again replaces the
    best checkpoint only when it does better.

    Args:
      learning_rate: Python `float`, the caller's, set in place of the
        restored one.

    Returns:
      damaged: `list` of the `DamagedCheckpointError`s of newer checkpoints
        passed over; `self.restored` names the one restored (or `None`).

    Raises:
      DamagedCheckpointError: if there are checkpoints but none is intact.
    """
    self.restored, damaged = checkpoints.restore_newest_intact(
        self._checkpoint, [self.paths.checkpoints, self.paths.best])
    if self.restored:
      best = checkpoints.saved_value(self.paths.best, 'best')
      if best is not None and best < self._best.numpy():
        self._best.assign(best)
      self.optimizer.learning_rate.assign(learning_rate)
    return damaged

  def initialize(self, task, batch):
    """Runs the model on a real batch (data-dependent initialization), in
    cross-replica context."""
    with self._strategy.scope():
      task.initialize(self.dist, batch)

  def share_from_chief(self):
    """Every worker takes the chief's state (see `cluster`); collective."""
    cluster.share_from_chief(self._strategy, (
        list(self.dist.network.variables) + list(self.optimizer.variables) +
        [self._epoch, self._best]))

  def save(self, record, score):
    """Saves the epoch of `record`, and as the best if `score` (its bits per
    dimension, `epoch_records.RecordNames.score`) is the best so far."""
    epoch = record['epoch']
    self._epoch.assign(epoch)
    if score < self._best.numpy():
      self._best.assign(score)
      self._best_manager.save(checkpoint_number=epoch)
    self._last.save(checkpoint_number=epoch)
    self._saved = True
