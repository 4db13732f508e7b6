"""Times sampling of 16 images: our sampler against the stock/full-pass ones.

Prints one JSON object. For `tfp_pixel.PixelCNN` the baseline is stock
`tfd.PixelCNN._sample_n` run on the same distribution object (same network,
same weights) inside a `tf.function`; for `tfp_pixel.CategoricalPixelCNN` it
is the full-pass reference sampler of the tests (one network pass per pixel
and channel), also inside a `tf.function`; `--gated` times the gated
categorical model (`architecture='gated'`, same sizes) the same way instead.
Every timing excludes tracing (a warm-up call, or `get_concrete_function`,
comes first) and is the best of `--repeats` runs. Weights are random (seeded); weight norm is initialized from
a batch of random images. Our sampler's time depends on the weights (it solves
each row as a fixed point; see `tfp_pixel.sampling`), the baselines' do not.

Run from the repository root:

  python bench/sampling.py [--shapes 28 32] [--repeats 2] [--skip-baselines]
      [--gated]
"""

import argparse
import json
import os
import sys
import time

import tensorflow as tf
import tensorflow_probability as tfp
from tensorflow_probability.python.internal import tf_keras

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import tfp_pixel  # pylint: disable=g-import-not-at-top
from tfp_pixel.sampling import reference  # pylint: disable=g-import-not-at-top

tfd = tfp.distributions

BATCH = 16
MIXTURE = dict(num_resnet=1, num_hierarchies=2, num_filters=32,
               num_logistic_mix=5, dropout_p=0.)
CATEGORICAL = dict(num_levels=256, num_filters=64, num_residual_blocks=5)


def main():
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('--shapes', type=int, nargs='+', default=[28, 32],
                      help='image sizes (square, one channel)')
  parser.add_argument('--repeats', type=int, default=2,
                      help='timed runs of our samplers (best is reported)')
  parser.add_argument('--skip-baselines', action='store_true',
                      help='time our samplers only')
  parser.add_argument('--gated', action='store_true',
                      help='time the gated categorical model only')
  args = parser.parse_args()
  results = {'batch': BATCH, 'device': _device(), 'categorical': CATEGORICAL}
  if not args.gated:
    results['mixture'] = MIXTURE
  for size in args.shapes:
    shape = (size, size, 1)
    key = '{0}x{0}x1'.format(size)
    if args.gated:
      results['gated_' + key] = _categorical(shape, args, 'gated')
      continue
    results['mixture_' + key] = _mixture(shape, args)
    results['categorical_' + key] = _categorical(shape, args)
  print(json.dumps(results, indent=2))


def _mixture(shape, args):
  tf_keras.utils.set_random_seed(0)
  dist = tfp_pixel.PixelCNN(shape, **MIXTURE)
  # Weight norm initializes itself from the first batch: random images.
  images = tf.random.stateless_uniform([BATCH, *shape], (0, 1), 0, 256,
                                       tf.int32)
  dist.log_prob(tf.cast(images, tf.float32))
  ours = _best(lambda: dist.sample(BATCH, seed=(1, 2)), args.repeats)
  result = {'ours_s': ours}
  if not args.skip_baselines:
    stock = tf.function(lambda: tfd.PixelCNN._sample_n(dist, BATCH, seed=3))  # pylint: disable=protected-access
    stock = stock.get_concrete_function()
    result['stock_s'] = _best(stock, 1)
    result['speedup'] = result['stock_s'] / ours
  return result


def _categorical(shape, args, architecture='plain'):
  tf.random.set_seed(0)
  dist = tfp_pixel.CategoricalPixelCNN(shape, architecture=architecture,
                                       **CATEGORICAL)
  ours = _best(lambda: dist.sample(BATCH, seed=(1, 2)), args.repeats)
  result = {'ours_s': ours}
  if not args.skip_baselines:
    full_pass = tf.function(
        lambda: reference.sample_categorical(dist, BATCH, (1, 2)))
    full_pass = full_pass.get_concrete_function()
    result['full_pass_s'] = _best(full_pass, 1)
    result['speedup'] = result['full_pass_s'] / ours
  return result


def _best(run, repeats):
  """Seconds of the fastest of `repeats` runs, after one warm-up run for
  Python callables (concrete functions are traced already)."""
  if not isinstance(run, tf.types.experimental.ConcreteFunction):
    tf.nest.map_structure(lambda t: t.numpy(), run())
  times = []
  for _ in range(repeats):
    begin = time.perf_counter()
    tf.nest.map_structure(lambda t: t.numpy(), run())
    times.append(time.perf_counter() - begin)
  return round(min(times), 3)


def _device():
  gpus = tf.config.list_physical_devices('GPU')
  if gpus:
    return 'GPU: ' + tf.config.experimental.get_device_details(gpus[0]).get(
        'device_name', gpus[0].name)
  return 'CPU: {} cores visible'.format(os.cpu_count())


if __name__ == '__main__':
  main()
