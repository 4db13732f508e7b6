"""Benchmark: the peak memory of training a VQ-VAE and a prior over its
codes at 64x64x3, batch 32.

Two children, one after the other, each with its address space limited to
`--limit-gb` (so that a step that does not fit fails in the child instead
of taking the machine down), on `--images` (5,000) synthetic 64x64x3
images (smooth random blobs, so that the codes are not all alike):

1. `tfp-pixel vqvae train --shape 64x64x3 --codes 512 --code-dim 64
   --downsample 4 --batch-size 32` for `--steps` steps (a 16x16 grid);
2. `tfp-pixel train --prior-for` that run (a gated `CategoricalPixelCNN` of
   512 levels over the 16x16 grid at its default sizes), batch 32, for
   `--steps` steps: it encodes every image once into the run's code cache
   (`codes.npz`), then trains.

For each: the peak resident set size (`os.wait4`), the exit code and the
seconds; for the prior, the size of its code cache. Prints one JSON
object, with `load_average` at the start and the end.

Usage (the package installed): `python bench/vqvae_memory.py [--steps 5]
[--images 5000] [--limit-gb 22]`.
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


def main(argv=None):
  args = _parse(argv)
  results = {'load_average_start': os.getloadavg(), 'batch_size': 32,
             'steps': args.steps, 'images': args.images,
             'limit_gib': args.limit_gb}
  with tempfile.TemporaryDirectory() as folder:
    np.save(os.path.join(folder, 'images.npy'), _images(args.images))
    common = ['--dataset', 'images.npy', '--batch-size', '32', '--epochs',
              '1', '--steps', str(args.steps), '--num-samples', '0']
    results['vqvae'] = child_memory.run_child(
        [_COMMAND, 'vqvae', 'train', '--shape', '64x64x3', '--codes', '512',
         '--code-dim', '64', '--downsample', '4', '--run', 'vqvae'] + common,
        folder, args.limit_gb)
    results['prior'] = child_memory.run_child(
        [_COMMAND, 'train', '--prior-for', 'vqvae', '--run', 'prior'] +
        common, folder, args.limit_gb)
    cache = os.path.join(folder, 'prior', 'codes.npz')
    results['prior']['code_cache_mib'] = (
        os.path.getsize(cache) / 2**20 if os.path.exists(cache) else None)
  results['load_average_end'] = os.getloadavg()
  print(json.dumps(results, indent=2, sort_keys=True))


def _parse(argv):
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('--steps', type=int, default=5)
  parser.add_argument('--images', type=int, default=5000)
  parser.add_argument('--limit-gb', type=float, default=22.)
  return parser.parse_args(argv)


def _images(count):
  """Smooth random 64x64x3 images: 8x8 noise, upsampled."""
  noise = np.random.RandomState(0).randint(256, size=(count, 8, 8, 3))
  return np.repeat(np.repeat(noise, 8, axis=1), 8, axis=2).astype(np.uint8)


if __name__ == '__main__':
  main()
