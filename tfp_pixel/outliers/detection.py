"""How well a score separates outliers from inliers, and where to cut it.

Scores are "higher = more unusual". Outliers are the positive class of the
figures: the area under the ROC curve (the chance that an outlier scores
above an inlier, ties counting half), the area under the precision-recall
curve (average precision) and the share of inliers flagged when the cut lets
through 95% of the outliers. The cut itself comes from inliers alone:
`threshold_at_fpr` of in-distribution images the model did not train on.
"""

import numpy as np

__all__ = ['auprc', 'auroc', 'fpr_at_tpr', 'flags', 'threshold_at_fpr']


def auroc(inlier_scores, outlier_scores):
  """Area under the ROC curve of outliers (positive) against inliers.

  Returns:
    auroc: Python `float`, `P(s_out > s_in) + P(s_out == s_in) / 2`.
  """
  from sklearn import metrics  # pylint: disable=g-import-not-at-top
  labels, scores = _labelled(inlier_scores, outlier_scores)
  return float(metrics.roc_auc_score(labels, scores))


def auprc(inlier_scores, outlier_scores):
  """Area under the precision-recall curve of the outliers (average
  precision, a Python `float`); a score that cannot tell them apart gets
  the outliers' share."""
  from sklearn import metrics  # pylint: disable=g-import-not-at-top
  labels, scores = _labelled(inlier_scores, outlier_scores)
  return float(metrics.average_precision_score(labels, scores))


def fpr_at_tpr(inlier_scores, outlier_scores, tpr=0.95):
  """The share of inliers flagged by the highest cut that flags at least
  `tpr` of the outliers, a Python `float`."""
  from sklearn import metrics  # pylint: disable=g-import-not-at-top
  labels, scores = _labelled(inlier_scores, outlier_scores)
  fprs, tprs, _ = metrics.roc_curve(labels, scores)
  return float(fprs[np.argmax(tprs >= tpr)])


def threshold_at_fpr(reference_scores, fpr=0.05):
  """The cut that flags about `fpr` of in-distribution images.

  Args:
    reference_scores: the scores of in-distribution images the model did
      not train on, `[N]`.
    fpr: Python `float` in `(0, 1)`, the share of such images to flag.

  Returns:
    threshold: Python `float`: the `1 - fpr` quantile of the reference
      scores; `flags` marks the scores above it, at most `fpr` of the
      reference.

  Raises:
    ValueError: if there are no finite reference scores or `fpr` is not in
      `(0, 1)`.
  """
  if not 0. < fpr < 1.:
    raise ValueError('The false-positive rate must be in (0, 1), got {}.'
                     .format(fpr))
  scores = np.asarray(reference_scores, np.float64).ravel()
  scores = scores[np.isfinite(scores)]
  if not scores.size:
    raise ValueError('No reference images were scored: a threshold needs '
                     'in-distribution images.')
  return float(np.quantile(scores, 1. - fpr, method='higher'))


def flags(scores, threshold):
  """Whether each score is above the threshold, bool `np.ndarray`."""
  return np.asarray(scores, np.float64) > threshold


def _labelled(inlier_scores, outlier_scores):
  inliers = np.asarray(inlier_scores, np.float64).ravel()
  outliers = np.asarray(outlier_scores, np.float64).ravel()
  if not inliers.size or not outliers.size:
    raise ValueError('An evaluation needs scored inliers and outliers, got '
                     '{} and {}.'.format(inliers.size, outliers.size))
  labels = np.concatenate([np.zeros(inliers.size), np.ones(outliers.size)])
  return labels, np.concatenate([inliers, outliers])
