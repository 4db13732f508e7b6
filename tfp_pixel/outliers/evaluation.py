"""How well each outlier method separates two sets of images:
`tfp_pixel.outliers.evaluate`.

Both sets are scored once (`scoring.OutlierScorer`: the model's NLL, the
background model's, the PNG length); every method the runs allow is then
measured from the same figures, side by side: AUROC, AUPRC (outliers
positive) and the false-positive rate at 95% true-positive rate.
"""

import collections

from tfp_pixel.outliers import detection
from tfp_pixel.outliers import methods
from tfp_pixel.outliers import scoring

__all__ = ['Evaluation', 'MethodResult', 'evaluate']

MethodResult = collections.namedtuple(
    'MethodResult', ['method', 'auroc', 'auprc', 'fpr_at_95_tpr'])
MethodResult.__doc__ = """The separation of one method's scores: Python
`float`s, see `detection`."""

Evaluation = collections.namedtuple(
    'Evaluation',
    ['run_dir', 'background_dir', 'num_inliers', 'num_outliers', 'typical_nll',
     'results', 'scores', 'skipped'])
Evaluation.__doc__ = """The result of `evaluate`.

Fields:
  run_dir, background_dir: `str`, the runs (the background's or `None`).
  num_inliers, num_outliers: Python `int`, the images scored of each set.
  typical_nll: Python `float`, the NLL (bits per dimension) typicality was
    measured against, or `None`.
  results: `list` of `MethodResult`, in `methods.METHODS` order.
  scores: `dict` from each method to its `(inlier_scores, outlier_scores)`
    float64 arrays.
  skipped: `list` of `scoring.Skipped` of both sets.
"""


def evaluate(inliers, outliers, run_dir=None, background=None, reference=None,
             batch_size=64, which='best', data_dir=None):
  """Measures every available method on in-distribution and outlier images.

  `llr` needs a `background`; `typicality` the NLL of typical images: the
  `reference`'s mean, else the run's own validation figure.

  Args:
    inliers: in-distribution images the model did not train on (paths, as
      `tfp-pixel score` reads them).
    outliers: images from elsewhere (paths).
    run_dir: the model's run (the latest when `None`).
    background: its background model's run, or `None`.
    reference: other in-distribution images to measure typicality against,
      or `None`.
    batch_size: Python `int`, images per forward pass.
    which: `'best'` or `'last'` checkpoint.
    data_dir: the TFDS data folder of TFDS names (TFDS's default when
      `None`).

  Returns:
    evaluation: `Evaluation`.

  Raises:
    ValueError: one line, if a run does not fit, or a set has no image that
      could be scored.
  """
  options = dict(batch_size=batch_size, which=which, data_dir=data_dir)
  first = scoring.OutlierScorer(inliers, run_dir, background, None, **options)
  runs = (first.run, first.background_run)
  if reference is not None:
    reference_parts, _ = scoring.collect_parts(scoring.OutlierScorer(
        reference, *runs, None, **options))
    if reference_parts.nll.size:
      first.set_reference(reference_parts)
  typical_nll = first.typical_nll
  inlier_parts, skipped = scoring.collect_parts(first)
  outlier_parts, more_skipped = scoring.collect_parts(scoring.OutlierScorer(
      outliers, *runs, None, **options))
  for name, parts in (('inlier', inlier_parts), ('outlier', outlier_parts)):
    if not parts.nll.size:
      raise ValueError('No {} image could be scored.'.format(name))
  results, scores = [], {}
  for method in methods.available_methods(background is not None,
                                          typical_nll is not None):
    pair = tuple(methods.method_scores(method, parts, typical_nll)
                 for parts in (inlier_parts, outlier_parts))
    scores[method] = pair
    results.append(MethodResult(method, detection.auroc(*pair),
                                detection.auprc(*pair),
                                detection.fpr_at_tpr(*pair, tpr=0.95)))
  return Evaluation(first.run_dir, first.background_dir,
                    int(inlier_parts.nll.size), int(outlier_parts.nll.size),
                    typical_nll, results, scores, skipped + more_skipped)
