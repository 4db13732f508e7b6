"""Reading an image source for a prior over codes (`tfp-pixel train
--prior-for`).

The images are read as for any image run (the same sources and data
options, at the VQ-VAE's shape), encoded once by the prior run's copy of the
VQ-VAE a batch at a time, and the codes kept in the prior run
(`codes.npz`, beside `vqvae/`), so that a resume, and the other prior of a
VQ-VAE-2, read them again instead of encoding. The cache is used when it was
made of the same images by the same VQ-VAE weights. A prior's training data
are its grid of codes, `[N, h, w, 1]` int32 levels; the bottom prior of a
VQ-VAE-2 gets the top grids `[N, h / 2, w / 2]` as its "labels", which its
task turns into the one-hot map it is conditioned on.
"""

import glob
import hashlib
import os

import numpy as np

from tfp_pixel import data
from tfp_pixel.engine import files
from tfp_pixel.engine import kinds
from tfp_pixel.engine import prior_runs
from tfp_pixel.engine import run_data
from tfp_pixel.engine.kinds.images import source
from tfp_pixel.families import model_size

__all__ = ['CODES_FILE', 'ENCODE_BATCH', 'encode_images', 'prepare_training']

CODES_FILE = 'codes.npz'
ENCODE_BATCH = 128


def prepare_training(run_dir, stored, options, model_options, batch_size):
  """Loads a source's images, encoded to codes, for a new or resumed prior.

  Args:
    run_dir: the prior's run folder (made by the lock already).
    stored: the configuration of the prior being resumed, or `None`.
    options: `dict` of the image data options (`run_data.settle`).
    model_options: `dict` of `configs.make_config` arguments: `model`,
      `num_levels` (the codebook's size), `code_prior` and the model's
      hyper-parameters.
    batch_size: Python `int`, the global batch.

  Returns:
    prepared: a `kinds.TrainingData`; its `details` hold the grid's
      `image_shape` and whether the codes came from the cache.

  Raises:
    ValueError: one line, if the source or the options do not fit.
  """
  model_options = dict(model_options or {})
  model_options.pop('conditional', None)
  code_prior = (stored or model_options)['code_prior']
  vqvae_folder = prior_runs.vqvae_dir(run_dir, {'code_prior': code_prior})
  vqvae = prior_runs.load_vqvae(vqvae_folder)
  grid = vqvae.grid_shapes[0 if code_prior['level'] == 'top' else -1]
  image_shape = (*grid, 1)
  config = source.run_config(run_dir, model_options, stored, image_shape)
  model_size.check(config, batch_size)
  image_set = data.load_images(
      options['dataset'], shape=options['shape'],
      data_dir=options['data_dir'], with_labels=False,
      max_images=options['max_images'])
  images_fingerprint = run_data.fingerprint(image_set.images)
  codes, cached = _cached_codes(
      os.path.join(os.path.dirname(vqvae_folder), CODES_FILE), vqvae,
      vqvae_folder, image_set.images, images_fingerprint)
  if vqvae.hierarchy == 1:
    levels, conditions = codes['codes'], None
  elif code_prior['level'] == 'top':
    levels, conditions = codes['top'], None
  else:
    levels, conditions = codes['bottom'], codes['top']
  train, validation = data.make_datasets(
      levels[..., np.newaxis], labels=conditions, batch_size=batch_size,
      validation_fraction=options['validation_fraction'],
      seed=options['seed'])
  return kinds.TrainingData(
      train=train, validation=validation, config=config,
      options=dict(options, shape=list(image_set.images.shape[1:])),
      num_examples=len(levels), fingerprint=images_fingerprint,
      source_name=image_set.name, run_files={},
      details=dict(image_shape=image_shape, codes_cached=cached))


def encode_images(vqvae, images, batch_size=ENCODE_BATCH):
  """The codes of uint8 images `[N, H, W, C]`, encoded `batch_size` at a
  time: `{'codes': [N, h, w]}`, or `{'top': ..., 'bottom': ...}`, int32."""
  parts = []
  for start in range(0, len(images), batch_size):
    codes = vqvae.encode(images[start:start + batch_size])
    parts.append([np.asarray(c, np.int32) for c in (
        codes if isinstance(codes, (tuple, list)) else [codes])])
  names = ['codes'] if vqvae.hierarchy == 1 else ['top', 'bottom']
  return {name: np.concatenate([part[k] for part in parts])
          for k, name in enumerate(names)}


def _cached_codes(path, vqvae, vqvae_folder, images, images_fingerprint):
  """The codes of `images`, from the cache at `path` when it was made of the
  same images by the same weights, else encoded and cached there."""
  key = '{} {}'.format(images_fingerprint, _weights_fingerprint(vqvae_folder))
  if os.path.isfile(path) and not os.path.islink(path):
    try:
      with np.load(path) as cached:
        if str(cached['key']) == key:
          return {name: cached[name] for name in cached.files
                  if name != 'key'}, True
    except (OSError, ValueError, KeyError):
      pass  # A damaged cache is made again.
  codes = encode_images(vqvae, images)
  files.write_atomically(path, lambda f: np.savez(f, key=np.array(key),
                                                  **codes))
  return codes, False


def _weights_fingerprint(vqvae_folder):
  """`sha256:` of the VQ-VAE copy's checkpoint files."""
  digest = hashlib.sha256()
  for path in sorted(glob.glob(os.path.join(vqvae_folder, 'best', 'ckpt-*'))):
    digest.update(os.path.basename(path).encode())
    with open(path, 'rb') as f:
      for chunk in iter(lambda: f.read(1 << 20), b''):
        digest.update(chunk)
  return 'sha256:' + digest.hexdigest()
