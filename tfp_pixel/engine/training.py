"""The training engine: `tfp_pixel.train`.

Minimises the mean negative `log_prob` of the training data with Adam, one
`tf.function` step per batch (XLA-compiled with `jit=True`, see `train_step`)
under a `tf.distribute` strategy (`strategies`), and keeps everything in a run
directory (see `runs`): checkpoints every epoch, the best one on validation,
TensorBoard summaries, the epoch's samples (images: a PNG grid) and a metrics
record per epoch.
Rerunning on the same run directory resumes where the newest intact checkpoint
left off; a run directory is trained by one process at a time (`run_lock`).
Under the multi-worker strategy the chief writes the run and the other workers
write nothing there (`cluster`). A signal that stops a training command
(`stopping`) stops it between two writes: the line it prints says which epoch
was lost and which checkpoint a rerun resumes from.
What the data are and how they are measured is the task of the model's kind
of data (`kinds.kind_of(config).make_task(config)`: for image models
`kinds.images.task.ImageTask`, where a class-conditional configuration trains
`p(x | y)` on `(images, labels)`, its sample grids one row per class; for the
text model `kinds.texts.task.TextTask`). Bits per dimension divide the NLL by
the dimensions the task counts (`dims_of`: pixels and channels of images, the
tokens of texts), and the metrics records name them as the kind does
(`epoch_records`).
"""

import collections
import contextlib
import functools
import math
import os
import shutil
import sys
import tempfile
import time

import numpy as np
import tensorflow as tf
import tf_keras

from tfp_pixel import interface
from tfp_pixel.engine import cluster
from tfp_pixel.engine import configs
from tfp_pixel.engine import epoch_records
from tfp_pixel.engine import errors
from tfp_pixel.engine import files
from tfp_pixel.engine import kinds
from tfp_pixel.engine import progress
from tfp_pixel.engine import run_lock
from tfp_pixel.engine import runs
from tfp_pixel.engine import stopping
from tfp_pixel.engine import strategies
from tfp_pixel.engine import train_step as train_step_lib
from tfp_pixel.engine import training_state
from tfp_pixel.families import model_size

__all__ = ['NonFiniteLossError', 'TrainResult', 'train']

NonFiniteLossError = errors.NonFiniteLossError

TrainResult = collections.namedtuple(
    'TrainResult',
    ['run_dir', 'epoch', 'metrics', 'step_traces', 'distribution', 'chief'],
    defaults=(True,))
TrainResult.__doc__ = """What `train` did.

Fields:
  run_dir: `str`, the run directory (as given, possibly `None`, on a worker
    of a cluster other than the chief).
  epoch: Python `int`, epochs completed in the run so far.
  metrics: `list` of the per-epoch records of `metrics.jsonl` (on another
    worker than the chief: of the epochs of this call).
  step_traces: Python `int`, how often this call traced its training step.
  distribution: the trained distribution, with the weights of the last epoch.
  chief: Python `bool`, whether this process wrote the run directory (the
    chief of a cluster, or the one process of any other strategy).
"""

_DISAGREE = ('The workers were given different runs (model configuration, '
             'data size, epochs, steps, batch size, learning rate, seed or '
             'validation data): give every worker the same command.')


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
          runs_root=None,
          grid_scale=None,
          restart=False,
          data_record=None,
          run_files=None):
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
      holds a checkpoint, training resumes from the newest intact one: same
      weights, optimizer state and epoch count.
    validation_data: held-out images, like `train_data`, or `None`.
    epochs: Python `int`, the total number of epochs the run should reach.
    steps_per_epoch: Python `int`, batches per epoch: the data are repeated
      (and reshuffled) as often as needed, so that every epoch has exactly
      this many steps; `None` for one full pass per epoch.
    batch_size: Python `int`, the global batch (split across replicas, and
      across the workers of a cluster); used for arrays (datasets come
      batched).
    learning_rate: Python `float`, Adam's learning rate.
    seed: Python `int`, seeds weights, shuffling, dropout and samples.
    jit: Python `bool`, whether to XLA-compile the training step.
    strategy: see `strategies.make_strategy`; it is made before anything
      else. A program that runs TensorFlow before calling `train` with the
      multi-worker strategy makes it first and passes it here.
    num_samples: Python `int`, samples in each epoch's grid (0: none); a
      class-conditional model draws `ceil(num_samples / rows)` of each of
      its first `rows = min(num_classes, 10)` classes, one row per class.
    sample_every: Python `int`, draw the grid every this many epochs.
    keep_checkpoints: Python `int`, how many last checkpoints to keep.
    verbose: Python `bool`, whether to print progress to stderr (a bar, a
      line per epoch, the checkpoint resumed from).
    runs_root: folder of new runs and of `latest`; defaults to `runs/`.
    grid_scale: Python `int`, each sample pixel's size in an image model's
      grids (PNG and TensorBoard); `None` for `grids.default_scale`.
    restart: Python `bool`, whether to train the run again from epoch 1:
      what it trained so far (checkpoints, metrics, grids, logs) is moved
      into a `before-restart-*` folder of the run. Without it, a run that
      trained epochs but has no checkpoint left is refused.
    data_record: optional `dict` describing the data (`run_data`), written
      to the run's `data.json` by the process that writes the run.
    run_files: optional `dict` of file name -> text that the process that
      writes the run stores in it, beside `config.json`, where the run has
      no such file yet (a text run's tokenizer).

  Returns:
    result: `TrainResult`.

  Raises:
    ValueError: for invalid arguments, data (also missing or out-of-range
      labels of a class-conditional model) or a mismatching configuration.
    ModelTooLargeError: if the model would need more memory than the bound
      at `batch_size` (`tfp_pixel.families.model_size`).
    RunInUseError: if another process is training the run directory.
    UnsafeRunError: if the run holds a symbolic link (nothing is written
      through one) or its lock is not a regular file.
    DamagedCheckpointError: if the run has checkpoints but none is intact.
    NonFiniteLossError: if the loss becomes NaN or infinite; the checkpoints
      of the epochs before are kept.
    ClusterError: if a worker of a multi-worker run stops; rerunning every
      worker resumes from the chief's last checkpoint.
    StoppedError: if a signal stopped a training command (see `stopping`);
      the checkpoints written are kept.
  """
  _check_arguments(epochs, steps_per_epoch, batch_size, learning_rate)
  if config is not None:  # Before a new run's folder is made.
    _check_fits(configs.complete_config(config), batch_size, num_samples,
                grid_scale)
  strategy = strategies.make_strategy(strategy)  # First: see `strategies`.
  note = _StopNote(strategy)
  with (stopping.stop_message(note.message, functools.partial(
      cluster.abort_collectives, strategy, 'Stopped by a signal.')),
        _claim_run(run_dir, config, runs_root, strategy, restart,
                   data_record, run_files, verbose) as run):
    if config is None:  # The stored one; a given one was checked above.
      _check_fits(run.config, batch_size, num_samples, grid_scale)
    kind = kinds.kind_of(run.config)
    task = kind.make_task(run.config)
    names = epoch_records.RecordNames.of(kind, task)
    tf_keras.utils.set_random_seed(seed)
    train_ds = task.dataset(train_data, batch_size, shuffle_seed=seed)
    val_ds = (None if validation_data is None else
              task.dataset(validation_data, batch_size))
    # Collective from here on: making the variables of a cluster's strategy
    # broadcasts the chief's values.
    with cluster.lost_worker_errors(strategy, 'while starting',
                                    'rerun the same command on every worker'):
      state = training_state.TrainingState(run.config, run.paths, strategy,
                                           learning_rate, keep_checkpoints)
      _restore_or_initialize(state, task, train_ds, learning_rate, verbose)
      note.at(state)
      batches = _EpochBatches(train_ds, steps_per_epoch, state.epochs_done,
                              strategy)
      cluster.check_agreement(strategy, cluster.fingerprint(
          [run.config, batches.steps, epochs, batch_size, learning_rate, seed,
           val_ds is not None]), _DISAGREE)
      trainer = _Trainer(
          run, task, names, state, strategy, batches, val_ds, jit, verbose,
          _Summaries(run, task, names, num_samples, sample_every, seed,
                     grid_scale),
          note)
    records = [trainer.run_epoch(epoch, epochs)
               for epoch in range(state.epochs_done + 1, epochs + 1)]
    trainer.summaries.close()
  return TrainResult(
      run_dir=run.run_dir, epoch=state.epochs_done,
      metrics=runs.read_metrics(run.run_dir) if run.chief else records,
      step_traces=trainer.step.experimental_get_tracing_count(),
      distribution=state.dist, chief=run.chief)


def _check_fits(config, batch_size, num_samples, grid_scale):
  """Refuses, in one line, a model or an epoch's samples that would pass
  the memory bounds (`model_size`, the task's `check_samples`)."""
  model_size.check(config, batch_size)
  if num_samples > 0:
    kinds.kind_of(config).make_task(config).check_samples(num_samples,
                                                          grid_scale)


def _check_arguments(epochs, steps_per_epoch, batch_size, learning_rate):
  if epochs < 0 or (steps_per_epoch is not None and steps_per_epoch < 1):
    raise ValueError('`epochs` must be >= 0 and `steps_per_epoch` >= 1, got '
                     '{} and {}.'.format(epochs, steps_per_epoch))
  if batch_size < 1 or learning_rate <= 0:
    raise ValueError('`batch_size` and `learning_rate` must be positive, got '
                     '{} and {}.'.format(batch_size, learning_rate))


_Claim = collections.namedtuple('_Claim',
                                ['run_dir', 'config', 'paths', 'chief'])


@contextlib.contextmanager
def _claim_run(run_dir, config, runs_root, strategy, restart, data_record,
               run_files, verbose):
  """The run this process trains, as a `_Claim`, for the `with` body.

  The chief (or the one process) locks the run directory, checks it (no
  symbolic links, readable metrics, checkpoints for the epochs it trained),
  removes what a killed writer left, and writes its configuration, its data
  record, its `run_files` and `runs/latest`; another worker of a cluster
  writes nothing there: it reads the configuration and saves its checkpoints (as
  TensorFlow's guide has every worker do) to a temporary folder, deleted at
  the end.
  """
  if cluster.is_chief(strategy):
    run_dir = (runs.new_run_dir(runs_root) if run_dir is None else
               os.fspath(run_dir))
    with run_lock.lock_run(run_dir):
      runs.check_no_links(run_dir)
      stored = runs.stored_config(run_dir)
      config = _run_config(run_dir, stored, config)
      _check_history(run_dir, restart, verbose)
      runs.remove_leftovers(run_dir)
      if stored is None:
        runs.write_config(run_dir, config)
      for name, text in (run_files or {}).items():
        if not os.path.lexists(os.path.join(run_dir, name)):
          files.write_text(os.path.join(run_dir, name), text)
      if data_record is not None:
        files.write_json(runs.run_paths(run_dir).data, data_record)
      runs.record_latest(run_dir, runs_root)
      yield _Claim(run_dir, config, runs.run_paths(run_dir), True)
    return
  config = _run_config(run_dir, runs.stored_config(run_dir), config)
  scratch = tempfile.mkdtemp(prefix='tfp-pixel-worker-')
  try:
    yield _Claim(run_dir, config, runs.run_paths(scratch), False)
  finally:
    shutil.rmtree(scratch, ignore_errors=True)


def _check_history(run_dir, restart, verbose):
  """Refuses a run that trained epochs but has lost every checkpoint (a
  start from epoch 1 would overwrite its metrics and grids), unless
  `restart`, which first moves what it trained into a folder of its own."""
  trained = runs.read_metrics(run_dir)  # Also: a damaged line, before work.
  if restart:
    archive = runs.archive_for_restart(run_dir)
    if archive is not None:
      _say(verbose, 'Restarting {} from epoch 1; what it trained so far is '
           'in {}'.format(run_dir, archive))
    return
  if trained and not runs.has_checkpoint(run_dir):
    raise errors.RunError(
        '{} trained {} epoch(s) (metrics.jsonl) but has no checkpoint left '
        '(checkpoints/ and best/ are missing or empty): restore them, or pass '
        '{} to train it again from epoch 1 (its metrics, grids and logs are '
        'kept in a before-restart-* folder).'.format(
            run_dir, max(r['epoch'] for r in trained),
            interface.argument('restart')))


def _run_config(run_dir, stored, config):
  """The configuration of the run: `stored` (`runs.stored_config`), which
  `config` must then match, else `config`, completed."""
  if stored is not None:
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
    return stored
  if config is None:
    raise ValueError('A new run needs a model configuration.')
  return configs.complete_config(config)


def _restore_or_initialize(state, task, train_ds, learning_rate, verbose):
  """Restores the run's newest intact checkpoint (saying which), or
  initializes a new model on real data; then every worker of a cluster takes
  the chief's state."""
  for damaged in state.restore(learning_rate):
    _say(verbose, 'Skipping a damaged checkpoint: {}'.format(damaged))
  if not state.restored:
    state.initialize(task, next(iter(train_ds)))
  state.share_from_chief()
  if state.restored:
    _say(verbose, 'Resuming from {} (epoch {})'.format(
        state.restored, state.epochs_done))
  elif state.epochs_done:
    _say(verbose, 'Resuming from the chief\'s checkpoint (epoch {})'.format(
        state.epochs_done))


def _say(verbose, text):
  if verbose:
    print(text, file=sys.stderr)


class _EpochBatches(object):
  """The distributed batches of each epoch: a full pass, or exactly
  `steps_per_epoch` batches of the data repeated (and reshuffled) as often as
  needed.

  Epoch `e` of a repeated run takes batches `[(e - 1) * steps, e * steps)` of
  the stream, also when the run resumes: the stream skips the batches of
  the epochs done, so a resumed run sees what an unbroken one would. Each
  global batch is split across the strategy's replicas; the workers of a
  cluster each take their share of it (`tf.data`'s auto-shard policy: by
  file for a pipeline of files, else by data, as for the in-memory arrays
  every source is loaded into).
  """

  def __init__(self, dataset, steps_per_epoch, epochs_done, strategy):
    self._dataset = dataset
    self._steps_per_epoch = steps_per_epoch
    if steps_per_epoch is None:
      self._pass = strategy.experimental_distribute_dataset(dataset)
    else:
      self._repeated = iter(strategy.experimental_distribute_dataset(
          dataset.repeat().skip(epochs_done * steps_per_epoch)))

  @property
  def steps(self):
    """Steps per epoch, or `None` when unknown."""
    if self._steps_per_epoch is not None:
      return self._steps_per_epoch
    cardinality = int(self._dataset.cardinality().numpy())
    return cardinality if cardinality >= 0 else None

  def __call__(self):
    if self._steps_per_epoch is None:
      yield from self._pass
      return
    for _ in range(self._steps_per_epoch):
      try:
        yield next(self._repeated)
      except StopIteration:
        return


class _Trainer(object):
  """Runs the epochs of a run: steps, validation, summaries, checkpoints."""

  def __init__(self, run, task, names, state, strategy, batches, val_ds, jit,
               verbose, summaries, note):
    self.run = run
    self.task = task
    self.names = names
    self.state = state
    self.strategy = strategy
    self.batches = batches
    self.val_batches = (None if val_ds is None else
                        strategy.experimental_distribute_dataset(val_ds))
    self.verbose = verbose
    self.summaries = summaries
    self.note = note
    self.step = train_step_lib.make_train_step(state.dist, state.optimizer,
                                               task, strategy, jit)
    self.evaluate = train_step_lib.make_evaluate(state.dist, task, strategy,
                                                 jit)

  def run_epoch(self, epoch, epochs):
    """Trains, validates and saves one epoch; returns its metrics record."""
    self.note.epoch = epoch
    with cluster.lost_worker_errors(
        self.strategy, 'at epoch {}'.format(epoch),
        'rerun the same command on every worker to resume from the chief\'s '
        'last checkpoint (epoch {})'.format(self.state.epochs_done)):
      record = self._train_steps(progress.EpochProgress(
          epoch, epochs, self.batches.steps, self.verbose,
          self.names.dimension))
      record['epoch'] = epoch
      if self.val_batches is not None:
        record.update(self._validate())
      record.update(self.task.epoch_metrics(self.state.dist))
      if self.run.chief:
        runs.check_no_links(self.run.run_dir)
      self.summaries.end_epoch(self.state.dist, record)
      with stopping.deferred():
        if self.run.chief:
          runs.append_metrics(self.run.run_dir, record)
        self.state.save(record, self.names.score(record))
        self.note.at(self.state, epoch)
    _say(self.verbose, self.names.summary(record))
    return record

  def _train_steps(self, bar):
    """Runs one epoch of steps; returns its metrics record (no epoch yet)."""
    sums = np.zeros(4)  # NLLs (reported, trained), examples, dimensions.
    start, start_cpu = time.perf_counter(), time.process_time()
    try:
      for step_index, batch in enumerate(self.batches()):
        step_sums = np.array(self.step(batch), dtype=np.float64)
        if not np.all(np.isfinite(step_sums)):
          raise NonFiniteLossError(
              'Training loss became {} at epoch {}, step {}; stopped. The '
              'last good checkpoint is {}. Try a lower learning rate.'.format(
                  step_sums[0], self.state.epochs_done + 1, step_index + 1,
                  self.state.last_checkpoint or
                  'none (no epoch had finished)'))
        sums += step_sums
        loss_bits = _bits(step_sums[0], step_sums[3])
        bar.update(step_index + 1, loss_bits)
        self.summaries.step(loss_bits, self.state.optimizer.iterations)
    finally:
      bar.close()  # Before any message: the bar's line ends first.
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - start_cpu
    if sums[2] == 0:
      raise ValueError('The training data is empty.')
    return dict(
        self.names.training_record(int(sums[2]), _bits(sums[0], sums[3]),
                                   _bits(sums[1], sums[3]), seconds),
        step=int(self.state.optimizer.iterations.numpy()),
        train_seconds=seconds, train_cpu_seconds=cpu_seconds)

  def _validate(self):
    """Mean validation bits per dimension (reported, and trained where they
    differ) over the held-out data, each worker evaluating its share."""
    sums = np.zeros(4)
    for batch in self.val_batches:
      sums += np.array(self.evaluate(batch), dtype=np.float64)
    if not sums[3]:
      return {}
    return self.names.validation_record(_bits(sums[0], sums[3]),
                                        _bits(sums[1], sums[3]))


class _StopNote(object):
  """Where a run is, for the line of a stop (`stopping.stop_message`).

  Plain Python values, set by the main thread: the signal thread may read
  them while the main thread waits in TensorFlow.
  """

  def __init__(self, strategy):
    self._multi = cluster.is_multi_worker(strategy)
    self._chief = cluster.is_chief(strategy)
    self._who = cluster.task_name(strategy).capitalize()
    self.epoch = None  # The epoch being trained, if one is.
    self.done = None  # Epochs done, once the state is restored.
    self.checkpoint = None  # This process's checkpoint of `done`.

  def at(self, state, epoch=None):
    """Notes `state`'s epochs done and checkpoint (after restoring it, or
    after saving `epoch`)."""
    self.done = state.epochs_done if epoch is None else epoch
    self.checkpoint = state.last_checkpoint
    self.epoch = None

  def message(self, signal_name):
    """The line of a stop by `signal_name` now."""
    head = ('{} stopped by {}'.format(self._who, signal_name) if self._multi
            else 'Stopped by {}'.format(signal_name))
    rerun = 'rerun the same command' + (
        ' on every worker' if self._multi else '')
    if self.done is None:
      return '{} while starting; {}.'.format(head, rerun)
    if not self.done:
      resume = '{} to start again'.format(rerun)
    elif self._chief:
      resume = '{} to resume from {} (epoch {})'.format(
          rerun, self.checkpoint or 'its last checkpoint', self.done)
    else:
      resume = ('{} to resume from the chief\'s last checkpoint (epoch {})'
                .format(rerun, self.done))
    if self.epoch is not None:
      return '{} at epoch {}, which is lost; {}.'.format(head, self.epoch,
                                                        resume)
    if self.done:
      return '{} after epoch {}; {}.'.format(head, self.done, resume)
    return '{} before epoch 1; {}.'.format(head, resume)


def _bits(nll_nats, dims):
  """A sum of NLLs in nats as bits per dimension (`task.dims_of`)."""
  return nll_nats / (dims * math.log(2.))


class _Summaries(object):
  """TensorBoard scalars per step and epoch, and the epoch's samples; written
  by the chief only (another worker's are no-ops)."""

  def __init__(self, run, task, names, num_samples, sample_every, seed,
               scale):
    self._paths = run.paths
    self._task = task
    self._names = names
    self._num_samples = num_samples
    self._sample_every = sample_every
    self._seed = seed
    self._scale = scale
    self._writer = None
    if run.chief:
      self._writer = tf.summary.create_file_writer(run.paths.logs)
      os.makedirs(run.paths.samples, exist_ok=True)

  def step(self, loss_bits, iterations):
    if self._writer is None:
      return
    with self._writer.as_default():
      tf.summary.scalar(self._names.loss, loss_bits, step=iterations)

  def end_epoch(self, dist, record):
    if self._writer is None:
      return
    epoch = record['epoch']
    with self._writer.as_default():
      if self._names.validation in record:
        tf.summary.scalar(self._names.validation,
                          record[self._names.validation], step=epoch)
      if self._num_samples > 0 and epoch % self._sample_every == 0:
        self._task.write_samples(
            dist, self._num_samples, tf.constant([self._seed, epoch],
                                                 tf.int32),
            self._paths, epoch, scale=self._scale)
    self._writer.flush()

  def close(self):
    if self._writer is not None:
      self._writer.close()
