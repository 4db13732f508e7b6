"""How the engine feeds, measures and shows an autoencoder (a VQ-VAE).

`AutoencoderTask` is an `images.task.ImageTask` whose figure is the
reconstruction: `nll` is the decoder's negative log-likelihood of each 8-bit
image given its codes, `-log p(x | z(x))` in nats (bits per dimension in the
metrics), and what training minimises adds the commitment loss
(`VQVAE.losses`). After each epoch it writes the reconstructions of the
first images it was given (originals in the top row, reconstructions below)
in place of samples, and records the codes in use per level of codes.
"""

import os

import numpy as np
import tensorflow as tf

from tfp_pixel.engine.kinds.autoencoder import reconstruction
from tfp_pixel.engine.kinds.images import grids
from tfp_pixel.engine.kinds.images import task as image_task

__all__ = ['AutoencoderTask', 'reconstruction_grid']

_MAX_REFERENCE = 16


class AutoencoderTask(image_task.ImageTask):
  """The autoencoder side of a training run."""

  # Trained on the 8-bit images themselves: one figure.
  has_levels = False

  def __init__(self, config):
    super().__init__(config)
    self._reference = None

  def dataset(self, data, batch_size, shuffle_seed=None):
    """`ImageTask.dataset`; the first images of the first dataset made (the
    training data) are the ones reconstructed after each epoch."""
    dataset = super().dataset(data, batch_size, shuffle_seed)
    if self._reference is None:
      self._reference = np.concatenate([
          np.asarray(image_task.images_and_labels(batch)[0])
          for batch in dataset.unbatch().batch(_MAX_REFERENCE).take(1)])
    return dataset

  def nll(self, dist, batch, training=False):
    """`(nll, loss)` per image of a batch, in nats: the decoder's negative
    log-likelihood of the 8-bit image given its codes, and that plus the
    commitment loss (what training minimises)."""
    images, _ = image_task.images_and_labels(batch)
    return dist.losses(images, training=training)

  def epoch_metrics(self, dist):
    """The codes in use after an epoch, a list with one count per level of
    codes (top first)."""
    return {'codes_in_use': [int(n) for n in
                             np.atleast_1d(dist.codes_in_use().numpy())]}

  def check_samples(self, num_samples, scale=None):
    grids.check_grid(2 * min(num_samples, _MAX_REFERENCE), self._image_shape,
                     min(num_samples, _MAX_REFERENCE), scale,
                     advice='lower --num-samples or --scale')

  def write_samples(self, dist, num_samples, seed, paths, epoch, scale=None):
    """Writes the epoch's reconstructions, `samples/epoch-EEE.png`, and
    their TensorBoard image."""
    del seed
    if self._reference is None:
      return
    grid = reconstruction_grid(dist, self._reference[:num_samples],
                               scale=scale)
    grids.write_png(os.path.join(paths.samples,
                                 'epoch-{:03d}.png'.format(epoch)), grid)
    tf.summary.image('reconstructions', grid[np.newaxis], step=epoch)


def reconstruction_grid(vqvae, images, scale=None):
  """A uint8 grid of `images` (top row) over their reconstructions by
  `vqvae` (bottom row)."""
  images = np.asarray(images, dtype=np.uint8)
  return reconstruction.pairs_grid(images, np.asarray(vqvae.reconstruct(images)),
                                   len(images), scale=scale)
