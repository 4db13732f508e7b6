"""Tiny runs of VQ-VAEs and of priors over their codes, written without
training: a configuration and the checkpoint of freshly built weights, in
the folders `tfp-pixel vqvae train` and `tfp-pixel train --prior-for`
leave (`tfp_pixel.engine.prior_runs`)."""

import collections
import os

import numpy as np
import tensorflow as tf

from tfp_pixel.autoencoders import vqvae as vqvae_lib
from tfp_pixel.engine import checkpoints
from tfp_pixel.engine import configs
from tfp_pixel.engine import prior_runs
from tfp_pixel.engine import runs

__all__ = ['Served', 'images', 'prior_run', 'save_run', 'sharpen',
           'vqvae_config']

Served = collections.namedtuple('Served', ['hierarchy', 'run_dir', 'target',
                                           'live', 'images', 'codes',
                                           'results', 'signatures'])
Served.__doc__ = """A VQ-VAE's or a prior run's export, served: what a test
compares with the live model."""


def images(count, seed, shape):
  """`count` random uint8 images of `shape`."""
  return np.random.default_rng(seed).integers(0, 256, (count, *shape),
                                              dtype=np.uint8)


def vqvae_config(hierarchy=1, image_shape=(8, 8, 1)):
  """A VQ-VAE of 5 codes of 2 dimensions, 4 filters, downsampling by 2."""
  return configs.make_config('vqvae', image_shape, num_codes=5, code_dim=2,
                             downsample=2, num_filters=4, num_residual=1,
                             hierarchy=hierarchy)


def save_run(run_dir, config):
  """Writes a run of `config` whose best checkpoint holds the weights of a
  model built from it (a VQ-VAE's `sharpen`ed); returns that model."""
  model = configs.build_model(config)
  if isinstance(model, vqvae_lib.VQVAE):
    sharpen(model)
  runs.write_config(run_dir, config)
  checkpoints.make_checkpoint(model).save(
      os.path.join(runs.run_paths(run_dir).best, 'ckpt'))
  return model


def prior_run(run_dir, vqvae):
  """Writes a prior run over the codes of the VQ-VAE of configuration
  `vqvae` (its copy in `vqvae/`; VQ-VAE-2: its top prior in `top/`), of
  gated `CategoricalPixelCNN`s of 4 filters and one block."""
  save_run(os.path.join(run_dir, prior_runs.VQVAE_DIR), vqvae)
  grids = vqvae_lib.grid_shapes(vqvae['image_shape'], vqvae['downsample'],
                                vqvae['hierarchy'])
  if vqvae['hierarchy'] == 1:
    levels = [(run_dir, {'level': 'codes'})]
  else:
    levels = [(os.path.join(run_dir, prior_runs.TOP_DIR), {'level': 'top'}),
              (run_dir, {'level': 'bottom', 'condition': {
                  'num_codes': vqvae['num_codes'], 'grid': list(grids[0])}})]
  for (path, code_prior), grid in zip(levels, grids):
    save_run(path, configs.make_config(
        'categorical', (*grid, 1), num_levels=vqvae['num_codes'],
        num_filters=4, num_residual_blocks=1, architecture='gated',
        code_prior=code_prior))


def sharpen(vqvae):
  """Narrows the logistics of an untrained VQ-VAE's decoder (its output
  bias of the log-scales to -5), whose most likely images are otherwise the
  edge values 0 and 255 alone."""
  channels = vqvae.image_shape[-1]
  bias, = [v for v in vqvae.network.decoder.variables
           if v.shape == (2 * channels,)]
  bias.assign(tf.concat([bias[:channels], tf.fill([channels], -5.)], 0))
