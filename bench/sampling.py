"""Benchmark: sampling time of our samplers against the stock / full-pass ones.

Prints one JSON object. For each model at `--size`x`--size`x1:

* `mixture`: `tfp_pixel.PixelCNN` (the book model: resnet 1, hierarchies 2,
  32 filters, 5 logistics), against stock `tfd.PixelCNN._sample_n` run on the
  same distribution object (same network, same weights);
* `plain`, `gated`: `tfp_pixel.CategoricalPixelCNN` (256 levels, 64 filters,
  5 blocks), against its full-pass sampler (`tfp_pixel.sampling.reference`,
  one network pass per pixel, as in the tests).

What is timed: `dist.sample(batch, seed=...)` inside a `tf.function`, without
(`ours_s`) and with XLA (`ours_xla_s`, `tf.function(jit_compile=True)`), the
fastest of `--repeats` calls after a first (tracing and compiling) one, the
two alternating so that other processes disturb them alike; `xla_compile_s` is
the first compiled call less a timed one. `xla_images_differing`,
`xla_pixels_differing_fraction` and `xla_first_differing_row` compare the
images of the two under the same seed (equal up to float round-off: a
uniform that XLA's rounding puts across a level boundary changes that pixel
and the later ones). Each baseline, also in a
`tf.function` without XLA, is timed once after one warm-up call, at the
batches of `--baseline-batches` only (default 16: stock takes about a minute
for 16 images on 2 cores, minutes for 64); `--scale-baselines` estimates the
others as the batch-16 time times `batch / 16` (labelled `_estimate`; the
baselines' time grows more slowly than the batch, so estimates overstate the
speedup above 16 and understate it below). `speedup` and `speedup_xla` are
baseline over ours. Weights are random (seeded); weight norm is initialized
from a batch of random images. Our sampler walks each row pixel by pixel
(`network_steps_per_row`: the network is brought up to date that many times a
row, a few positions per layer each time), so its time does not depend on the
weights; the baselines' does not either. `load_average` is
`os.getloadavg()` at the start and at the end: an idle machine reads below 1
per core.

The default run (every model, batches 1, 16 and 64, baselines at 16) takes
about 10 minutes on an idle 2-core CPU. Run from the repository root:

  python bench/sampling.py [--models mixture plain gated] [--batches 1 16 64]
      [--baseline-batches 16] [--scale-baselines] [--repeats 3] [--size 28]
"""

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # pylint: disable=g-import-not-at-top
import tensorflow as tf  # pylint: disable=g-import-not-at-top
import tensorflow_probability as tfp  # pylint: disable=g-import-not-at-top
from tensorflow_probability.python.internal import tf_keras  # pylint: disable=g-import-not-at-top

import tfp_pixel  # pylint: disable=g-import-not-at-top
from tfp_pixel.sampling import reference  # pylint: disable=g-import-not-at-top

tfd = tfp.distributions

MODELS = {
    'mixture': dict(num_resnet=1, num_hierarchies=2, num_filters=32,
                    num_logistic_mix=5, dropout_p=0.),
    'plain': dict(num_levels=256, num_filters=64, num_residual_blocks=5,
                  architecture='plain'),
    'gated': dict(num_levels=256, num_filters=64, num_residual_blocks=5,
                  architecture='gated'),
}
SEED = (1, 2)


def main(argv=None):
  args = _parse(argv)
  # Each batch size gets its own functions: retracing is intended.
  tf.get_logger().setLevel('ERROR')
  results = {'command': ' '.join(['python', 'bench/sampling.py'] +
                                 sys.argv[1:]),
             'load_average': {'start': os.getloadavg()},
             'device': _device(), 'shape': [args.size, args.size, 1],
             'repeats': args.repeats}
  for name in args.models:
    results[name] = _model(name, args)
  results['load_average']['end'] = os.getloadavg()
  print(json.dumps(results, indent=2))


def _parse(argv):
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('--models', nargs='+', choices=sorted(MODELS),
                      default=['mixture', 'plain', 'gated'])
  parser.add_argument('--batches', type=int, nargs='+', default=[1, 16, 64],
                      help='batch sizes of our samplers')
  parser.add_argument('--baseline-batches', type=int, nargs='*',
                      default=[16], help='batch sizes the baselines are '
                      'timed at (each a minute or more)')
  parser.add_argument('--scale-baselines', action='store_true',
                      help='estimate the untimed baselines from batch 16')
  parser.add_argument('--repeats', type=int, default=3,
                      help='timed calls of our samplers (the best counts)')
  parser.add_argument('--size', type=int, default=28,
                      help='image height and width (one channel)')
  return parser.parse_args(argv)


def _model(name, args):
  """Times one model at every batch size."""
  shape = (args.size, args.size, 1)
  dist = _distribution(name, shape)
  sampler = dist.pixel_sampler(1)
  result = {'config': {key: value for key, value in MODELS[name].items()},
            'baseline': ('stock tfd.PixelCNN._sample_n' if name == 'mixture'
                         else 'tfp_pixel.sampling.reference (full passes)'),
            'network_steps_per_row': args.size * sampler.sweeps_per_pixel}
  baselines = {}
  for batch in sorted(set(args.baseline_batches)):
    baselines[batch] = _time_once(_baseline(name, dist, batch))
  for batch in args.batches:
    timing = _ours(dist, batch, args.repeats)
    baseline = baselines.get(batch)
    key = 'baseline_s'
    if baseline is None and args.scale_baselines and 16 in baselines:
      baseline, key = baselines[16] * batch / 16, 'baseline_s_estimate'
    if baseline is not None:
      timing[key] = round(baseline, 2)
      timing['speedup'] = round(baseline / timing['ours_s'], 1)
      timing['speedup_xla'] = round(baseline / timing['ours_xla_s'], 1)
    result['batch_{}'.format(batch)] = timing
  return result


def _distribution(name, shape):
  """The model with seeded random weights."""
  if name == 'mixture':
    tf_keras.utils.set_random_seed(0)
    dist = tfp_pixel.PixelCNN(shape, **MODELS[name])
    # Weight norm initializes itself from the first batch: random images.
    images = tf.random.stateless_uniform([16, *shape], (0, 1), 0, 256,
                                         tf.int32)
    dist.log_prob(tf.cast(images, tf.float32))
    return dist
  tf.random.set_seed(0)
  return tfp_pixel.CategoricalPixelCNN(shape, **MODELS[name])


def _baseline(name, dist, batch):
  if name == 'mixture':
    return tf.function(lambda: tfd.PixelCNN._sample_n(dist, batch, seed=3))  # pylint: disable=protected-access
  return tf.function(lambda: reference.sample_categorical(dist, batch, SEED))


def _ours(dist, batch, repeats):
  """Our sampler without and with XLA: best seconds, and XLA's compile
  time."""
  functions = {
      jit: tf.function(lambda: dist.sample(batch, seed=SEED),
                       jit_compile=jit)
      for jit in (False, True)}
  first = {jit: _seconds(function) for jit, function in functions.items()}
  best = {jit: [] for jit in functions}
  for _ in range(repeats):
    for jit, function in functions.items():
      best[jit].append(_seconds(function))
  best = {jit: min(times) for jit, times in best.items()}
  return dict({'ours_s': round(best[False], 3),
               'ours_xla_s': round(best[True], 3),
               'xla_compile_s': round(first[True] - best[True], 1)},
              **_xla_differences(functions[False](), functions[True]()))


def _xla_differences(plain, compiled):
  """Where the images drawn with and without XLA (same noise) differ: XLA
  rounds a few floats otherwise, and a uniform within round-off of a level
  boundary draws the neighbouring level, which changes the later pixels."""
  differ = plain.numpy() != compiled.numpy()
  rows = np.nonzero(differ.any(axis=(0, 2, 3)))[0]
  return {'xla_images_differing': int(differ.any(axis=(1, 2, 3)).sum()),
          'xla_pixels_differing_fraction': round(float(differ.mean()), 5),
          'xla_first_differing_row': int(rows[0]) if len(rows) else None}


def _time_once(function):
  """Seconds of one call after a warm-up call."""
  _seconds(function)
  return _seconds(function)


def _seconds(function):
  begin = time.perf_counter()
  tf.nest.map_structure(lambda t: t.numpy(), function())
  return time.perf_counter() - begin


def _device():
  gpus = tf.config.list_physical_devices('GPU')
  if gpus:
    return 'GPU: ' + tf.config.experimental.get_device_details(gpus[0]).get(
        'device_name', gpus[0].name)
  return 'CPU: {} cores visible'.format(os.cpu_count())


if __name__ == '__main__':
  main()
