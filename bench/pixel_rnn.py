"""Benchmark: PixelRNN (Row LSTM, Diagonal BiLSTM) against PixelCNN at 28x28x1.

Prints one JSON object (one process, the load average at start and end):

* `sampling_fast_vs_full`: 16 images of 256 levels, for each architecture:
  the fast sampler (`dist.sample`, LSTM states carried pixel by pixel) against
  the plain full-pass sampler of the tests (`sampling.reference`, one network
  pass per pixel), same weights and noise, both in a `tf.function`, tracing
  excluded (a warm-up call, or `get_concrete_function`); the fast time is the
  best of `--repeats`. `same_images` counts the images both drew alike (with
  256 levels a float rounding may rarely flip a draw).
* `training`: steady-state training images/s of a plain `tf.function` step
  (Adam, `log_prob` of 256 levels, batch `--batch-size`) for PixelCNN,
  Row LSTM and Diagonal BiLSTM, best of `--rounds` rounds run in alternating
  order, and each model's time per image as a ratio to PixelCNN's. PixelCNN
  is `tfp_pixel.CategoricalPixelCNN(architecture='plain', num_filters=32,
  num_residual_blocks=12)`: 15 layers as the PixelRNN paper counts them, the
  7x7 mask-A layer, 12 residual blocks (1x1, 3x3 mask B, 1x1: one layer each)
  and the two ReLU + 1x1 layers (then the softmax's 1x1 output layer).
  `--jit` adds the XLA-compiled step.
* `sampling_vs_n`: the fast samplers of the three models for N images.

Usage: `python bench/pixel_rnn.py [--steps 6] [--rounds 2] [--repeats 2]
[--jit] [--skip-full] [--data DIR]`.
"""

import argparse
import json
import os
import sys
import time

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_MNIST = os.path.join(_REPO, '..', 'shared', 'data', 'mnist-5k')
sys.path.insert(0, _REPO)

import tensorflow as tf  # pylint: disable=g-import-not-at-top
import tf_keras  # pylint: disable=g-import-not-at-top

import tfp_pixel  # pylint: disable=g-import-not-at-top
from tfp_pixel import data  # pylint: disable=g-import-not-at-top
from tfp_pixel.sampling import reference  # pylint: disable=g-import-not-at-top

SHAPE = (28, 28, 1)
LEVELS = 256
MODELS = {
    'pixelcnn': lambda: tfp_pixel.CategoricalPixelCNN(
        SHAPE, LEVELS, architecture='plain', num_filters=32,
        num_residual_blocks=12, first_kernel_size=7, kernel_size=3),
    'row_lstm': lambda: tfp_pixel.PixelRNN(
        SHAPE, LEVELS, architecture='row_lstm', num_layers=4,
        hidden_units=16),
    'diagonal_bilstm': lambda: tfp_pixel.PixelRNN(
        SHAPE, LEVELS, architecture='diagonal_bilstm', num_layers=4,
        hidden_units=16),
}


def main(argv=None):
  args = _parse(argv)
  results = {'load_average_start': os.getloadavg(),
             'device': 'GPU' if tf.config.list_logical_devices('GPU')
                       else 'CPU',
             'shape': list(SHAPE), 'levels': LEVELS,
             'models': {
                 'pixelcnn': 'CategoricalPixelCNN plain, 32 filters, 7x7 '
                             'mask A + 12 residual blocks + 2 ReLU-1x1 '
                             'layers = 15 layers',
                 'row_lstm': 'PixelRNN row_lstm, 4 layers, 16 units',
                 'diagonal_bilstm': 'PixelRNN diagonal_bilstm, 4 layers, 16 '
                                    'units'}}
  if not args.skip_full:
    results['sampling_fast_vs_full'] = {
        name: _fast_vs_full(name, args) for name in ('row_lstm',
                                                     'diagonal_bilstm')}
  source = args.data if os.path.isdir(args.data) else None
  images = data.load_images(source, shape=SHAPE).images
  results['data'] = 'mnist-5k' if source else 'sklearn_digits'
  results['training'] = _training(images, args, jit=False)
  if args.jit:
    results['training_jit'] = _training(images, args, jit=True)
  results['sampling_vs_n'] = _sampling_vs_n(args)
  results['load_average_end'] = os.getloadavg()
  print(json.dumps(results, indent=2, sort_keys=True))


def _parse(argv):
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('--steps', type=int, default=6,
                      help='training steps per timed round')
  parser.add_argument('--rounds', type=int, default=2,
                      help='alternating training rounds (best counts)')
  parser.add_argument('--batch-size', type=int, default=32)
  parser.add_argument('--repeats', type=int, default=2,
                      help='timed runs of each fast sampler (best counts)')
  parser.add_argument('--sizes', type=int, nargs='+', default=[1, 4, 16, 64],
                      help='images drawn at once for sampling_vs_n')
  parser.add_argument('--jit', action='store_true',
                      help='also time the XLA-compiled training step')
  parser.add_argument('--skip-full', action='store_true',
                      help='leave out the (slow) full-pass sampler')
  parser.add_argument('--data', default=_MNIST,
                      help='image folder or file (default: mnist-5k beside '
                           'the project, else the offline digits)')
  return parser.parse_args(argv)


def _fast_vs_full(name, args, batch=16):
  tf_keras.utils.set_random_seed(0)
  dist = MODELS[name]()
  fast = _best_seconds(lambda: dist.sample(batch, seed=(1, 2)).numpy(),
                       args.repeats)
  full_function = tf.function(
      lambda: reference.sample_categorical(dist, batch, (1, 2)))
  full_function.get_concrete_function()
  start = time.perf_counter()
  full = full_function().numpy()
  full_seconds = time.perf_counter() - start
  same = (dist.sample(batch, seed=(1, 2)).numpy() == full).reshape(
      batch, -1).all(axis=1)
  return {'fast_seconds': fast, 'full_pass_seconds': full_seconds,
          'speedup': full_seconds / fast, 'same_images': int(same.sum()),
          'images': batch}


def _best_seconds(run, repeats):
  run()  # Traces (and builds) first.
  best = float('inf')
  for _ in range(repeats):
    start = time.perf_counter()
    run()
    best = min(best, time.perf_counter() - start)
  return best


def _training(images, args, jit):
  """Images/s of each model's training step, best of alternating rounds."""
  steps = {name: _train_step(name, jit) for name in MODELS}
  batches = [tf.constant(images[i * args.batch_size:
                                (i + 1) * args.batch_size])
             for i in range(len(images) // args.batch_size)][:args.steps]
  speed = {}
  for name, step in steps.items():
    step(batches[0])  # Traces (and compiles) the step.
  for round_index in range(args.rounds):
    names = list(MODELS) if round_index % 2 == 0 else list(MODELS)[::-1]
    for name in names:
      start = time.perf_counter()
      for batch in batches:
        float(steps[name](batch))
      seconds = time.perf_counter() - start
      speed[name] = max(speed.get(name, 0.),
                        len(batches) * args.batch_size / seconds)
  return {
      'batch_size': args.batch_size, 'timed_steps': len(batches),
      'images_per_second': speed,
      'time_per_image_vs_pixelcnn': {
          name: speed['pixelcnn'] / speed[name] for name in MODELS}}


def _train_step(name, jit):
  tf_keras.utils.set_random_seed(0)
  dist = MODELS[name]()
  optimizer = tf_keras.optimizers.Adam(1e-3)

  @tf.function(jit_compile=jit)
  def step(batch):
    levels = tfp_pixel.quantize(batch, LEVELS)
    with tf.GradientTape() as tape:
      loss = -tf.reduce_mean(dist.log_prob(levels, training=True))
    grads = tape.gradient(loss, dist.trainable_variables)
    optimizer.apply_gradients(zip(grads, dist.trainable_variables))
    return loss

  return step


def _sampling_vs_n(args):
  """Seconds to draw N images with each model's fast sampler."""
  results = {}
  for name, make in MODELS.items():
    tf_keras.utils.set_random_seed(0)
    dist = make()
    results[name] = {
        str(n): _best_seconds(
            lambda n=n: dist.sample(n, seed=(3, 4)).numpy(), args.repeats)
        for n in args.sizes}
  return results


if __name__ == '__main__':
  main()
