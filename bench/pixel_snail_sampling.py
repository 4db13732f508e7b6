"""Benchmark: PixelSNAIL's fast sampler against the full-pass sampler, and
how its time grows with the image.

Prints one JSON object:

* `fast_vs_full`: at `--shape` (28x28x1) and `--batch` (16) images, the
  seconds of `dist.sample` (the fast sampler, uncompiled as on a CPU by
  default, then compiled with XLA) and of the plain reference sampler
  (`sampling.reference`, one full network pass per pixel, in a
  `tf.function`), each the steady-state call after a first (tracing,
  compiling) one; their ratios; and where the images of the two from the
  same seed differ (`images_differing`, `first_difference`: float round-off
  puts a uniform across a value boundary now and then, the neighbouring
  value is drawn, and the rest of that image differs).
* `growth`: the fast sampler's seconds (uncompiled and XLA) at each of
  `--sizes` (16x16, 28x28, 32x32), the milliseconds per pixel, and the
  exponent `a` of `seconds ~ pixels ** a` between the smallest and the
  largest size (1: linear in the pixels; the attention's query against
  every stored key makes it tend to 2 as images grow).

The model is `tfp_pixel.PixelSNAIL` at its default sizes (2 blocks of 2 gated
residuals, 64 filters, one head, keys of 16, values of 32) with the
5-component mixture head (`--levels K` for the softmax head), freshly
initialized: the sampler's cost does not depend on the weights.
`load_average` is `os.getloadavg()` at the start and at the end.

Usage: `python bench/pixel_snail_sampling.py [--batch 16] [--sizes 16,28,32]
[--levels 256] [--skip-full]`.
"""

import argparse
import json
import math
import os
import sys
import time

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, _REPO)

import numpy as np  # pylint: disable=g-import-not-at-top
import tensorflow as tf  # pylint: disable=g-import-not-at-top

import tfp_pixel  # pylint: disable=g-import-not-at-top
from tfp_pixel import data  # pylint: disable=g-import-not-at-top
from tfp_pixel.sampling import pixel_sampler  # pylint: disable=g-import-not-at-top
from tfp_pixel.sampling import reference  # pylint: disable=g-import-not-at-top


def main(argv=None):
  args = _parse(argv)
  results = {'load_average_start': os.getloadavg(),
             'device': 'GPU' if tf.config.list_logical_devices('GPU')
                       else 'CPU',
             'batch': args.batch,
             'head': ({'num_levels': args.levels} if args.levels else
                      {'num_logistic_mix': 5})}
  shape = data.parse_shape(args.shape)
  dist = _model(shape, args.levels)
  results['parameters'] = int(sum(np.prod(v.shape)
                                  for v in dist.trainable_variables))
  fast = _seconds(lambda seed: pixel_sampler.sample(dist, args.batch, seed,
                                                    jit_compile=False))
  fast_xla = _seconds(lambda seed: pixel_sampler.sample(
      dist, args.batch, seed, jit_compile=True))
  comparison = {'shape': list(shape), 'fast_seconds': fast[0],
                'fast_xla_seconds': fast_xla[0]}
  if not args.skip_full:
    draw = (reference.sample_categorical if args.levels else
            reference.sample_pixel_cnn)
    full_function = tf.function(
        lambda seed: draw(dist, args.batch, seed))
    full = _seconds(full_function, calls=1)
    comparison.update(
        full_seconds=full[0],
        ratio_full_over_fast=full[0] / fast[0],
        ratio_full_over_fast_xla=full[0] / fast_xla[0],
        **_differences(fast[1], full[1]))
  results['fast_vs_full'] = comparison
  results['growth'] = _growth(args)
  results['load_average_end'] = os.getloadavg()
  print(json.dumps(results, indent=2, sort_keys=True))


def _parse(argv):
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('--batch', type=int, default=16)
  parser.add_argument('--shape', default='28x28x1')
  parser.add_argument('--sizes', default='16,28,32',
                      help='square sizes of the growth table')
  parser.add_argument('--levels', type=int, default=None,
                      help='the softmax head over K levels instead of the '
                           'mixture')
  parser.add_argument('--skip-full', action='store_true',
                      help='leave out the (slow) full-pass sampler')
  return parser.parse_args(argv)


def _model(shape, levels):
  tf.random.set_seed(0)
  head = {'num_levels': levels} if levels else {'num_logistic_mix': 5}
  return tfp_pixel.PixelSNAIL(shape, **head)


def _seconds(sample, calls=2):
  """Seconds of the last of `calls` calls (the first traces and compiles),
  and its images; every call draws from seed `(1, 2)`."""
  for _ in range(calls):
    start = time.perf_counter()
    images = np.asarray(sample(tf.constant([1, 2])))
    seconds = time.perf_counter() - start
  return seconds, images


def _differences(fast, full):
  """Where the fast and the full-pass images (same noise) differ. The two
  compute the same sums in another order: a uniform within round-off of a
  value's boundary draws the neighbouring value (1 apart), and the later
  pixels of that image follow a different path."""
  differ = fast != full
  first = np.argwhere(differ)
  found = {'images_differing': int(differ.any(axis=(1, 2, 3)).sum()),
           'pixels_differing_fraction': float(differ.mean())}
  if len(first):
    image, row, col, channel = first[0]
    found['first_difference'] = {
        'image': int(image), 'row': int(row), 'col': int(col),
        'values': [float(fast[image, row, col, channel]),
                   float(full[image, row, col, channel])]}
  return found


def _growth(args):
  rows = []
  for size in [int(s) for s in args.sizes.split(',')]:
    dist = _model((size, size, 1), args.levels)
    seconds = _seconds(lambda seed, d=dist: pixel_sampler.sample(
        d, args.batch, seed, jit_compile=False))[0]
    xla = _seconds(lambda seed, d=dist: pixel_sampler.sample(
        d, args.batch, seed, jit_compile=True))[0]
    rows.append({'size': size, 'pixels': size * size, 'seconds': seconds,
                 'xla_seconds': xla,
                 'ms_per_pixel': 1e3 * seconds / size**2,
                 'xla_ms_per_pixel': 1e3 * xla / size**2})
  first, last = rows[0], rows[-1]
  ratio = math.log(last['pixels'] / first['pixels'])
  return {'rows': rows,
          'exponent': math.log(last['seconds'] / first['seconds']) / ratio,
          'xla_exponent': math.log(last['xla_seconds'] /
                                   first['xla_seconds']) / ratio}


if __name__ == '__main__':
  main()
