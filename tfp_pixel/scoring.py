"""Scoring images under a trained run: `tfp_pixel.score`.

Every image gets its negative log-likelihood in nats and in bits per dimension
under the 8-bit convention of `tfp_pixel.metrics` (comparable across models and
level counts), and the model's own figure on its quantized levels.
"""

import collections
import os

import numpy as np
import tensorflow as tf

from tfp_pixel import data
from tfp_pixel import metrics
from tfp_pixel import models
from tfp_pixel import runs

__all__ = ['ImageScore', 'ScoreReport', 'Skipped', 'score', 'score_images']

ImageScore = collections.namedtuple(
    'ImageScore',
    ['path', 'nll', 'bits_per_dim', 'nll_levels', 'bits_per_dim_levels'])
ImageScore.__doc__ = """The score of one image.

Fields:
  path: `str`, the image file.
  nll: negative log-likelihood of the 8-bit image, in nats.
  bits_per_dim: `nll / (H * W * C * ln 2)`.
  nll_levels: the model's own negative log-likelihood of the quantized image.
  bits_per_dim_levels: `nll_levels / (H * W * C * ln 2)`.
"""

Skipped = collections.namedtuple('Skipped', ['path', 'reason'])
Skipped.__doc__ = """A path that could not be scored, and why (one line)."""

ScoreReport = collections.namedtuple(
    'ScoreReport', ['run_dir', 'scores', 'skipped', 'mean'])
ScoreReport.__doc__ = """The result of `score`.

Fields:
  run_dir: `str`, the run whose model scored the images.
  scores: `list` of `ImageScore`, in path order.
  skipped: `list` of `Skipped`.
  mean: `ImageScore` of the means over `scores` (path `'mean'`), or `None`
    when nothing was scored.
"""


def score(paths, run_dir=None, batch_size=64, which='best'):
  """Scores image files under a trained model.

  Images are converted to the run's shape and quantized to its levels the way
  training converted them. A path that cannot be scored (missing, unreadable,
  truncated, not an image, unconvertible, an empty folder) is reported in
  `skipped`, and the rest are still scored.

  Args:
    paths: image files and folders (searched recursively), or one of them.
    run_dir: the run; defaults to the latest run under `runs/`.
    batch_size: Python `int`, images per forward pass.
    which: `'best'` or `'last'` checkpoint.

  Returns:
    report: `ScoreReport`.

  Raises:
    ValueError: if there is no such run, or it has no checkpoint.
  """
  if isinstance(paths, (str, os.PathLike)):
    paths = [paths]
  run_dir = runs.resolve_run_dir(run_dir)
  config = runs.read_config(run_dir)
  image_shape = tuple(config['image_shape'])
  files, skipped = _image_files(paths)
  images, scored_files = [], []
  for path in files:
    try:
      images.append(data.read_image(path, image_shape))
      scored_files.append(path)
    except data.ImageReadError as error:
      skipped.append(Skipped(path, error.reason))
    except (data.DataError, OSError) as error:
      skipped.append(Skipped(path, _one_line(error)))
  if not images:
    return ScoreReport(run_dir, [], skipped, None)
  dist = models.build_model(config)
  runs.restore_weights(dist, run_dir, which)
  nll, nll_levels = score_images(dist, config, np.stack(images), batch_size)
  bits = metrics.bits_per_dim(nll, image_shape)
  bits_levels = metrics.bits_per_dim(nll_levels, image_shape)
  scores = [ImageScore(*row) for row in zip(
      scored_files, nll.tolist(), bits.tolist(), nll_levels.tolist(),
      bits_levels.tolist())]
  mean = ImageScore('mean', float(nll.mean()), float(bits.mean()),
                    float(nll_levels.mean()), float(bits_levels.mean()))
  return ScoreReport(run_dir, scores, skipped, mean)


def score_images(dist, config, images, batch_size=64):
  """Negative log-likelihoods of 8-bit images under a model, in nats.

  Args:
    dist: distribution built from `config`.
    config: its model configuration.
    images: uint8 `np.ndarray` `[N, height, width, channels]`.
    batch_size: Python `int`, images per forward pass.

  Returns:
    nll: float64 `np.ndarray` `[N]`, of the 8-bit images.
    nll_levels: float64 `np.ndarray` `[N]`, of their quantized levels.
  """
  @tf.function(reduce_retracing=True)
  def batch_nll(batch):
    events = models.images_to_events(batch, config)
    nll_levels = -dist.log_prob(events)
    return metrics.eight_bit_nll(nll_levels, tf.cast(events, tf.int32),
                                 config['num_levels']), nll_levels

  parts = [batch_nll(tf.constant(images[i:i + batch_size]))
           for i in range(0, len(images), batch_size)]
  return tuple(np.concatenate([np.asarray(p[k], np.float64) for p in parts])
               for k in range(2))


def _image_files(paths):
  """Expands `paths` to image files; returns them and the skipped paths."""
  files, skipped = [], []
  for path in map(os.fspath, paths):
    if os.path.isfile(path):
      files.append(path)  # Named explicitly: read it, whatever its extension.
      continue
    try:
      found = data.list_image_files([path])
    except (data.DataError, OSError) as error:
      skipped.append(Skipped(path, _strip_path(_one_line(error), path)))
      continue
    if not found:
      skipped.append(Skipped(path, 'no image files in this folder'))
    files.extend(found)
  return sorted(set(files), key=files.index), skipped


def _one_line(error):
  return ' '.join(str(error).split()) or type(error).__name__


def _strip_path(reason, path):
  prefix = path + ': '
  return reason[len(prefix):] if reason.startswith(prefix) else reason


