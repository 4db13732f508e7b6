"""Benchmark: training throughput of `tfp_pixel.train` against a plain loop.

Prints one JSON object:

* `images_per_second`: our engine (`tfp_pixel.train`), a plain hand-written
  `tf.function` loop over stock `tfp.distributions.PixelCNN`, and the same loop
  over `tfp_pixel.PixelCNN` (the engine's model), each without and with XLA
  (`jit`). Same network sizes, batch and data; steady state: the fastest of
  `--repeats` passes after the first (tracing/compiling) one, over `--rounds`
  rounds run in alternating order, so that other processes on the machine
  disturb it least. `cpu_images_per_second` divides by the process's CPU time
  instead of wall time. The stock model with `jit` recompiles on every step,
  so it is timed over a few steps only (`stock_jit_seconds_per_step`).
* `ratio_*`: engine images/s over plain-loop images/s (>= 0.95: the engine
  costs nothing).
* `quality`: validation bits/dim of the engine after `--quality-steps` steps on
  the real digits (`../shared/data/mnist-5k` beside the project if present,
  else scikit-learn's offline digits).

Usage: `python bench/train.py [--steps 20] [--rounds 2] [--shape 16x16x1]
[--no-jit]`.
"""

import argparse
import json
import os
import sys
import tempfile
import time

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_MNIST = os.path.join(_REPO, '..', 'shared', 'data', 'mnist-5k')
sys.path.insert(0, _REPO)

import tensorflow as tf  # pylint: disable=g-import-not-at-top
import tensorflow_probability as tfp  # pylint: disable=g-import-not-at-top
import tf_keras  # pylint: disable=g-import-not-at-top

import tfp_pixel  # pylint: disable=g-import-not-at-top
from tfp_pixel import data  # pylint: disable=g-import-not-at-top
from tfp_pixel.families import registry  # pylint: disable=g-import-not-at-top


def main(argv=None):
  args = _parse(argv)
  shape = data.parse_shape(args.shape)
  source = _MNIST if os.path.isdir(_MNIST) else None
  images = data.load_images(source, shape=shape).images
  config = tfp_pixel.make_config('pixelcnn', shape, num_filters=args.filters,
                                 num_logistic_mix=args.mix)
  train_images = images[:args.steps * args.batch_size]
  results = {'load_average': os.getloadavg(),
             'device': 'GPU' if tf.config.list_logical_devices('GPU')
                       else 'CPU',
             'data': 'mnist-5k' if source else 'sklearn_digits',
             'shape': list(shape), 'batch_size': args.batch_size,
             'timed_steps': args.steps,
             'model': {key: config[key] for key in (
                 'num_filters', 'num_logistic_mix', 'num_resnet',
                 'num_hierarchies', 'dropout_p')},
             'images_per_second': {}, 'cpu_images_per_second': {}}
  for jit in ([False] if args.no_jit else [False, True]):
    _time_rounds(results, args, config, train_images, jit)
  results['quality'] = _quality(config, images, args)
  print(json.dumps(results, indent=2, sort_keys=True))


def _parse(argv):
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('--steps', type=int, default=8,
                      help='steps per timed pass')
  parser.add_argument('--repeats', type=int, default=3,
                      help='timed passes; the fastest counts')
  parser.add_argument('--batch-size', type=int, default=32)
  parser.add_argument('--shape', default='16x16x1')
  parser.add_argument('--filters', type=int, default=32)
  parser.add_argument('--mix', type=int, default=5)
  parser.add_argument('--stock-jit-steps', type=int, default=1)
  parser.add_argument('--quality-steps', type=int, default=60)
  parser.add_argument('--no-jit', action='store_true')
  parser.add_argument('--rounds', type=int, default=2,
                      help='alternating rounds of the timings without jit')
  return parser.parse_args(argv)


def _time_rounds(results, args, config, train_images, jit):
  """Times the engine and both plain loops, best over alternating rounds,
  and records their speeds and ratios in `results`."""
  suffix = '_jit' if jit else ''
  speed = results['images_per_second']
  cpu_speed = results['cpu_images_per_second']
  runners = {
      'engine': lambda: _engine_speed(config, train_images, args, jit) +
                        (None,),
      'plain_ours': lambda: _plain_speed(tfp_pixel.PixelCNN, config,
                                         train_images, args, jit),
      'plain_stock': lambda: _plain_speed(
          tfp.distributions.PixelCNN, config, train_images, args, jit,
          steps=args.stock_jit_steps if jit else None)}
  # Rounds in alternating order (A B C, then C B A, ...), best of all, so
  # that a slow spell of the machine does not land on one side only.
  for round_index in range(1 if jit else args.rounds):
    names = list(runners) if round_index % 2 == 0 else list(runners)[::-1]
    for name in names:
      images_per_second, cpu_images_per_second, seconds = runners[name]()
      key = name + suffix
      speed[key] = max(speed.get(key, 0.), images_per_second)
      cpu_speed[key] = max(cpu_speed.get(key, 0.), cpu_images_per_second)
      if jit and name == 'plain_stock':
        results['stock_jit_seconds_per_step'] = seconds
  for name in ('ours', 'stock'):
    key = 'ratio_engine_vs_plain_{}{}'.format(name, suffix)
    results[key] = speed['engine' + suffix] / speed[
        'plain_{}{}'.format(name, suffix)]
    results['cpu_' + key] = cpu_speed['engine' + suffix] / cpu_speed[
        'plain_{}{}'.format(name, suffix)]


def _dataset(train_images, batch_size):
  return tf.data.Dataset.from_tensor_slices(train_images).shuffle(
      len(train_images), seed=0).batch(batch_size, drop_remainder=True
                                      ).prefetch(tf.data.AUTOTUNE)


def _engine_speed(config, train_images, args, jit):
  """Steady-state images/s (wall, CPU) of `tfp_pixel.train`."""
  with tempfile.TemporaryDirectory() as root:
    result = tfp_pixel.train(
        _dataset(train_images, args.batch_size), config,
        run_dir=os.path.join(root, 'run'), epochs=1 + args.repeats, jit=jit,
        num_samples=0, verbose=False, runs_root=os.path.join(root, 'runs'))
  steady = result.metrics[1:]
  num_images = len(train_images)
  return (num_images / min(m['train_seconds'] for m in steady),
          num_images / min(m['train_cpu_seconds'] for m in steady))


def _plain_speed(make_dist, config, train_images, args, jit, steps=None):
  """Images/s (wall, CPU) and seconds per step of a plain `tf.function`
  loop over `make_dist` with the configuration's network."""
  tf_keras.utils.set_random_seed(0)
  kwargs = registry.model_kwargs(config)
  kwargs['receptive_field_dims'] = tuple(kwargs['receptive_field_dims'])
  dist = make_dist(image_shape=tuple(config['image_shape']), **kwargs)
  optimizer = tf_keras.optimizers.Adam(1e-3)

  @tf.function(jit_compile=jit)
  def step(batch):
    with tf.GradientTape() as tape:
      loss = -tf.reduce_mean(dist.log_prob(tf.cast(batch, tf.float32),
                                           training=True))
    grads = tape.gradient(loss, dist.trainable_variables)
    optimizer.apply_gradients(zip(grads, dist.trainable_variables))
    return loss

  def epoch(limit):
    start, start_cpu, count = time.perf_counter(), time.process_time(), 0
    for i, batch in enumerate(_dataset(train_images, args.batch_size)):
      if limit is not None and i >= limit:
        break
      float(step(batch))
      count += int(batch.shape[0])
    return (time.perf_counter() - start, time.process_time() - start_cpu,
            count)

  epoch(1 if steps else None)  # Traces (and compiles) the step.
  passes = [epoch(steps) for _ in range(1 if steps else args.repeats)]
  seconds = min(p[0] for p in passes)
  cpu_seconds = min(p[1] for p in passes)
  count = passes[0][2]
  return count / seconds, count / cpu_seconds, seconds / max(
      count // args.batch_size, 1)


def _quality(config, images, args):
  """Validation bits/dim of the engine after `--quality-steps` steps."""
  train_ds, val_ds = data.make_datasets(images, batch_size=args.batch_size,
                                        validation_fraction=0.1, seed=0)
  start = time.perf_counter()
  with tempfile.TemporaryDirectory() as root:
    result = tfp_pixel.train(
        train_ds, config, run_dir=os.path.join(root, 'run'), epochs=1,
        steps_per_epoch=args.quality_steps, validation_data=val_ds,
        num_samples=0, verbose=False, runs_root=os.path.join(root, 'runs'))
  return {'steps': args.quality_steps,
          'val_bits_per_dim': result.metrics[-1]['val_bits_per_dim'],
          'train_bits_per_dim': result.metrics[-1]['loss_bits_per_dim'],
          'seconds': time.perf_counter() - start}


if __name__ == '__main__':
  main()
