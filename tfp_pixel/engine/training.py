"""The training engine: `tfp_pixel.train`.

Minimises the mean negative `log_prob` of the training data with Adam, one
`tf.function` step per batch (XLA-compiled with `jit=True`, see `train_step`)
under a `tf.distribute` strategy (`strategies`), and keeps everything in a run
directory (see `runs`): checkpoints every epoch, the best one on validation,
TensorBoard summaries, the epoch's samples (images: a PNG grid) and a metrics
record per epoch.
Rerunning on the same run directory resumes where the last checkpoint left off.
What the data are and how they are measured is the run's task (`tasks`: for
image models `image_task.ImageTask`; a class-conditional configuration trains
`p(x | y)` on `(images, labels)`, its sample grids one row per class; for the
text model `text_task.TextTask`). Bits per dimension divide the NLL by the
dimensions the task counts (`dims_of`: pixels and channels of images, the
tokens of texts).
"""

import collections
import math
import os
import sys
import time

import numpy as np
import tensorflow as tf
import tf_keras

from tfp_pixel.engine import checkpoints
from tfp_pixel.engine import configs
from tfp_pixel.engine import progress
from tfp_pixel.engine import runs
from tfp_pixel.engine import strategies
from tfp_pixel.engine import tasks
from tfp_pixel.engine import train_step as train_step_lib

__all__ = ['NonFiniteLossError', 'TrainResult', 'train']

TrainResult = collections.namedtuple(
    'TrainResult',
    ['run_dir', 'epoch', 'metrics', 'step_traces', 'distribution'])
TrainResult.__doc__ = """What `train` did.

Fields:
  run_dir: `str`, the run directory.
  epoch: Python `int`, epochs completed in the run so far.
  metrics: `list` of the per-epoch records of `metrics.jsonl`.
  step_traces: Python `int`, how often this call traced its training step.
  distribution: the trained distribution, with the weights of the last epoch.
"""


class NonFiniteLossError(RuntimeError):
  """The training loss became NaN or infinite; the run stopped."""


def train(train_data,
          config=None,
          run_dir=None,
          validation_data=None,
          epochs=1,
          steps_per_epoch=None,
          batch_size=32,
          learning_rate=1e-3,
          seed=0,
          jit=False,
          strategy=None,
          num_samples=16,
          sample_every=1,
          keep_checkpoints=3,
          verbose=True,
          runs_root=None):
  """Trains a model, or resumes training it, in a run directory.

  Args:
    train_data: uint8 `np.ndarray` `[N, height, width, channels]` of 8-bit
      images, an `(images, labels)` pair of such images and int class ids
      `[N]`, or a `tf.data.Dataset` of uint8 image batches or of
      `(images, labels)` batches, in the shape of `config['image_shape']`.
      A class-conditional model (`config['num_classes']` set) needs the
      labels; other models ignore them.
    config: model configuration (`tfp_pixel.engine.configs.make_config`);
      needed for a new run, optional when resuming (it must then match the
      run's).
    run_dir: run directory; a new one under `runs_root` when `None`. If it
      holds a checkpoint, training resumes from it: same weights, optimizer
      state and epoch count.
    validation_data: held-out images, like `train_data`, or `None`.
    epochs: Python `int`, the total number of epochs the run should reach.
    steps_per_epoch: Python `int`, batches per epoch: the data are repeated
      (and reshuffled) as often as needed, so that every epoch has exactly
      this many steps; `None` for one full pass per epoch.
    batch_size: Python `int`, the global batch (split across replicas); used
      for arrays (datasets come batched).
    learning_rate: Python `float`, Adam's learning rate.
    seed: Python `int`, seeds weights, shuffling, dropout and samples.
    jit: Python `bool`, whether to XLA-compile the training step.
    strategy: see `strategies.make_strategy`.
    num_samples: Python `int`, samples in each epoch's grid (0: none); a
      class-conditional model draws `ceil(num_samples / rows)` of each of
      its first `rows = min(num_classes, 10)` classes, one row per class.
    sample_every: Python `int`, draw the grid every this many epochs.
    keep_checkpoints: Python `int`, how many last checkpoints to keep.
    verbose: Python `bool`, whether to print a progress bar to stderr.
    runs_root: folder of new runs and of `latest`; defaults to `runs/`.

  Returns:
    result: `TrainResult`.

  Raises:
    ValueError: for invalid arguments, data (also missing or out-of-range
      labels of a class-conditional model) or a mismatching configuration.
    NonFiniteLossError: if the loss becomes NaN or infinite; the checkpoints
      of the epochs before are kept.
  """
  _check_arguments(epochs, steps_per_epoch, batch_size, learning_rate)
  run_dir, config = _prepare_run(run_dir, config, runs_root)
  task = tasks.task_for(config)
  tf_keras.utils.set_random_seed(seed)
  strategy = strategies.make_strategy(strategy)
  train_ds = task.dataset(train_data, batch_size, shuffle_seed=seed)
  val_ds = (None if validation_data is None else
            task.dataset(validation_data, batch_size))
  state = _RunState(config, runs.run_paths(run_dir), strategy, learning_rate,
                    keep_checkpoints)
  if not state.restore(learning_rate):
    # Data-dependent initialization, in cross-replica context, on real data.
    with strategy.scope():
      task.initialize(state.dist, next(iter(train_ds)))
  step = train_step_lib.make_train_step(state.dist, state.optimizer, task,
                                        strategy, jit)
  evaluate = train_step_lib.make_evaluate(state.dist, task, jit)
  summaries = _Summaries(state.paths, task, num_samples, sample_every, seed)
  batches = _EpochBatches(train_ds, steps_per_epoch, state.epochs_done)
  for epoch in range(state.epochs_done + 1, epochs + 1):
    record = _train_epoch(step, batches, task, state, summaries,
                          progress.EpochProgress(epoch, epochs,
                                                 batches.steps, verbose,
                                                 task.dim_name))
    record['epoch'] = epoch
    if val_ds is not None:
      record.update(_validation_record(evaluate, val_ds, task))
    summaries.end_epoch(state.dist, record)
    runs.append_metrics(run_dir, record)
    state.save(record)
    if verbose:
      print(progress.epoch_summary(record, task.examples_name,
                                   task.dim_name), file=sys.stderr)
  summaries.close()
  return TrainResult(run_dir=run_dir, epoch=state.epochs_done,
                     metrics=runs.read_metrics(run_dir),
                     step_traces=step.experimental_get_tracing_count(),
                     distribution=state.dist)


def _check_arguments(epochs, steps_per_epoch, batch_size, learning_rate):
  if epochs < 0 or (steps_per_epoch is not None and steps_per_epoch < 1):
    raise ValueError('`epochs` must be >= 0 and `steps_per_epoch` >= 1, got '
                     '{} and {}.'.format(epochs, steps_per_epoch))
  if batch_size < 1 or learning_rate <= 0:
    raise ValueError('`batch_size` and `learning_rate` must be positive, got '
                     '{} and {}.'.format(batch_size, learning_rate))


def _prepare_run(run_dir, config, runs_root):
  """Returns the run directory and its configuration, creating a new run."""
  if run_dir is not None and os.path.isfile(runs.run_paths(run_dir).config):
    stored = runs.read_config(run_dir)
    if config is not None:
      wanted = configs.complete_config(config)
      changed = sorted(k for k in set(stored) | set(wanted)
                       if stored.get(k) != wanted.get(k))
      if changed:
        raise ValueError(
            '{} was trained with a different model ({}); pass a new --run '
            'or the same options.'.format(run_dir, ', '.join(
                '{}={} not {}'.format(k, stored.get(k), wanted.get(k))
                for k in changed)))
    config = stored
  else:
    if config is None:
      raise ValueError('A new run needs a model configuration.')
    config = configs.complete_config(config)
    run_dir = run_dir or runs.new_run_dir(runs_root)
    runs.write_config(run_dir, config)
  runs.record_latest(run_dir, runs_root)
  return os.fspath(run_dir), config


class _RunState(object):
  """The model, optimizer and counters of a run, and their checkpoints."""

  def __init__(self, config, paths, strategy, learning_rate,
               keep_checkpoints):
    self.paths = paths
    with strategy.scope():
      self.dist = configs.build_model(config)
      self.optimizer = tf_keras.optimizers.Adam(learning_rate)
      self.optimizer.build(self.dist.trainable_variables)
      self._epoch = tf.Variable(0, dtype=tf.int64, trainable=False,
                                name='epoch')
      self._best = tf.Variable(np.inf, dtype=tf.float64, trainable=False,
                               name='best')
    checkpoint = checkpoints.make_checkpoint(
        self.dist, self.optimizer, epoch=self._epoch, best=self._best)
    self._last = tf.train.CheckpointManager(checkpoint, paths.checkpoints,
                                            max_to_keep=keep_checkpoints)
    self._best_manager = tf.train.CheckpointManager(checkpoint, paths.best,
                                                    max_to_keep=1)
    self._checkpoint = checkpoint

  @property
  def epochs_done(self):
    return int(self._epoch.numpy())

  @property
  def last_checkpoint(self):
    return self._last.latest_checkpoint

  def restore(self, learning_rate):
    """Restores the last checkpoint, if any; returns whether there was one."""
    if not self._last.latest_checkpoint:
      return False
    self._checkpoint.restore(
        self._last.latest_checkpoint).assert_existing_objects_matched()
    self.optimizer.learning_rate.assign(learning_rate)  # The caller's.
    return True

  def save(self, record):
    """Saves the epoch of `record`, and as the best if its score is."""
    epoch = record['epoch']
    score = record.get('val_bits_per_dim', record['loss_bits_per_dim'])
    self._epoch.assign(epoch)
    if score < self._best.numpy():
      self._best.assign(score)
      self._best_manager.save(checkpoint_number=epoch)
    self._last.save(checkpoint_number=epoch)


class _EpochBatches(object):
  """The batches of each epoch: a full pass, or exactly `steps_per_epoch`
  batches of the data repeated (and reshuffled) as often as needed.

  Epoch `e` of a repeated run takes batches `[(e - 1) * steps, e * steps)` of
  the stream, also when the run resumes: the stream skips the batches of
  the epochs done, so a resumed run sees what an unbroken one would.
  """

  def __init__(self, dataset, steps_per_epoch, epochs_done):
    self._dataset = dataset
    self._steps_per_epoch = steps_per_epoch
    self._repeated = None
    if steps_per_epoch is not None:
      self._repeated = iter(dataset.repeat().skip(
          epochs_done * steps_per_epoch))

  @property
  def steps(self):
    """Steps per epoch, or `None` when unknown."""
    if self._steps_per_epoch is not None:
      return self._steps_per_epoch
    cardinality = int(self._dataset.cardinality().numpy())
    return cardinality if cardinality >= 0 else None

  def __call__(self):
    if self._repeated is None:
      yield from self._dataset
      return
    for _ in range(self._steps_per_epoch):
      try:
        yield next(self._repeated)
      except StopIteration:
        return


def _train_epoch(step, batches, task, state, summaries, bar):
  """Runs one epoch of steps; returns its metrics record (no epoch yet)."""
  nll_sums = np.zeros(2)
  count = dims = 0
  start, start_cpu = time.perf_counter(), time.process_time()
  for step_index, batch in enumerate(batches()):
    sums = np.array(step(batch), dtype=np.float64)
    if not np.all(np.isfinite(sums)):
      bar.close()
      raise NonFiniteLossError(
          'Training loss became {} at epoch {}, step {}; stopped. The last '
          'good checkpoint is {}. Try a lower learning rate.'.format(
              sums[0], state.epochs_done + 1, step_index + 1,
              state.last_checkpoint or 'none (no epoch had finished)'))
    nll_sums += sums
    count += int(task.batch_size_of(batch))
    batch_dims = int(task.dims_of(batch))
    dims += batch_dims
    loss_bits = _bits(sums[0], batch_dims)
    bar.update(step_index + 1, loss_bits)
    summaries.step(loss_bits, state.optimizer.iterations)
  seconds = time.perf_counter() - start
  cpu_seconds = time.process_time() - start_cpu
  bar.close()
  if count == 0:
    raise ValueError('The training data is empty.')
  return {
      'step': int(state.optimizer.iterations.numpy()),
      'images': count,
      'loss_bits_per_dim': _bits(nll_sums[0], dims),
      'loss_bits_per_dim_levels': _bits(nll_sums[1], dims),
      'train_seconds': seconds,
      'train_cpu_seconds': cpu_seconds,
      'images_per_second': count / max(seconds, 1e-9),
  }


def _validation_record(evaluate, dataset, task):
  """Mean validation bits/dim (reported and trained) over `dataset`."""
  sums, dims = np.zeros(2), 0
  for batch in dataset:
    reported, trained = evaluate(batch)
    sums += [float(tf.reduce_sum(reported)), float(tf.reduce_sum(trained))]
    dims += int(task.dims_of(batch))
  if not dims:
    return {}
  return {'val_bits_per_dim': _bits(sums[0], dims),
          'val_bits_per_dim_levels': _bits(sums[1], dims)}


def _bits(nll_nats, dims):
  """A sum of NLLs in nats as bits per dimension (`task.dims_of`)."""
  return nll_nats / (dims * math.log(2.))


class _Summaries(object):
  """TensorBoard scalars per step and epoch, and the epoch's samples."""

  def __init__(self, paths, task, num_samples, sample_every, seed):
    self._paths = paths
    self._task = task
    self._num_samples = num_samples
    self._sample_every = sample_every
    self._seed = seed
    self._writer = tf.summary.create_file_writer(paths.logs)
    os.makedirs(paths.samples, exist_ok=True)

  def step(self, loss_bits, iterations):
    with self._writer.as_default():
      tf.summary.scalar('loss_bits_per_dim', loss_bits, step=iterations)

  def end_epoch(self, dist, record):
    epoch = record['epoch']
    with self._writer.as_default():
      if 'val_bits_per_dim' in record:
        tf.summary.scalar('val_bits_per_dim', record['val_bits_per_dim'],
                          step=epoch)
      if self._num_samples > 0 and epoch % self._sample_every == 0:
        self._task.write_samples(
            dist, self._num_samples, tf.constant([self._seed, epoch],
                                                 tf.int32),
            self._paths, epoch)
    self._writer.flush()

  def close(self):
    self._writer.close()

