"""Scoring images with each one's per-pixel terms: `PerPixelScorer`.

A `PerPixelScorer` scores images as `scoring.Scorer` does and, batch by
batch, computes the chain-rule term of every channel of every scored image
(`tfp_pixel.distributions.per_pixel.per_pixel_log_prob`) from the same events
and under the same class as its score, and hands them to a callback before
the image's score is yielded. The terms of an image sum to minus its
`nll_levels`. `with_maps` joins one to a `heat_maps.MapWriter`, and
`score_with_maps` scores images and writes their maps.
"""

import numpy as np
import tensorflow as tf

from tfp_pixel.distributions import per_pixel
from tfp_pixel.engine import configs
from tfp_pixel.engine.kinds.images import conditioning
from tfp_pixel.engine.kinds.images import heat_maps
from tfp_pixel.engine.kinds.images import scoring

__all__ = ['PerPixelScorer', 'score_with_maps', 'with_maps']


def score_with_maps(paths, folder, run_dir=None, batch_size=64, which='best',
                    label=None, labels_from_data=False, classify=False,
                    scale=None):
  """Scores images as `scoring.score` does and writes their per-pixel maps.

  Args:
    paths, run_dir, batch_size, which, label, labels_from_data, classify: as
      `scoring.score`.
    folder: where to write each image's `NAME.npy` and `NAME.png`
      (`heat_maps.MapWriter`); created if missing.
    scale: Python `int`, each pixel's side in the PNGs; `None` for
      `grids.default_scale`.

  Returns:
    report: `scoring.ScoreReport`.
    writer: the `heat_maps.MapWriter`, finished (its `count` and `top`).

  Raises:
    ValueError: as `scoring.score`, or if `folder` is a symbolic link or not
      a folder.
  """
  scorer, writer = with_maps(paths, folder, scale, run_dir=run_dir,
                             batch_size=batch_size, which=which, label=label,
                             labels_from_data=labels_from_data,
                             classify=classify)
  scores, skipped = [], []
  with writer:
    for result in scorer:
      (skipped if isinstance(result, scoring.Skipped) else scores).append(
          result)
    writer.finish()
  return scoring.ScoreReport(scorer.run_dir, scores, skipped, scorer.mean,
                             scorer.accuracy, scorer.conversions), writer


def with_maps(paths, folder, scale=None, **kwargs):
  """A `PerPixelScorer` whose terms go to a `heat_maps.MapWriter`.

  `folder` is checked before the run is opened and created after; iterate
  the scorer inside the writer's `with` block, then call its `finish`.

  Args:
    paths: as `scoring.score`.
    folder: the writer's folder.
    scale: the writer's `scale`.
    **kwargs: the other arguments of `PerPixelScorer`.

  Returns:
    scorer: `PerPixelScorer`.
    writer: `heat_maps.MapWriter`.

  Raises:
    ValueError: as `PerPixelScorer`, or if `folder` is a symbolic link or not
      a folder.
  """
  heat_maps.check_folder(folder)
  writer = None
  scorer = PerPixelScorer(
      paths, lambda score, image, terms: writer.add(score.path, image, terms),
      **kwargs)
  writer = heat_maps.MapWriter(folder, scorer.image_shape, scale)
  return scorer, writer


class PerPixelScorer(scoring.Scorer):
  """A `scoring.Scorer` that also gives each scored image's per-pixel terms.

  For each image scored, before its `ImageScore` is yielded,
  `on_terms(image_score, image, log_probs)` is called with:

    image_score: the image's `scoring.ImageScore`.
    image: uint8 `np.ndarray` `[H, W, C]`, the image as the model sees it
      (its quantized levels shown as 8-bit values, `configs.events_to_images`).
    log_probs: float32 `np.ndarray` `[H, W, C]`, each channel's
      `log p(x[i, j, c] | everything before it)` in nats, on the model's
      levels, under the class the image is scored under (its given label,
      else its predicted class); they sum to `-image_score.nll_levels`.

  The terms are computed a scoring batch at a time (at most
  `bounds.SCORE_BATCH_VALUES` image values).

  Args:
    paths: as `scoring.score`.
    on_terms: callable, as above.
    run_dir, batch_size, which, label, labels_from_data, classify: as
      `scoring.score`.
  """

  def __init__(self, paths, on_terms, run_dir=None, batch_size=64,
               which='best', label=None, labels_from_data=False,
               classify=False, data_dir=None):
    super().__init__(paths, run_dir, batch_size, which, label,
                     labels_from_data, classify, data_dir)
    self._on_terms = on_terms
    self._batch_terms = _terms_function(self._dist, self._run.config)

  def _score(self, pending):
    scores = list(super()._score(pending))
    config = self._run.config
    events = configs.images_to_events(np.stack([p[1] for p in pending]),
                                      config)
    labels = [s.label if s.label is not None else s.predicted
              for s in scores]
    labels = (None if labels[0] is None else
              tf.constant(np.array(labels, np.int64)))
    log_probs = np.asarray(self._batch_terms(events, labels), np.float32)
    images = configs.events_to_images(events, config)
    for image_score, image, terms in zip(scores, images, log_probs):
      self._on_terms(image_score, image, terms)
      yield image_score


def _terms_function(dist, config):
  """A `tf.function` of `(events, labels or None)`: their per-pixel terms."""

  @tf.function(reduce_retracing=True)
  def batch_terms(events, labels=None):
    return per_pixel.per_pixel_log_prob(
        dist, events,
        conditional_input=conditioning.conditional_input(labels, config))

  return batch_terms
