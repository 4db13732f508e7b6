"""Benchmark: the exported SavedModel's `sample` and `log_prob` against the
live model's, in the same process.

Prints one JSON object. For each model at `--size`x`--size`x1 (random weights,
seeded; weight norm initialized from a batch of random images):

* `mixture`: `tfp_pixel.PixelCNN` (the book model: resnet 1, hierarchies 2,
  32 filters, 5 logistics);
* `plain`, `gated`: `tfp_pixel.CategoricalPixelCNN` (256 levels, 64 filters,
  5 blocks).

The model is exported (`tfp_pixel.export`, `export_s`, `saved_model_bytes`)
and loaded back with `tf.saved_model.load`. What is timed, the fastest of
`--repeats` calls after one warm-up call of each, the two alternating so that
other processes disturb them alike:

* `sample`: the live `dist.sample(batch, seed=...)` called eagerly (as
  `tfp-pixel sample` calls it: the fast sampler in a `tf.function`, without
  XLA on a CPU) against the signature `sample(num_samples=batch, seed=...,
  temperature=1.)`; `exported_differs` counts the images of the export
  that differ from the live model's under the same seed (and the first
  pixel, in raster order, where each does), and `live_graph_differs` the
  same of the live model's own `sample` called inside a `tf.function`:
  float round-off of two programs can put a uniform across a level's
  boundary, which changes that pixel and the pixels drawn after it;
* `log_prob`: a `tf.function` of the live `dist.log_prob` of `--batch` random
  uint8 images' levels against the signature `log_prob(images=...)`.

`ratio` is exported over live (1.0: as fast). `load_average` is
`os.getloadavg()` at the start and at the end: an idle machine reads below 1
per core.

Run from the repository root (about 4 minutes on an idle 2-core CPU):

  python bench/export.py [--models mixture gated] [--batch 16] [--repeats 3]
      [--size 28]
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # pylint: disable=g-import-not-at-top
import tensorflow as tf  # pylint: disable=g-import-not-at-top

import tfp_pixel  # pylint: disable=g-import-not-at-top
from tfp_pixel.engine import configs  # pylint: disable=g-import-not-at-top

MODELS = {
    'mixture': ('pixelcnn', dict(num_resnet=1, num_hierarchies=2,
                                 num_filters=32, num_logistic_mix=5,
                                 dropout_p=0.)),
    'plain': ('categorical', dict(num_levels=256, num_filters=64,
                                  num_residual_blocks=5,
                                  architecture='plain')),
    'gated': ('categorical', dict(num_levels=256, num_filters=64,
                                  num_residual_blocks=5,
                                  architecture='gated')),
}
SEED = (1, 2)


def main(argv=None):
  args = _parse(argv)
  tf.get_logger().setLevel('ERROR')
  results = {'command': ' '.join(['python', 'bench/export.py'] +
                                 sys.argv[1:]),
             'load_average': {'start': os.getloadavg()},
             'device': ('GPU' if tf.config.list_logical_devices('GPU') else
                        'CPU'),
             'cpus': os.cpu_count(), 'shape': [args.size, args.size, 1],
             'batch': args.batch, 'repeats': args.repeats}
  root = tempfile.mkdtemp(prefix='bench-export-')
  try:
    for name in args.models:
      results[name] = _bench(name, args, os.path.join(root, name))
  finally:
    shutil.rmtree(root, ignore_errors=True)
  results['load_average']['end'] = os.getloadavg()
  print(json.dumps(results, indent=2))


def _bench(name, args, directory):
  model, options = MODELS[name]
  config = configs.make_config(model, (args.size, args.size, 1), **options)
  tf.random.set_seed(0)
  dist = configs.build_model(config)
  images = np.random.default_rng(0).integers(
      0, 256, (args.batch, args.size, args.size, 1)).astype(np.uint8)
  levels = configs.images_to_events(images, config)
  live_log_prob = tf.function(dist.log_prob)
  live_log_prob(levels)  # Data-dependent initialization, where there is one.
  start = time.perf_counter()
  tfp_pixel.export(dist, directory)
  export_s = time.perf_counter() - start
  loaded = tf.saved_model.load(directory)
  served_sample, served_log_prob = (loaded.signatures['sample'],
                                    loaded.signatures['log_prob'])
  seed = tf.constant(SEED, tf.int32)

  def live_sample():
    return configs.events_to_images(dist.sample(args.batch, seed=SEED),
                                    config)

  def exported_sample():
    return served_sample(num_samples=tf.constant(args.batch), seed=seed,
                         temperature=tf.constant(1.))['images'].numpy()

  sample = _race(live_sample, exported_sample, args.repeats)
  live_graph = tf.function(lambda: dist.sample(args.batch, seed=SEED))
  drawn = live_sample()
  sample['exported_differs'] = _differences(drawn, exported_sample())
  sample['live_graph_differs'] = _differences(
      drawn, configs.events_to_images(live_graph(), config))
  log_prob = _race(
      lambda: live_log_prob(levels).numpy(),
      lambda: served_log_prob(images=tf.constant(images))[
          'log_prob_levels'].numpy(), args.repeats)
  return {'export_s': round(export_s, 2),
          'saved_model_bytes': _size(directory),
          'sample': sample, 'log_prob': log_prob}


def _race(live, exported, repeats):
  """Fastest of `repeats` alternating calls of each, after a warm-up."""
  live()
  exported()
  times = {'live_s': [], 'exported_s': []}
  for _ in range(repeats):
    for key, call in (('live_s', live), ('exported_s', exported)):
      start = time.perf_counter()
      call()
      times[key].append(time.perf_counter() - start)
  best = {key: min(value) for key, value in times.items()}
  return {'live_s': round(best['live_s'], 4),
          'exported_s': round(best['exported_s'], 4),
          'ratio': round(best['exported_s'] / best['live_s'], 3)}


def _differences(images, others):
  """How many of `others` differ from `images`, and the first pixel (in
  raster order) where each differing one does."""
  differ = (images != others).reshape(len(images), -1)
  return {'images': int(differ.any(axis=1).sum()),
          'first_pixels': [int(np.argmax(row)) for row in differ
                           if row.any()]}


def _size(directory):
  return sum(os.path.getsize(os.path.join(folder, name))
             for folder, _, names in os.walk(directory) for name in names)


def _parse(argv):
  parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
  parser.add_argument('--models', nargs='+', choices=sorted(MODELS),
                      default=['mixture', 'gated'])
  parser.add_argument('--batch', type=int, default=16)
  parser.add_argument('--repeats', type=int, default=3)
  parser.add_argument('--size', type=int, default=28)
  return parser.parse_args(argv)


if __name__ == '__main__':
  main()
