"""The outlier scores of an image from its likelihoods: one home per method.

Every score is in bits per dimension, higher for more unusual images:

- `nll`: `-log2 p(x) / D`, the raw likelihood model's (known to rank simple
  images, such as constant ones, as most likely [1]).
- `llr`: `(log2 p_bg(x) - log2 p(x)) / D`, minus the likelihood ratio of
  Ren et al. [2] against a background model trained on mutated images
  (`train --background-for`): the statistics the two models share cancel.
- `complexity`: `(-log2 p(x) - L(x)) / D`, Serra et al.'s score [3], with
  `L(x)` the bits of the PNG of the image at the model's levels
  (`complexity.png_bits`).
- `typicality`: `|-log2 p(x) / D - H|`, the two-sided test of Nalisnick et
  al. [4] for a batch of one, where `H` is the mean of the same figure over
  in-distribution images (a reference, or the run's validation images).

`D` is the image's dimensions (`H * W * C`); `p` is the model's probability
of the image's levels.

#### References

[1]: Eric Nalisnick, Akihiro Matsukawa, Yee Whye Teh, Dilan Gorur, Balaji
     Lakshminarayanan. Do Deep Generative Models Know What They Don't Know?
     In _ICLR_, 2019. https://arxiv.org/abs/1810.09136
[2]: Jie Ren, Peter J. Liu, Emily Fertig, Jasper Snoek, Ryan Poplin, Mark A.
     DePristo, Joshua V. Dillon, Balaji Lakshminarayanan. Likelihood Ratios
     for Out-of-Distribution Detection. In _NeurIPS_, 2019.
     https://arxiv.org/abs/1906.02845
[3]: Joan Serra et al. Input Complexity and Out-of-Distribution Detection
     with Likelihood-based Generative Models. In _ICLR_, 2020.
     https://arxiv.org/abs/1909.11480
[4]: Eric Nalisnick, Akihiro Matsukawa, Yee Whye Teh, Balaji
     Lakshminarayanan. Detecting Out-of-Distribution Inputs to Deep
     Generative Models Using Typicality. 2019.
     https://arxiv.org/abs/1906.02994
"""

import collections

import numpy as np

__all__ = ['DEFAULT_METHOD', 'METHODS',
           'Parts', 'available_methods', 'method_scores']

METHODS = ('nll', 'llr', 'complexity', 'typicality')
# The method of the highest worst-case AUROC in bench/outliers.py, for both
# models (README, "Outliers"): the corrections lost to the raw NLL on digits.
DEFAULT_METHOD = 'nll'

Parts = collections.namedtuple('Parts', ['nll', 'background', 'complexity'])
Parts.__doc__ = """What the scores of a set of images are made of, each
`np.ndarray` `[N]` in bits per dimension.

Fields:
  nll: `-log2 p(x) / D` under the model.
  background: `-log2 p_bg(x) / D` under the background model, or `None`.
  complexity: `L(x) / D`, the PNG's bits of the image's levels.
"""


def available_methods(has_background, has_typical):
  """The methods that can score images: `llr` needs a background model,
  `typicality` the typical NLL of in-distribution images."""
  return tuple(method for method in METHODS
               if (method != 'llr' or has_background) and
               (method != 'typicality' or has_typical))


def method_scores(method, parts, typical_nll=None):
  """The scores of `method` (one of `METHODS`), higher = more unusual.

  Args:
    method: Python `str`.
    parts: `Parts` of the images.
    typical_nll: Python `float`, the mean `nll` of in-distribution images
      (`typicality` only).

  Returns:
    scores: float64 `np.ndarray` `[N]`, in bits per dimension.

  Raises:
    ValueError: if `method` is unknown, or lacks what it needs.
  """
  nll = np.asarray(parts.nll, np.float64)
  if method == 'nll':
    return nll
  if method == 'llr':
    if parts.background is None:
      raise ValueError('The likelihood ratio (llr) needs a background model '
                       '(--background, from train --background-for).')
    return nll - np.asarray(parts.background, np.float64)
  if method == 'complexity':
    return nll - np.asarray(parts.complexity, np.float64)
  if method == 'typicality':
    if typical_nll is None:
      raise ValueError('Typicality needs the NLL of in-distribution images: '
                       'give reference images (--reference).')
    return np.abs(nll - typical_nll)
  raise ValueError('Unknown outlier method {!r}; one of {}.'.format(
      method, ', '.join(METHODS)))
