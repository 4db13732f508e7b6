"""Benchmark: a VQ-VAE and a prior over its codes on real digits, beside a
categorical PixelCNN of the pixels at the same training steps.

On the 5,000 MNIST digits beside the project (`../shared/data/mnist-5k`,
28x28x1; the last `--test` (500) held out for the figures, the rest the
training source of every run, 10% of it for validation), with the Keras
VQ-VAE example's sizes: 64 codes of 16 dimensions on a 7x7 grid
(`--downsample 4`), 64 filters, 2 residual blocks.

1. `tfp-pixel vqvae train` for `--vqvae-steps`: the held-out digits'
   reconstruction mean squared error (8-bit values squared; beside the
   mean image's), the codes in use (distinct codes of the held-out grids, and
   the training metric);
2. `tfp-pixel train --prior-for` (a gated `CategoricalPixelCNN` over the 64
   codes, 64 filters, 4 blocks) for `--steps`: the held-out bits per code
   and the bound `-log p(x | z) - log p(z)` in bits/dim;
3. the same gated `CategoricalPixelCNN` of the pixels at 256 levels for
   `--steps`: the held-out bits/dim (the exact NLL).

All at batch 32, learning rate 1e-3, seed 0. Prints one JSON object with
the figures, each stage's seconds, and `load_average` at the start and the
end.

Usage: `python bench/vqvae_quality.py [--vqvae-steps 1500] [--steps 1500]`.
"""

import argparse
import json
import math
import os
import sys
import tempfile
import time

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_MNIST = os.path.join(_REPO, '..', 'shared', 'data', 'mnist-5k')
sys.path.insert(0, _REPO)

import numpy as np  # pylint: disable=g-import-not-at-top

from tfp_pixel import data  # pylint: disable=g-import-not-at-top
from tfp_pixel.engine import prior_runs  # pylint: disable=g-import-not-at-top
from tfp_pixel.engine import source_training  # pylint: disable=g-import-not-at-top
from tfp_pixel.engine.kinds.images import scoring  # pylint: disable=g-import-not-at-top
from tfp_pixel.engine import loading  # pylint: disable=g-import-not-at-top

_SHAPE = (28, 28, 1)
_PRIOR = dict(model='categorical', architecture='gated', num_filters=64,
              num_residual_blocks=4)


def main(argv=None):
  args = _parse(argv)
  if not os.path.isdir(_MNIST):
    sys.exit('This benchmark reads ../shared/data/mnist-5k beside the '
             'project.')
  images = data.load_images(_MNIST, shape=_SHAPE).images
  train, test = images[:-args.test], images[-args.test:]
  results = {'load_average_start': os.getloadavg(), 'data': 'mnist-5k',
             'train_images': len(train), 'test_images': len(test),
             'batch_size': 32, 'vqvae_steps': args.vqvae_steps,
             'steps': args.steps}
  with tempfile.TemporaryDirectory() as root:
    source = os.path.join(root, 'train.npy')
    np.save(source, train)
    common = dict(batch_size=32, learning_rate=1e-3, jit=True,
                  num_samples=0, verbose=False)
    data_options = dict(dataset=source, data_dir=None, shape=None,
                        max_images=None, validation_fraction=0.1, seed=0)

    start = time.perf_counter()
    vqvae_run = os.path.join(root, 'vqvae')
    trained = source_training.train_on_source(
        'autoencoder', dict(model='vqvae', num_codes=64, code_dim=16,
                            downsample=4, num_filters=64, num_residual=2),
        data_options, run_dir=vqvae_run, epochs=1,
        steps_per_epoch=args.vqvae_steps, **common)
    vqvae = loading.load(vqvae_run)
    reconstructed = np.asarray(vqvae.reconstruct(test), np.float64)
    codes = np.asarray(vqvae.encode(test))
    results['vqvae'] = {
        'seconds': time.perf_counter() - start,
        'reconstruction_mse': float(np.mean((reconstructed - test)**2)),
        'mean_image_mse': float(np.mean((train.mean(0) - test)**2)),
        'codes_in_use_test': int(len(np.unique(codes))),
        'codes_in_use_training': trained.result.metrics[-1]['codes_in_use'],
        'reconstruction_bits_per_dim_val':
            trained.result.metrics[-1]['val_bits_per_dim']}

    start = time.perf_counter()
    prior_run = os.path.join(root, 'prior')
    prior_runs.train_priors(vqvae_run, dict(_PRIOR), data_options,
                            run_dir=prior_run, epochs=1,
                            steps_per_epoch=args.steps, **common)
    model = loading.load(prior_run)
    bounds = [model.bound(test[i:i + 100]) for i in range(0, len(test), 100)]
    total = np.concatenate([np.asarray(b.total) for b in bounds])
    prior = np.concatenate([np.asarray(b.prior) for b in bounds])
    results['two_stage'] = {
        'seconds': time.perf_counter() - start,
        'prior_bits_per_code': float(prior.mean() / (49 * math.log(2.))),
        'bound_bits_per_dim': float(model.bits_per_dim(total.mean())),
        'prior_parameters': _parameters(model.prior),
        'vqvae_parameters': _parameters(model.vqvae)}

    start = time.perf_counter()
    pixels_run = os.path.join(root, 'pixels')
    source_training.train_on_source(
        'images', dict(_PRIOR, num_levels=256), data_options,
        run_dir=pixels_run, epochs=1, steps_per_epoch=args.steps, **common)
    run = loading.open_run(pixels_run)
    dist = run.load_model()
    nll, _ = scoring.score_images(dist, run.config, test, batch_size=100)
    results['pixels'] = {
        'seconds': time.perf_counter() - start,
        'bits_per_dim': float(nll.mean() / (784 * math.log(2.))),
        'parameters': _parameters(dist)}
  results['load_average_end'] = os.getloadavg()
  print(json.dumps(results, indent=2, sort_keys=True))


def _parse(argv):
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('--vqvae-steps', type=int, default=1500)
  parser.add_argument('--steps', type=int, default=1500)
  parser.add_argument('--test', type=int, default=500)
  return parser.parse_args(argv)


def _parameters(model):
  return int(sum(np.prod(v.shape) for v in model.trainable_variables))


if __name__ == '__main__':
  main()
