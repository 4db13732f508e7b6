"""Scoring images under a prior run (a VQ-VAE and the prior(s) over its
codes): the bound on `-log p(x)` per image.

`BoundScorer` reads image files as `scoring.Scorer` does (the same sources,
bad files named and passed over, a batch at a time), converts them to the
VQ-VAE's shape, and gives each image the two-stage model's bound
(`TwoStageModel.bound`) in nats and bits per dimension (the 8-bit
convention of every image model), the prior's bits per code, and the mean
squared error of the VQ-VAE's reconstruction (in 8-bit values squared).
"""

import collections
import math

import numpy as np

from tfp_pixel import bounds
from tfp_pixel.autoencoders import vqvae
from tfp_pixel.engine import loading
from tfp_pixel.engine import prior_runs
from tfp_pixel.engine.kinds import images as image_kind
from tfp_pixel.engine.kinds.images import scoring

__all__ = ['BoundScore', 'BoundScorer']

BoundScore = collections.namedtuple(
    'BoundScore', ['path', 'nll', 'bits_per_dim', 'prior_bits_per_code',
                   'reconstruction_mse', 'label', 'predicted'],
    defaults=(None, None))
BoundScore.__doc__ = """The score of one image under a prior run.

Fields:
  path: `str`, the image file (`FILE[i]` of an array or IDX file).
  nll: the bound `-log p(x | z(x)) - log p_prior(z(x))` in nats, at least
    `-log p(x)`.
  bits_per_dim: `nll / (H * W * C * ln 2)`.
  prior_bits_per_code: `-log2 p_prior(z(x))` over the codes of the image.
  reconstruction_mse: the mean squared error of the VQ-VAE's reconstruction.
  label, predicted: `None` (kept for the writers of image scores).
"""


class BoundScorer(scoring.Scorer):
  """Scores image files under a prior run, yielding `BoundScore`s (and
  `scoring.Skipped` for paths that cannot be read)."""

  columns = (('nll', 'bound (nats)', '.2f'),
             ('bits_per_dim', 'bound b/dim', '.4f'),
             ('prior_bits_per_code', 'prior b/code', '.4f'),
             ('reconstruction_mse', 'recon MSE', '.2f'))

  def __init__(self, paths, run_dir=None, batch_size=64, which='best',
               data_dir=None):
    # Not `Scorer.__init__`: no labels, and the model is two.
    # pylint: disable=super-init-not-called
    if isinstance(paths, str):
      paths = [paths]
    self._run = loading.open_run(run_dir, kind=image_kind.NAME)
    self._model = prior_runs.load_two_stage(self._run, which)
    self._images_config = dict(image_shape=list(self._model.image_shape),
                               num_levels=256, num_classes=None)
    self._label, self._labels_from_data, self._classify = None, False, False
    self._data_dir = data_dir
    self._batch_size = max(1, min(int(batch_size), (
        bounds.SCORE_BATCH_VALUES // int(np.prod(self._model.image_shape)))))
    self._sources = scoring._plan(paths, self._images_config, False)  # pylint: disable=protected-access
    self._count = 0
    self._sums = np.zeros(4)
    self._correct = 0
    self._resized = self._channels = 0

  def _data_config(self):
    return self._images_config

  @property
  def mean(self):
    if not self._count:
      return None
    return BoundScore('mean', *(self._sums / self._count).tolist())

  def _score(self, pending):
    names, images, _ = zip(*pending)
    images = np.stack(images)
    bound = self._model.bound(images)
    codes = bound.codes if isinstance(bound.codes, tuple) else (bound.codes,)
    num_codes = sum(int(np.prod(c.shape[1:])) for c in codes)
    # `VQVAE.reconstruct`, from the codes and decoder the bound computed.
    reconstructed = np.asarray(vqvae.most_likely_images(bound.decoder),
                               np.float64)
    mse = np.mean((reconstructed - images.astype(np.float64))**2,
                  axis=(1, 2, 3))
    total = np.asarray(bound.total, np.float64)
    columns = np.stack([
        total, np.asarray(self._model.bits_per_dim(total)),
        np.asarray(bound.prior, np.float64) / (num_codes * math.log(2.)),
        mse], axis=1)
    self._count += len(images)
    self._sums += columns.sum(axis=0)
    for name, row in zip(names, columns):
      yield BoundScore(name, *row.tolist())
