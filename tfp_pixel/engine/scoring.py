"""Scoring images under a trained run: `tfp_pixel.score`.

Every image gets its negative log-likelihood in nats and in bits per dimension
under the 8-bit convention of `tfp_pixel.metrics` (comparable across models and
level counts), and the model's own figure on its quantized levels.

A class-conditional run scores `p(x | y)`: under one given label, under the
labels of the data (class sub-folders named by class id, the labels of an
`.npz` file or of an IDX images file), or it classifies each image by
likelihood, `argmax_y log p(x | y)`, with the accuracy where labels are known.
"""

import collections
import os

import numpy as np
import tensorflow as tf

from tfp_pixel import data
from tfp_pixel.engine import conditional_runs
from tfp_pixel.engine import image_task
from tfp_pixel.engine import runs

__all__ = [
    'ImageScore',
    'ScoreReport',
    'Skipped',
    'score',
    'score_images',
    'score_images_per_class',
]

ImageScore = collections.namedtuple(
    'ImageScore',
    ['path', 'nll', 'bits_per_dim', 'nll_levels', 'bits_per_dim_levels',
     'label', 'predicted'], defaults=(None, None))
ImageScore.__doc__ = """The score of one image.

Fields:
  path: `str`, the image file (`FILE[i]` for image `i` of an array or IDX
    file).
  nll: negative log-likelihood of the 8-bit image, in nats.
  bits_per_dim: `nll / (H * W * C * ln 2)`.
  nll_levels: the model's own negative log-likelihood of the quantized image.
  bits_per_dim_levels: `nll_levels / (H * W * C * ln 2)`.
  label: Python `int`, the given (true) class of the image under which it was
    scored, or `None`.
  predicted: Python `int`, the class of highest likelihood when classifying,
    else `None`. Without a given label the image is scored under it.
"""

Skipped = collections.namedtuple('Skipped', ['path', 'reason'])
Skipped.__doc__ = """A path that could not be scored, and why (one line)."""

ScoreReport = collections.namedtuple(
    'ScoreReport', ['run_dir', 'scores', 'skipped', 'mean', 'accuracy'],
    defaults=(None,))
ScoreReport.__doc__ = """The result of `score`.

Fields:
  run_dir: `str`, the run whose model scored the images.
  scores: `list` of `ImageScore`, in path order.
  skipped: `list` of `Skipped`.
  mean: `ImageScore` of the means over `scores` (path `'mean'`), or `None`
    when nothing was scored.
  accuracy: Python `float`, the share of images whose predicted class is
    their given label, when classifying labelled images; else `None`.
"""


def score(paths, run_dir=None, batch_size=64, which='best', label=None,
          labels_from_data=False, classify=False):
  """Scores image files under a trained model.

  Images are converted to the run's shape and quantized to its levels the way
  training converted them. A path that cannot be scored (missing, unreadable,
  truncated, not an image, unconvertible, an empty folder, no label) is
  reported in `skipped`, and the rest are still scored. `.npy`/`.npz` and IDX
  image files are read as arrays of images, named `FILE[i]`.

  A class-conditional run needs a label for each image, or `classify`:
  `label` gives all images one class; `labels_from_data` takes each image's
  from its data: a folder's class sub-folders (named by class id `0`, `1`,
  ..., or, when there are as many as the model's classes, by any names taken
  in sorted order, as training does), the labels of an `.npz` file, or the
  labels file beside an IDX images file. `classify` predicts each image's
  class as the one of highest likelihood (and scores it under that class when
  it has no label); with labels, the report gives the accuracy.

  Args:
    paths: image files and folders (searched recursively), or one of them.
    run_dir: the run (a folder or an opened `runs.Run`); defaults to the
      latest run under `runs/`.
    batch_size: Python `int`, images per forward pass.
    which: `'best'` or `'last'` checkpoint.
    label: Python `int`, the class of every image (conditional runs only).
    labels_from_data: Python `bool`, whether to take each image's class from
      its data (conditional runs only).
    classify: Python `bool`, whether to predict classes (conditional runs
      only).

  Returns:
    report: `ScoreReport`.

  Raises:
    ValueError: if there is no such run, it has no checkpoint, a label option
      is given for a run that is not class-conditional, a conditional run gets
      no label source and no `classify`, both `label` and `labels_from_data`
      are given, or `label` is not a class of the model.
  """
  if isinstance(paths, (str, os.PathLike)):
    paths = [paths]
  run = runs.open_run(run_dir, images=True)
  config = run.config
  _check_label_options(run, label, labels_from_data, classify)
  names, images, labels, skipped = _load(paths, config, labels_from_data)
  if not images:
    return ScoreReport(run.path, [], skipped, None)
  images = np.stack(images)
  if label is not None:
    labels = np.full(len(images), conditional_runs.check_labels(
        label, config['num_classes']))
  dist = run.load_model(which)
  if classify:
    nll, nll_levels, predicted = _classify(dist, config, images, batch_size,
                                           labels)
  else:
    nll, nll_levels = score_images(dist, config, images, batch_size, labels)
    predicted = None
  accuracy = (None if predicted is None or labels is None else
              float(np.mean(predicted == labels)))
  return _report(run.path, config, names, nll, nll_levels, labels, predicted,
                 skipped, accuracy)


def _classify(dist, config, images, batch_size, labels):
  """NLLs under each image's true (else predicted) class, and predictions."""
  per_class = score_images_per_class(dist, config, images, batch_size)
  predicted = np.argmin(per_class[1], axis=1)
  chosen = predicted if labels is None else labels
  nll, nll_levels = (np.take_along_axis(p, chosen[:, np.newaxis], 1)[:, 0]
                     for p in per_class)
  return nll, nll_levels, predicted


def _report(run_dir, config, names, nll, nll_levels, labels, predicted,
            skipped, accuracy):
  task = image_task.ImageTask(config)
  bits, bits_levels = task.bits_per_dim(nll), task.bits_per_dim(nll_levels)
  scores = [ImageScore(*row) for row in zip(
      names, nll.tolist(), bits.tolist(), nll_levels.tolist(),
      bits_levels.tolist(), _as_list(labels, len(names)),
      _as_list(predicted, len(names)))]
  mean = ImageScore('mean', float(nll.mean()), float(bits.mean()),
                    float(nll_levels.mean()), float(bits_levels.mean()))
  return ScoreReport(run_dir, scores, skipped, mean, accuracy)


def score_images(dist, config, images, batch_size=64, labels=None):
  """Negative log-likelihoods of 8-bit images under a model, in nats.

  Args:
    dist: distribution built from `config`.
    config: its model configuration.
    images: uint8 `np.ndarray` `[N, height, width, channels]`.
    batch_size: Python `int`, images per forward pass.
    labels: for a class-conditional model, the int class ids `[N]` to
      score the images under; else `None`.

  Returns:
    nll: float64 `np.ndarray` `[N]`, of the 8-bit images.
    nll_levels: float64 `np.ndarray` `[N]`, of their quantized levels.
  """
  return _score_batches(_nll_function(dist, config), images, batch_size,
                        labels)


def score_images_per_class(dist, config, images, batch_size=64):
  """Negative log-likelihoods of 8-bit images under every class, in nats.

  Args:
    dist: a class-conditional distribution built from `config`.
    config: its model configuration.
    images: uint8 `np.ndarray` `[N, height, width, channels]`.
    batch_size: Python `int`, images per forward pass.

  Returns:
    nll: float64 `np.ndarray` `[N, num_classes]`, `-log p(x | y)` of the
      8-bit images for each class `y`.
    nll_levels: float64 `np.ndarray` `[N, num_classes]`, the same of their
      quantized levels.
  """
  batch_nll = _nll_function(dist, config)
  per_class = [
      _score_batches(batch_nll, images, batch_size,
                     np.full(len(images), k, np.int64))
      for k in range(config['num_classes'])]
  return tuple(np.stack([p[k] for p in per_class], axis=1) for k in range(2))


def _nll_function(dist, config):
  """A `tf.function` of `(uint8 batch, labels or None)`: (8-bit, own) NLLs."""
  task = image_task.ImageTask(config)

  @tf.function(reduce_retracing=True)
  def batch_nll(images, labels=None):
    return task.nll(dist, images if labels is None else (images, labels))

  return batch_nll


def _score_batches(batch_nll, images, batch_size, labels):
  parts = [batch_nll(tf.constant(images[i:i + batch_size]),
                     None if labels is None else
                     tf.constant(labels[i:i + batch_size]))
           for i in range(0, len(images), batch_size)]
  return tuple(np.concatenate([np.asarray(p[k], np.float64) for p in parts])
               for k in range(2))


def _check_label_options(run, label, labels_from_data, classify):
  """Raises a one-line `ValueError` for label options that do not fit."""
  config, run_dir = run.config, run.path
  for given, what in ((label is not None, 'A label (--label)'),
                      (labels_from_data,
                       'Labels from the data (--labels-from-data)'),
                      (classify, 'Classification (--classify)')):
    if given:
      conditional_runs.require_conditional(config, what, run_dir)
  if label is not None and labels_from_data:
    raise ValueError('Give either a label (--label) or the labels of the data '
                     '(--labels-from-data), not both.')
  if conditional_runs.is_conditional(config) and not (
      label is not None or labels_from_data or classify):
    raise ValueError(
        '{} is class-conditional ({} classes): pass --label N, '
        '--labels-from-data (class sub-folders, a labelled .npz, IDX labels) '
        'or --classify.'.format(run_dir, config['num_classes']))


def _load(paths, config, with_labels):
  """Reads the images of `paths`; returns names, images, labels and skipped.

  Labels are an int64 `np.ndarray` when `with_labels`, else `None`.
  """
  image_shape = tuple(config['image_shape'])
  names, images, labels, skipped = [], [], [], []
  seen = set()
  for path in map(os.fspath, paths):
    if os.path.isfile(path) and _is_array_file(path):
      try:
        image_set = data.load_images(path, shape=image_shape,
                                     with_labels=with_labels)
      except (data.DataError, OSError) as error:
        skipped.append(Skipped(path, data.reason_of(error, path)))
        continue
      names.extend('{}[{}]'.format(path, i)
                   for i in range(len(image_set.images)))
      images.extend(image_set.images)
      labels.extend(image_set.labels if with_labels else ())
      continue
    scanned = data.scan_images([path], image_shape)
    skipped.extend(Skipped(*pair) for pair in scanned.skipped)
    file_labels = (_folder_labels(path, scanned.files, config['num_classes'])
                   if with_labels else {})
    for name, image in zip(scanned.files, scanned.images):
      if name in seen:
        continue
      seen.add(name)
      if with_labels and not isinstance(file_labels[name], int):
        skipped.append(Skipped(name, file_labels[name]))
        continue
      names.append(name)
      images.append(image)
      labels.extend([file_labels[name]] if with_labels else ())
  if with_labels:
    labels = conditional_runs.check_labels(np.array(labels, np.int64),
                                           config['num_classes'],
                                           'a data label')
  return names, images, labels if with_labels else None, skipped


def _folder_labels(path, files, num_classes):
  """The class of each of the `files` found under `path`, or why it has none.

  Returns:
    labels: `dict` from each file to its Python `int` class id, or to a
      one-line reason why it has none.
  """
  if not os.path.isdir(path):
    return {name: 'no label: name the folder of its class sub-folders instead'
            for name in files}
  classes = {name: data.class_of(path, name) for name in files}
  names = [c for c in classes.values() if c is not None]
  ids = data.class_ids(names)
  labels = {}
  for name, class_name in classes.items():
    if class_name is None:
      labels[name] = 'not in a class sub-folder of {}'.format(path)
    elif not data.names_are_class_ids(ids) and len(ids) != num_classes:
      labels[name] = (
          '{} has {} class sub-folders for a model of {} classes: name them '
          'by class id (0 to {})'.format(path, len(ids), num_classes,
                                         num_classes - 1))
    elif ids[class_name] >= num_classes:
      labels[name] = 'class {} is not a class of the model (0 to {})'.format(
          class_name, num_classes - 1)
    else:
      labels[name] = ids[class_name]
  return labels


def _is_array_file(path):
  return (os.path.splitext(path)[1].lower() in data.ARRAY_EXTENSIONS or
          data.is_idx_file(path))


def _as_list(values, size):
  return [None] * size if values is None else [int(v) for v in values]
