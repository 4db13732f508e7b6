"""Reconstructing image files with a VQ-VAE run: `tfp-pixel vqvae
reconstruct`.

Each path (an image, a folder of images, an IDX, `.npy` or `.npz` file) is
read as `tfp-pixel score` reads it and converted to the VQ-VAE's shape; a
path that cannot be read is named and passed over. At most `max_images`
images are read (the output is held whole: a PNG grid is checked against
`bounds.MAX_GRID_PIXELS` first), and they are encoded and decoded
`BATCH` at a time.
"""

import collections

import numpy as np

from tfp_pixel import data
from tfp_pixel.autoencoders import vqvae as vqvae_lib
from tfp_pixel.engine import loading
from tfp_pixel.engine.kinds.images import grids
from tfp_pixel.engine.kinds.images import prior_generation

__all__ = ['BATCH', 'Reconstructed', 'pairs_grid', 'reconstruct_files']

BATCH = 64

Reconstructed = collections.namedtuple(
    'Reconstructed', ['count', 'mean_squared_error', 'skipped'])
Reconstructed.__doc__ = """What `reconstruct_files` did.

Fields:
  count: Python `int`, images reconstructed.
  mean_squared_error: Python `float`, over every value, in 8-bit units
    squared (`nan` for none).
  skipped: `list` of `(path, reason)` of the paths that could not be read.
"""


def reconstruct_files(paths, output, run_dir=None, which='best',
                      max_images=64, scale=None, codes_output=None):
  """Encodes and decodes image files with a VQ-VAE run; writes `output`.

  Args:
    paths: image files and folders.
    output: `.png` (the images over their reconstructions, in rows of at
      most 16) or `.npy` (the uint8 reconstructions `[N, H, W, C]`).
    run_dir: the VQ-VAE run; the latest run for `None`.
    which: `'best'` or `'last'` checkpoint.
    max_images: Python `int`, the most images read.
    scale: each pixel's size in the PNG grid, `None` for the default.
    codes_output: `None`, or a `.npy` file for the codes `[N, h, w]` (an
      `.npz` of `top` and `bottom` for a VQ-VAE-2).

  Returns:
    reconstructed: a `Reconstructed`.

  Raises:
    ValueError: one line, if the run is not a VQ-VAE, no image could be
      read, or the output does not fit.
  """
  run = loading.open_run(run_dir, kind='autoencoder')
  image_shape = tuple(run.config['image_shape'])
  read, skipped = _read(paths, image_shape, max_images)
  if not read:
    raise ValueError('No image could be read from {}.'.format(
        ', '.join(map(str, paths))))
  images = np.concatenate(read)[:max_images]
  columns = min(len(images), 16)
  if output.lower().endswith('.png'):
    rows = -(-len(images) // columns)
    grids.check_output(output, 2 * rows * columns, image_shape,
                       num_columns=columns, scale=scale,
                       advice='reconstruct fewer images (-n) or lower --scale')
  else:
    grids.check_output(output, len(images), image_shape)
  vqvae = run.load_model(which)
  reconstructed, codes = [], []
  for start in range(0, len(images), BATCH):
    batch = images[start:start + BATCH]
    batch_codes = vqvae.encode(batch)
    codes.append([np.asarray(c) for c in (
        batch_codes if isinstance(batch_codes, tuple) else (batch_codes,))])
    reconstructed.append(np.asarray(vqvae_lib.most_likely_images(
        vqvae.decode(batch_codes))))
  reconstructed = np.concatenate(reconstructed)
  if output.lower().endswith('.png'):
    grids.write_png(output, pairs_grid(images, reconstructed, columns,
                                       scale))
  else:
    grids.write_npy(output, [reconstructed], len(reconstructed), image_shape)
  if codes_output is not None:
    prior_generation.write_codes(codes_output, [np.concatenate([c[k] for c in codes])
                                for k in range(len(codes[0]))])
  error = np.mean((reconstructed.astype(np.float64) - images)**2)
  return Reconstructed(len(images), float(error), skipped)


def _read(paths, image_shape, max_images):
  """The images of `paths` (up to `max_images` in all), converted, and the
  `(path, reason)` of the paths that could not be read."""
  read, skipped, count = [], [], 0
  for path in paths:
    if count >= max_images:
      break
    try:
      images = data.load_images(path, shape=image_shape,
                                max_images=max_images - count).images
    except (ValueError, OSError) as error:
      skipped.append((path, data.reason_of(error, path)))
      continue
    read.append(images)
    count += len(images)
  return read, skipped


def pairs_grid(images, reconstructed, columns, scale=None):
  """Rows of up to `columns` images, each row followed by their
  reconstructions."""
  pad = (-len(images)) % columns
  blank = np.zeros((pad, *images.shape[1:]), np.uint8)
  images = np.concatenate([images, blank]).reshape(
      -1, columns, *images.shape[1:])
  reconstructed = np.concatenate([reconstructed, blank]).reshape(
      -1, columns, *reconstructed.shape[1:])
  rows = np.stack([images, reconstructed], axis=1).reshape(
      -1, *images.shape[2:])
  return grids.image_grid(rows, num_columns=columns, scale=scale)
