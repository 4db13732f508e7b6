"""Outlier scores of image files under a trained run: `tfp_pixel.outliers
.score`.

`OutlierScorer` reads images as `tfp-pixel score` does (every source, bad
files reported and skipped, a batch at a time) and gives each image its
`methods.Parts` (the model's and the background model's NLL, the PNG length
of its levels) and its score under the chosen method. With a reference of
in-distribution images, `outlier_scorer` first scores the reference to set
the threshold at a false-positive rate, and each image gets a verdict.

A class-conditional run scores the marginal likelihood
`p(x) = sum_y p(x | y) / num_classes` (uniform over the classes): an outlier
is unusual whatever its label.
"""

import collections
import math

import numpy as np
from scipy import special

from tfp_pixel.engine import background_runs
from tfp_pixel.engine import configs
from tfp_pixel.engine import loading
from tfp_pixel.engine import prior_runs
from tfp_pixel.engine import runs
from tfp_pixel.engine.kinds import images as image_kind
from tfp_pixel.engine.kinds.images import conditioning
from tfp_pixel.engine.kinds.images import scoring
from tfp_pixel.outliers import complexity
from tfp_pixel.outliers import detection
from tfp_pixel.outliers import methods
from tfp_pixel.outliers import typicality

__all__ = ['OutlierReport', 'OutlierScore', 'OutlierScorer', 'Skipped',
           'check_background', 'collect_parts', 'image_model_run',
           'outlier_scorer', 'recorded_typical_nll', 'score']

Skipped = scoring.Skipped

OutlierScore = collections.namedtuple(
    'OutlierScore',
    ['path', 'nll', 'background', 'complexity', 'score', 'outlier'])
OutlierScore.__doc__ = """The outlier score of one image.

Fields:
  path: `str`, the image file (`FILE[i]` for image `i` of an array file).
  nll: `-log2 p(x) / D`, bits per dimension of the image's levels.
  background: the same under the background model, or `None`.
  complexity: `L(x) / D`, the bits per dimension of the PNG of its levels.
  score: Python `float` of the chosen method (higher = more unusual), or
    `None` when no method was chosen.
  outlier: Python `bool`, whether the score is above the threshold, or
    `None` without a threshold. The mean row holds the share flagged.
"""

OutlierReport = collections.namedtuple(
    'OutlierReport',
    ['run_dir', 'background_dir', 'method', 'threshold', 'scores', 'skipped',
     'typicality'])
OutlierReport.__doc__ = """The result of `score`.

Fields:
  run_dir, background_dir: `str`, the runs of the model and of the
    background model (or `None`).
  method: Python `str`, the method of the scores.
  threshold: Python `float`, the cut at the false-positive rate asked, or
    `None` without a reference.
  scores: `list` of `OutlierScore`, in path order.
  skipped: `list` of `scoring.Skipped`.
  typicality: `typicality.TypicalityTest` of all scored images as one
    batch (method `typicality` with a reference), else `None`.
"""


def score(paths, run_dir=None, background=None, method=None, reference=None,
          fpr=0.05, batch_size=64, which='best', data_dir=None):
  """Scores how unusual each image is under a trained run.

  Args:
    paths: image files and folders, array files and TFDS names (every
      source `tfp-pixel score` reads), or one of them.
    run_dir: the run of the model (the latest when `None`).
    background: the run of its background model (`train --background-for`),
      for `llr`; or `None`.
    method: one of `methods.METHODS`; `None`: `methods.DEFAULT_METHOD`
      (`nll`).
    reference: in-distribution images the model did not train on (paths,
      as `paths`), to set the threshold; or `None`.
    fpr: Python `float`, the share of in-distribution images the threshold
      flags.
    batch_size: Python `int`, images per forward pass.
    which: `'best'` or `'last'` checkpoint of both runs.
    data_dir: the TFDS data folder of TFDS names (TFDS's default when
      `None`).

  Returns:
    report: `OutlierReport`.

  Raises:
    ValueError: one line, if a run does not fit (see `OutlierScorer`), the
      method needs what is not given, or the reference has no image.
  """
  scorer = outlier_scorer(paths, run_dir, background, method, reference, fpr,
                          batch_size, which, data_dir)
  scores, skipped = [], []
  for result in scorer:
    (skipped if isinstance(result, Skipped) else scores).append(
        result)
  return OutlierReport(scorer.run_dir, scorer.background_dir, scorer.method,
                       scorer.threshold, scores, skipped,
                       scorer.typicality_test())


def outlier_scorer(paths, run_dir=None, background=None, method=None,
                   reference=None, fpr=0.05, batch_size=64, which='best',
                   data_dir=None):
  """An `OutlierScorer` of `paths` ready to iterate: with a `reference`,
  the reference is scored first and sets the threshold (and typicality's
  typical NLL). The arguments are those of `score`."""
  if method is None:
    method = methods.DEFAULT_METHOD
  if method not in methods.METHODS:
    raise ValueError('Unknown outlier method {!r}; one of {}.'.format(
        method, ', '.join(methods.METHODS)))
  if method == 'llr' and background is None:
    raise ValueError('The likelihood ratio (llr) needs a background model: '
                     'pass --background BG_RUN (train --background-for).')
  scorer = OutlierScorer(paths, run_dir, background, method,
                         batch_size=batch_size, which=which,
                         data_dir=data_dir)
  if reference is not None:
    parts, _ = collect_parts(OutlierScorer(
        reference, scorer.run, scorer.background_run, None,
        batch_size=batch_size, which=which, data_dir=data_dir))
    if not parts.nll.size:
      raise ValueError('No reference image could be scored.')
    scorer.set_reference(parts, fpr)
  elif method == 'typicality' and scorer.typical_nll is None:
    raise ValueError('Typicality needs the NLL of in-distribution images: '
                     'give reference images (--reference); {} records no '
                     'validation figure of its own.'.format(scorer.run_dir))
  return scorer


def collect_parts(scorer):
  """Iterates `scorer`; returns the `methods.Parts` of its images and the
  `scoring.Skipped` paths."""
  rows, skipped = [], []
  for result in scorer:
    (skipped if isinstance(result, Skipped) else rows).append(result)
  background = (np.array([row.background for row in rows], np.float64)
                if scorer.background_dir else None)
  return methods.Parts(np.array([row.nll for row in rows], np.float64),
                       background,
                       np.array([row.complexity for row in rows],
                                np.float64)), skipped


class OutlierScorer(scoring.Scorer):
  """Scores image files under a run (and its background model), a batch at
  a time, yielding `OutlierScore`s and `scoring.Skipped`s.

  Args:
    paths: as `score`'s.
    run_dir: the run of the model, a folder or an opened `loading.Run`.
    background: the background model's run (folder or `loading.Run`), or
      `None`.
    method: one of `methods.METHODS`, or `None` for no score (the `Parts`
      only).
    batch_size, which, data_dir: as `score`'s.

  Raises:
    ValueError: one line, if a run is not an image model's (a prior over
      codes has only a bound), the background run is not a background model
      or models other images (shape, levels, classes) than the run.
  """

  def __init__(self, paths, run_dir=None, background=None, method=None,
               batch_size=64, which='best', data_dir=None):
    run = image_model_run(run_dir)
    super().__init__(paths, run, batch_size, which,
                     classify=conditioning.is_conditional(run.config),
                     data_dir=data_dir)
    self._method = method
    self._background = None
    self._background_nll = None
    if background is not None:
      self._background = image_model_run(background)
      check_background(self._background, run)
      self._background_nll = scoring._nll_function(  # pylint: disable=protected-access
          self._background.load_model(which), self._background.config)
    self._typical_nll = recorded_typical_nll(run, which)
    self._threshold = None
    self._fpr = None
    self._reference_nlls = None
    self._nlls = []
    self._flagged = 0
    self._sums = np.zeros(4)

  @property
  def run(self):
    """The model's `loading.Run`."""
    return self._run

  @property
  def background_run(self):
    """The background model's `loading.Run`, or `None`."""
    return self._background

  @property
  def background_dir(self):
    """`str`, the background model's run, or `None`."""
    return None if self._background is None else self._background.path

  @property
  def method(self):
    return self._method

  @property
  def threshold(self):
    """The cut of the scores, or `None` before `set_reference`."""
    return self._threshold

  @property
  def typical_nll(self):
    """The mean `nll` of in-distribution images: the reference's, or the
    run's own validation figure (a model that is not class-conditional), or
    `None`."""
    return self._typical_nll

  # Outliers are scored under the marginal likelihood: no label columns.
  labelled = False
  classifying = False

  @property
  def mean(self):
    if not self._count:
      return None
    means = (self._sums / self._count).tolist()
    return OutlierScore(
        'mean', means[0], means[1] if self._background else None, means[2],
        means[3] if self._method else None,
        self._flagged / self._count if self._threshold is not None else None)

  def set_reference(self, parts, fpr=None):
    """Sets the typical NLL from in-distribution images' `methods.Parts`,
    and, given a false-positive rate `fpr`, the threshold of the method's
    scores."""
    self._typical_nll = float(np.mean(parts.nll))
    self._fpr = fpr
    if self._method is not None and fpr is not None:
      self._threshold = detection.threshold_at_fpr(
          methods.method_scores(self._method, parts, self._typical_nll), fpr)
    self._reference_nlls = parts.nll

  def typicality_test(self):
    """The `typicality.TypicalityTest` of every image scored so far as one
    batch against the reference, at the threshold's false-positive rate;
    `None` unless the method is `typicality` and a reference set a
    threshold."""
    if self._method != 'typicality' or self._threshold is None or (
        not self._nlls):
      return None
    return typicality.typicality_test(np.concatenate(self._nlls),
                                      self._reference_nlls, self._fpr)

  def summary(self):
    """What the scores are, beyond the rows (JSON values): the method, the
    background model, the threshold and its rate, the batch's typicality
    test."""
    summary = {'method': self._method, 'background': self.background_dir}
    if self._threshold is not None:
      summary.update(threshold=self._threshold, fpr=self._fpr)
    test = self.typicality_test()
    if test is not None:
      summary['batch_typicality'] = dict(test._asdict())
    return summary

  @property
  def columns(self):
    """The `(field, header, format)` of the results after `path`: the NLLs,
    the score and the verdict where there are some."""
    columns = [('nll', 'nll b/dim', '.4f')]
    if self._background is not None:
      columns.append(('background', 'bg b/dim', '.4f'))
    columns.append(('complexity', 'png b/dim', '.4f'))
    if self._method is not None:
      columns.append(('score', self._method, '.4f'))
    if self._threshold is not None:
      columns.append(('outlier', 'outlier', ''))
    return tuple(columns)

  def _score(self, pending):
    names, images, _ = zip(*pending)
    images = np.stack(images)
    config = self._run.config
    num_bits = self._task.num_dims * math.log(2.)
    nll = self._nll_levels(self._batch_nll, config, images) / num_bits
    background = None
    if self._background is not None:
      background = self._nll_levels(self._background_nll,
                                    self._background.config,
                                    images) / num_bits
    levels = np.asarray(configs.images_to_events(images, config))
    png = complexity.png_bits(levels, config['num_levels']) / float(
        self._task.num_dims)
    parts = methods.Parts(nll, background, png)
    scores = (methods.method_scores(self._method, parts, self._typical_nll)
              if self._method else np.zeros(len(images)))
    flagged = (detection.flags(scores, self._threshold)
               if self._threshold is not None else None)
    self._nlls.append(nll)
    self._count += len(images)
    self._sums += np.stack([nll, background if background is not None
                            else np.zeros_like(nll), png, scores]).sum(axis=1)
    if flagged is not None:
      self._flagged += int(flagged.sum())
    for i, name in enumerate(names):
      yield OutlierScore(
          name, float(nll[i]),
          None if background is None else float(background[i]),
          float(png[i]), float(scores[i]) if self._method else None,
          None if flagged is None else bool(flagged[i]))

  def _nll_levels(self, batch_nll, config, images):
    """`-log p(levels)` of each image in nats: under the marginal of the
    classes for a class-conditional model."""
    if not conditioning.is_conditional(config):
      return scoring._score_batches(batch_nll, images, len(images), None)[1]  # pylint: disable=protected-access
    per_class = scoring._score_per_class(batch_nll, config, images,  # pylint: disable=protected-access
                                         len(images))[1]
    return (-special.logsumexp(-per_class, axis=1) +
            math.log(config['num_classes']))


def image_model_run(run_dir):
  """The `loading.Run` of an image model (not a prior over codes)."""
  run = loading.open_run(run_dir, kind=image_kind.NAME)
  if prior_runs.is_prior_run(run.config):
    raise ValueError(
        '{} is a prior over codes: its score is a bound, not a likelihood; '
        'outlier scores need an image model\'s run.'.format(run.path))
  return run


def check_background(background, run):
  """Raises a one-line `ValueError` unless `background` is a background
  model of the same images as `run`."""
  if background_runs.is_background_run(run.config):
    raise ValueError('{} is a background model: pass --run {} --background '
                     '{}.'.format(run.path, run.config['background']['for'],
                                  run.path))
  if not background_runs.is_background_run(background.config):
    raise ValueError('{} is not a background model: train one with '
                     'tfp-pixel train --background-for {}.'.format(
                         background.path, run.path))
  for key in ('image_shape', 'num_levels', 'num_classes'):
    if background.config[key] != run.config[key]:
      raise ValueError(
          'The background model {} has {} {}, the model {} has {}: train it '
          'with --background-for {}.'.format(
              background.path, key, background.config[key], run.path,
              run.config[key], run.path))


def recorded_typical_nll(run, which):
  """The run's mean validation NLL of its levels in bits per dimension, at
  the checkpoint `which` (the best or last epoch); `None` for a
  class-conditional model (its figure is of `p(x | y)`) or a run without
  validation."""
  if conditioning.is_conditional(run.config):
    return None
  records = [r for r in runs.read_metrics(run.path)
             if 'val_bits_per_dim_levels' in r]
  if not records:
    return None
  record = (min(records, key=lambda r: r['val_bits_per_dim_levels'])
            if which == 'best' else records[-1])
  return float(record['val_bits_per_dim_levels'])
