"""The typicality test of a batch of images (Nalisnick et al., 2019).

A batch of `M` in-distribution images has a mean NLL close to the entropy
rate `H` of the data; a batch whose mean is far from it, above or below, is
out of distribution. `H` is estimated by the mean NLL of a reference of
in-distribution images, and the cut on `|mean NLL - H|` by drawing batches of
`M` reference images with replacement (a bootstrap) and taking the
`1 - fpr` quantile of their distances.
"""

import collections

import numpy as np

from tfp_pixel.outliers import detection

__all__ = ['TypicalityTest', 'batch_distances', 'typicality_test']

# Bootstrap batches drawn from the reference.
NUM_BOOTSTRAP = 1000
_CHUNK_VALUES = 2**22

TypicalityTest = collections.namedtuple(
    'TypicalityTest', ['batch_size', 'distance', 'threshold', 'typical_nll',
                       'outlier'])
TypicalityTest.__doc__ = """The result of `typicality_test`.

Fields:
  batch_size: Python `int`, the images tested together.
  distance: Python `float`, `|mean NLL of the batch - typical_nll|`.
  threshold: Python `float`, the distance above which a batch of this size
    is out of distribution at the false-positive rate asked.
  typical_nll: Python `float`, the reference's mean NLL.
  outlier: Python `bool`, `distance > threshold`.
"""


def typicality_test(nlls, reference_nlls, fpr=0.05,
                    num_bootstrap=NUM_BOOTSTRAP, seed=0):
  """Tests whether a batch of images is typical of the reference.

  Args:
    nlls: the NLLs of the batch's images `[M]`, in any unit (the
      reference's).
    reference_nlls: the NLLs of in-distribution images the model did not
      train on `[N]`.
    fpr: Python `float`, the share of in-distribution batches of `M` images
      the test may reject.
    num_bootstrap: Python `int`, the batches drawn from the reference.
    seed: Python `int`, of the bootstrap draws.

  Returns:
    test: `TypicalityTest`.

  Raises:
    ValueError: if the batch or the reference is empty, or `fpr` is not in
      `(0, 1)`.
  """
  nlls = np.asarray(nlls, np.float64).ravel()
  reference = np.asarray(reference_nlls, np.float64).ravel()
  if not nlls.size or not reference.size:
    raise ValueError('The typicality test needs a batch and reference '
                     'images, got {} and {}.'.format(nlls.size,
                                                     reference.size))
  typical = float(reference.mean())
  rng = np.random.default_rng(seed)
  # Batch means a bounded chunk of draws at a time, whatever the batch size.
  rows = max(1, _CHUNK_VALUES // nlls.size)
  means = np.concatenate([
      rng.choice(reference, size=(min(rows, num_bootstrap - start),
                                  nlls.size)).mean(axis=1)
      for start in range(0, num_bootstrap, rows)])
  threshold = detection.threshold_at_fpr(np.abs(means - typical), fpr)
  distance = float(abs(nlls.mean() - typical))
  return TypicalityTest(int(nlls.size), distance, threshold, typical,
                        distance > threshold)


def batch_distances(nlls, typical_nll, batch_size, num_batches=NUM_BOOTSTRAP,
                    seed=0):
  """The test's statistic for random batches of a set of images.

  To measure how well the test tells batches of two sets apart (an AUROC of
  batches rather than of images), draw batches of `batch_size` images of
  each set with replacement and compare their distances.

  Args:
    nlls: the NLLs of a set's images `[N]`.
    typical_nll: Python `float`, the reference's mean NLL.
    batch_size: Python `int`, the images of a batch.
    num_batches: Python `int`, the batches to draw.
    seed: Python `int`, of the draws.

  Returns:
    distances: float64 `np.ndarray` `[num_batches]`, `|mean NLL of the
      batch - typical_nll|` of each batch.
  """
  nlls = np.asarray(nlls, np.float64).ravel()
  batches = np.random.default_rng(seed).choice(nlls,
                                               (num_batches, batch_size))
  return np.abs(batches.mean(axis=1) - typical_nll)
