"""Benchmark: the peak memory of training PixelSNAIL at batch 32, by image
size.

Attention over `H * W` positions holds `batch * heads * (H W)^2` weights per
block and their gradients: memory grows with the square of the pixels. For
each of `--sizes` (square, one channel) this runs `tfp-pixel train --arch
pixelsnail --mix 5 --shape SxSx1 --batch-size 32` for `--steps` steps (the
default model: 2 blocks, 64 filters, one head) as a child process on 64
synthetic images, with its address space limited to `--limit-gb` (so that a
size that does not fit fails in the child instead of taking the machine
down), and with the model-size bound (`TFP_PIXEL_MAX_MODEL_GB`) lifted out
of the way, so that the measurement, not the estimate, decides. It records
the child's peak resident set size (`os.wait4`), its exit code, the time,
and the estimate of `families.model_size` for the same configuration.

Prints one JSON object; `largest_that_trains` is the largest size whose
training succeeded; `load_average` at the start and the end.

Usage (the package installed): `python bench/pixel_snail_memory.py
[--sizes 28,32,48,56,64,72] [--limit-gb 22]`.
"""

import argparse
import json
import os
import sys
import sysconfig
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import child_memory  # pylint: disable=g-import-not-at-top

_COMMAND = os.path.join(sysconfig.get_path('scripts'), 'tfp-pixel')
_GIB = child_memory.GIB


def main(argv=None):
  args = _parse(argv)
  from tfp_pixel.engine import configs  # pylint: disable=g-import-not-at-top
  from tfp_pixel.families import model_size  # pylint: disable=g-import-not-at-top
  results = {'load_average_start': os.getloadavg(), 'batch_size': 32,
             'steps': args.steps, 'limit_gib': args.limit_gb, 'rows': []}
  largest = None
  for size in [int(s) for s in args.sizes.split(',')]:
    config = configs.make_config('pixelsnail', (size, size, 1),
                                 num_logistic_mix=5)
    estimate = model_size.training_bytes(
        model_size.registry.family('pixelsnail').estimate(config), 32)
    row = dict(size=size, estimate_gib=estimate / _GIB, **_train(size, args))
    results['rows'].append(row)
    if row['exit_code'] == 0:
      largest = size
  results['largest_that_trains'] = largest
  results['load_average_end'] = os.getloadavg()
  print(json.dumps(results, indent=2, sort_keys=True))


def _parse(argv):
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('--sizes', default='28,32,48,56,64,72')
  parser.add_argument('--steps', type=int, default=2)
  parser.add_argument('--limit-gb', type=float, default=22.)
  return parser.parse_args(argv)


def _train(size, args):
  """Runs the training in a child; its peak memory, exit code and time."""
  with tempfile.TemporaryDirectory() as folder:
    images = np.random.RandomState(size).randint(
        256, size=(64, size, size, 1)).astype(np.uint8)
    np.save(os.path.join(folder, 'images.npy'), images)
    command = [_COMMAND, 'train', '--arch', 'pixelsnail', '--mix', '5',
               '--dataset', 'images.npy', '--shape',
               '{0}x{0}x1'.format(size), '--batch-size', '32', '--epochs',
               '1', '--steps', str(args.steps), '--num-samples', '0',
               '--run', 'run']
    env = dict(os.environ, TFP_PIXEL_MAX_MODEL_GB='100000')
    return child_memory.run_child(command, folder, args.limit_gb, env=env)


if __name__ == '__main__':
  main()
