"""The training engine: `tfp_pixel.train`.

Minimises the mean negative `log_prob` of the training images with Adam, one
`tf.function` step per batch (XLA-compiled with `jit=True`) under a
`tf.distribute` strategy, and keeps everything in a run directory (see
`tfp_pixel.runs`): checkpoints every epoch, the best one on validation,
TensorBoard summaries, a PNG grid of samples and a metrics record per epoch.
Rerunning on the same run directory resumes where the last checkpoint left off.
A class-conditional configuration (`num_classes` set) trains `p(x | y)` on
`(images, labels)`, each label given to the model as a one-hot
`conditional_input`; its sample grids have one row per class.
"""

import collections
import math
import os
import sys
import time

import numpy as np
import tensorflow as tf
import tf_keras

from tfp_pixel import grids
from tfp_pixel import metrics
from tfp_pixel import models
from tfp_pixel import run_labels
from tfp_pixel import runs

__all__ = [
    'STRATEGIES',
    'NonFiniteLossError',
    'TrainResult',
    'make_strategy',
    'train',
]

STRATEGIES = ('default', 'mirrored', 'multiworker')

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


_NEEDS_LABELS = ('The model is class-conditional (num_classes={}): the '
                 'training data must be (images, labels).')
_BAD_LABEL = 'a training label is not a class of the model'


class NonFiniteLossError(RuntimeError):
  """The training loss became NaN or infinite; the run stopped."""


def make_strategy(strategy=None):
  """Returns the `tf.distribute.Strategy` named by `strategy`.

  Args:
    strategy: `None` (mirrored over all GPUs when there are several, else the
      default), `'default'`, `'mirrored'` (all GPUs, else all logical CPUs),
      `'multiworker'` (`MultiWorkerMirroredStrategy`, configured by
      `TF_CONFIG`), or a `tf.distribute.Strategy`.

  Returns:
    strategy: `tf.distribute.Strategy`.

  Raises:
    ValueError: for an unknown name.
  """
  if isinstance(strategy, tf.distribute.Strategy):
    return strategy
  gpus = tf.config.list_logical_devices('GPU')
  if strategy is None:
    strategy = 'mirrored' if len(gpus) > 1 else 'default'
  if strategy == 'default':
    return tf.distribute.get_strategy()
  if strategy == 'mirrored':
    devices = gpus or tf.config.list_logical_devices('CPU')
    return tf.distribute.MirroredStrategy([d.name for d in devices])
  if strategy == 'multiworker':
    return tf.distribute.MultiWorkerMirroredStrategy()
  raise ValueError('`strategy` must be one of {}, got {!r}.'.format(
      ', '.join(STRATEGIES), strategy))


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
    config: model configuration (`tfp_pixel.models.make_config`); needed for a
      new run, optional when resuming (it must then match the run's).
    run_dir: run directory; a new one under `runs_root` when `None`. If it
      holds a checkpoint, training resumes from it: same weights, optimizer
      state and epoch count.
    validation_data: held-out images, like `train_data`, or `None`.
    epochs: Python `int`, the total number of epochs the run should reach.
    steps_per_epoch: Python `int`, batches per epoch; `None` for a full pass.
    batch_size: Python `int`, the global batch (split across replicas); used
      for arrays (datasets come batched).
    learning_rate: Python `float`, Adam's learning rate.
    seed: Python `int`, seeds weights, shuffling, dropout and samples.
    jit: Python `bool`, whether to XLA-compile the training step.
    strategy: see `make_strategy`.
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
  if epochs < 0 or (steps_per_epoch is not None and steps_per_epoch < 1):
    raise ValueError('`epochs` must be >= 0 and `steps_per_epoch` >= 1, got '
                     '{} and {}.'.format(epochs, steps_per_epoch))
  if batch_size < 1 or learning_rate <= 0:
    raise ValueError('`batch_size` and `learning_rate` must be positive, got '
                     '{} and {}.'.format(batch_size, learning_rate))
  run_dir, config = _prepare_run(run_dir, config, runs_root)
  tf_keras.utils.set_random_seed(seed)
  strategy = make_strategy(strategy)
  train_ds = _as_dataset(train_data, config, batch_size, shuffle_seed=seed)
  val_ds = (None if validation_data is None else
            _as_dataset(validation_data, config, batch_size))
  paths = runs.run_paths(run_dir)
  with strategy.scope():
    dist = models.build_model(config)
    optimizer = tf_keras.optimizers.Adam(learning_rate)
    optimizer.build(dist.trainable_variables)
    epoch = tf.Variable(0, dtype=tf.int64, trainable=False, name='epoch')
    best = tf.Variable(np.inf, dtype=tf.float64, trainable=False, name='best')
  checkpoint = runs.make_checkpoint(dist, optimizer, epoch=epoch, best=best)
  last = tf.train.CheckpointManager(checkpoint, paths.checkpoints,
                                    max_to_keep=keep_checkpoints)
  best_manager = tf.train.CheckpointManager(checkpoint, paths.best,
                                            max_to_keep=1)
  if last.latest_checkpoint:
    checkpoint.restore(last.latest_checkpoint).assert_existing_objects_matched()
    optimizer.learning_rate.assign(learning_rate)  # The caller's, not the saved.
  else:
    # Data-dependent initialization, in cross-replica context, on real data.
    images, labels = _images_and_labels(next(iter(train_ds)))
    with strategy.scope():
      dist.log_prob(models.images_to_events(images, config),
                    conditional_input=run_labels.conditional_input(labels,
                                                                   config))

  train_step = _make_train_step(dist, optimizer, config, strategy, jit)
  evaluate = tf.function(
      lambda batch: _nll(dist, config, *_images_and_labels(batch),
                         training=False),
      jit_compile=jit, reduce_retracing=True)
  sample = _grid_sampler(dist, config, num_samples)
  writer = tf.summary.create_file_writer(paths.logs)
  os.makedirs(paths.samples, exist_ok=True)
  num_dims = float(np.prod(config['image_shape']))
  steps_total = _steps_in_epoch(train_ds, steps_per_epoch)

  for epoch_index in range(int(epoch.numpy()), epochs):
    progress = _Progress(epoch_index + 1, epochs, steps_total, verbose)
    nll_sums = np.zeros(2)
    num_images = 0
    start, start_cpu = time.perf_counter(), time.process_time()
    for step_index, batch in enumerate(train_ds):
      if steps_per_epoch is not None and step_index >= steps_per_epoch:
        break
      sums = np.array(train_step(batch), dtype=np.float64)
      count = int(_images_and_labels(batch)[0].shape[0])
      if not np.all(np.isfinite(sums)):
        progress.close()
        raise NonFiniteLossError(
            'Training loss became {} at epoch {}, step {}; stopped. The last '
            'good checkpoint is {}. Try a lower learning rate.'.format(
                sums[0], epoch_index + 1, step_index + 1,
                last.latest_checkpoint or 'none (no epoch had finished)'))
      nll_sums += sums
      num_images += count
      loss_bits = metrics.bits_per_dim(sums[0] / count,
                                       config['image_shape'])
      progress.update(step_index + 1, loss_bits)
      with writer.as_default():
        tf.summary.scalar('loss_bits_per_dim', loss_bits,
                          step=optimizer.iterations)
    train_seconds = time.perf_counter() - start
    train_cpu_seconds = time.process_time() - start_cpu
    progress.close()
    if num_images == 0:
      raise ValueError('The training data is empty.')
    record = {
        'epoch': epoch_index + 1,
        'step': int(optimizer.iterations.numpy()),
        'images': num_images,
        'loss_bits_per_dim': nll_sums[0] / num_images / num_dims / math.log(2),
        'loss_bits_per_dim_levels': (nll_sums[1] / num_images / num_dims /
                                     math.log(2)),
        'train_seconds': train_seconds,
        'train_cpu_seconds': train_cpu_seconds,
        'images_per_second': num_images / max(train_seconds, 1e-9),
    }
    val = None if val_ds is None else _evaluate_dataset(evaluate, val_ds)
    if val is not None:
      record['val_bits_per_dim'] = val[0] / num_dims / math.log(2)
      record['val_bits_per_dim_levels'] = val[1] / num_dims / math.log(2)
    score = record.get('val_bits_per_dim', record['loss_bits_per_dim'])
    with writer.as_default():
      step = epoch_index + 1
      if 'val_bits_per_dim' in record:
        tf.summary.scalar('val_bits_per_dim', record['val_bits_per_dim'],
                          step=step)
      if num_samples > 0 and (epoch_index + 1) % sample_every == 0:
        events, num_columns = sample(
            tf.constant([seed, epoch_index + 1], tf.int32))
        grid = grids.image_grid(models.events_to_images(events, config),
                                num_columns=num_columns)
        grids.write_png(os.path.join(
            paths.samples, 'epoch-{:03d}.png'.format(epoch_index + 1)), grid)
        tf.summary.image('samples', grid[np.newaxis], step=step)
    writer.flush()
    runs.append_metrics(run_dir, record)
    epoch.assign(epoch_index + 1)
    if score < best.numpy():
      best.assign(score)
      best_manager.save(checkpoint_number=epoch_index + 1)
    last.save(checkpoint_number=epoch_index + 1)
    if verbose:
      print(_epoch_summary(record), file=sys.stderr)
  writer.close()
  return TrainResult(run_dir=run_dir, epoch=int(epoch.numpy()),
                     metrics=runs.read_metrics(run_dir),
                     step_traces=train_step.experimental_get_tracing_count(),
                     distribution=dist)


def _prepare_run(run_dir, config, runs_root):
  """Returns the run directory and its configuration, creating a new run."""
  if run_dir is not None and os.path.isfile(runs.run_paths(run_dir).config):
    stored = runs.read_config(run_dir)
    if config is not None:
      wanted = _complete(config)
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
    config = _complete(config)
    run_dir = run_dir or runs.new_run_dir(runs_root)
    runs.write_config(run_dir, config)
  runs.record_latest(run_dir, runs_root)
  return os.fspath(run_dir), config


def _complete(config):
  rest = dict(config)
  return models.make_config(rest.pop('model', None),
                            rest.pop('image_shape', None),
                            rest.pop('num_levels', 256), **rest)


def _as_dataset(data, config, batch_size, shuffle_seed=None):
  """Returns a `tf.data.Dataset` of batches of the model's shape.

  Batches are uint8 images, or `(images, labels)` for a class-conditional
  model, whose labels are checked to be classes of the model.
  """
  image_shape = tuple(config['image_shape'])
  conditional = run_labels.is_conditional(config)
  if isinstance(data, tf.data.Dataset):
    spec = data.element_spec
    labelled = isinstance(spec, (tuple, list))
    if conditional and not labelled:
      raise ValueError(_NEEDS_LABELS.format(config['num_classes']))
    if labelled:
      data = data.map(
          (lambda images, labels, *_: (images, _checked_labels(labels,
                                                               config)))
          if conditional else (lambda images, *_: images))
      spec = data.element_spec
    image_spec = spec[0] if conditional else spec
    if tuple(image_spec.shape[-3:]) != image_shape:
      raise ValueError('Training images have shape {}, the model {}.'.format(
          tuple(image_spec.shape[1:]), image_shape))
    return data
  labels = None
  if isinstance(data, tuple):
    if len(data) != 2:
      raise ValueError('Training data must be images or an (images, labels) '
                       'pair, got a tuple of {}.'.format(len(data)))
    data, labels = data
  if conditional and labels is None:
    raise ValueError(_NEEDS_LABELS.format(config['num_classes']))
  images = np.asarray(data)
  if images.ndim != 4 or images.shape[1:] != image_shape:
    raise ValueError('Images must have shape [N, {}, {}, {}], got {}.'.format(
        *image_shape, list(images.shape)))
  if len(images) == 0:
    raise ValueError('No images to train on.')
  tensors = images.astype(np.uint8)
  if conditional:
    labels = run_labels.check_labels(labels, config['num_classes'], 'label')
    if labels.shape != (len(images),):
      raise ValueError('{} labels for {} images; give one class id per image.'
                       .format(labels.size, len(images)))
    tensors = (tensors, labels)
  dataset = tf.data.Dataset.from_tensor_slices(tensors)
  if shuffle_seed is not None:
    dataset = dataset.shuffle(len(images), seed=shuffle_seed,
                              reshuffle_each_iteration=True)
  return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def _nll(dist, config, images, labels, training):
  """Per-image negative log-likelihoods `[batch]`: (8-bit, own levels)."""
  events = models.images_to_events(images, config)
  nll_levels = -dist.log_prob(
      events, conditional_input=run_labels.conditional_input(labels, config),
      training=training)
  levels = tf.cast(events, tf.int32)
  return metrics.eight_bit_nll(nll_levels, levels,
                               config['num_levels']), nll_levels


def _make_train_step(dist, optimizer, config, strategy, jit):
  """Returns the `tf.function` of one step on a global batch.

  A batch is uint8 images, or `(images, labels)`. Each replica takes every
  `num_replicas`-th image (and label) of the global batch and
  minimises its share of the global mean negative log-likelihood; the
  optimizer sums the replicas' gradients. The step returns the global sums of
  the 8-bit and own-level negative log-likelihoods.
  """
  variables = dist.trainable_variables

  def gradients(images, labels, global_count):
    with tf.GradientTape() as tape:
      nll_8bit, nll_levels = _nll(dist, config, images, labels, training=True)
      loss = tf.reduce_sum(nll_levels) / global_count
    grads = tape.gradient(loss, variables)
    return grads, tf.stack([tf.reduce_sum(nll_8bit),
                            tf.reduce_sum(nll_levels)])

  single = strategy.num_replicas_in_sync == 1

  def replica_step(global_batch):
    context = tf.distribute.get_replica_context()
    global_images, global_labels = _images_and_labels(global_batch)
    count = tf.cast(tf.shape(global_images)[0], tf.float32)
    share = slice(context.replica_id_in_sync_group, None,
                  context.num_replicas_in_sync)
    labels = None if global_labels is None else global_labels[share]
    grads, sums = compute(global_images[share], labels, count)
    optimizer.apply_gradients(zip(grads, variables))
    return sums

  if jit and single:
    compute = gradients
    replica_step = tf.function(replica_step, jit_compile=True)
  else:
    compute = tf.function(gradients, jit_compile=True) if jit else gradients

  @tf.function(reduce_retracing=True)
  def train_step(global_batch):
    sums = strategy.run(replica_step, (global_batch,))
    return strategy.reduce(tf.distribute.ReduceOp.SUM, sums, axis=None)

  return train_step


def _evaluate_dataset(evaluate, dataset):
  """Mean (8-bit, own-level) negative log-likelihood over `dataset`."""
  sums, count = np.zeros(2), 0
  for batch in dataset:
    nll_8bit, nll_levels = evaluate(batch)
    sums += [float(tf.reduce_sum(nll_8bit)), float(tf.reduce_sum(nll_levels))]
    count += int(nll_8bit.shape[0])
  return sums / count if count else None


def _images_and_labels(batch):
  """`(images, labels)` of a batch; labels are `None` in an image batch."""
  if isinstance(batch, (tuple, list)):
    return batch[0], batch[1]
  return batch, None


def _checked_labels(labels, config):
  """`labels` of a dataset batch, with an error if one is not a class."""
  labels = tf.cast(labels, tf.int64)
  with tf.control_dependencies([
      tf.debugging.assert_non_negative(labels, message=_BAD_LABEL),
      tf.debugging.assert_less(labels, tf.cast(config['num_classes'],
                                               tf.int64),
                               message=_BAD_LABEL)]):
    return tf.identity(labels)


def _grid_sampler(dist, config, num_samples):
  """A function of a seed returning `(events, num_columns)` of a sample grid.

  A class-conditional model's grid has one row per class (the first
  `run_labels.MAX_GRID_CLASSES`), `ceil(num_samples / rows)` columns.
  """
  if not run_labels.is_conditional(config):
    return lambda seed: (dist.sample(num_samples, seed=seed), None)
  num_classes = config['num_classes']
  rows = min(num_classes, run_labels.MAX_GRID_CLASSES)
  per_class = max(1, -(-num_samples // rows))
  labels = run_labels.per_class_labels(num_classes, per_class)
  onehot = run_labels.conditional_input(labels, config)
  return lambda seed: (dist.sample(len(labels), seed=seed,
                                   conditional_input=onehot), per_class)


def _steps_in_epoch(dataset, steps_per_epoch):
  cardinality = int(dataset.cardinality().numpy())
  if cardinality < 0:
    return steps_per_epoch
  return min(cardinality, steps_per_epoch or cardinality)


def _epoch_summary(record):
  text = 'epoch {epoch}: loss {loss_bits_per_dim:.4f} bits/dim'.format(
      **record)
  if 'val_bits_per_dim' in record:
    text += ', validation {:.4f} bits/dim'.format(record['val_bits_per_dim'])
  return text + ' ({:.0f} images/s)'.format(record['images_per_second'])


class _Progress(object):
  """A one-line progress bar on stderr, redrawn at most ten times a second."""

  def __init__(self, epoch, epochs, total, enabled):
    self._label = 'epoch {}/{}'.format(epoch, epochs)
    self._total = total
    self._enabled = enabled and sys.stderr.isatty()
    self._last_draw = 0.
    self._drawn = False

  def update(self, step, loss_bits):
    now = time.monotonic()
    if not self._enabled or (now - self._last_draw < .1 and
                             step != self._total):
      return
    self._last_draw = now
    if self._total:
      filled = int(30 * step / self._total)
      bar = '[{}{}] {}/{}'.format('#' * filled, '.' * (30 - filled), step,
                                  self._total)
    else:
      bar = 'step {}'.format(step)
    sys.stderr.write('\r{} {} loss {:.4f} bits/dim'.format(
        self._label, bar, loss_bits))
    sys.stderr.flush()
    self._drawn = True

  def close(self):
    if self._drawn:
      sys.stderr.write('\n')
      sys.stderr.flush()
      self._drawn = False
