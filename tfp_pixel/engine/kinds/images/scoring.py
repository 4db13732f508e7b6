"""Scoring images under a trained run: `tfp_pixel.score`.

Every image gets its negative log-likelihood in nats and in bits per dimension
under the 8-bit convention of `tfp_pixel.metrics` (comparable across models and
level counts), and the model's own figure on its quantized levels.

A class-conditional run scores `p(x | y)`: under one given label, under the
labels of the data (class sub-folders named by class id, the labels of an
`.npz` file or of an IDX images file), or it classifies each image by
likelihood, `argmax_y log p(x | y)`, with the accuracy where labels are known.

A `Scorer` reads, converts and scores the images a batch at a time and yields
each result as it comes: only one batch of images (and one array file) is
held, whatever the number of files. `score` collects its results.
"""

import collections
import os

import numpy as np
import tensorflow as tf

from tfp_pixel import bounds
from tfp_pixel import class_labels
from tfp_pixel import data
from tfp_pixel.engine import configs
from tfp_pixel.engine import loading
from tfp_pixel.engine.kinds import images as image_kind
from tfp_pixel.engine.kinds.images import conditioning
from tfp_pixel.engine.kinds.images import task as image_task

__all__ = [
    'Conversions',
    'ImageScore',
    'ScoreReport',
    'Scorer',
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

Conversions = collections.namedtuple('Conversions', ['resized', 'channels'])
Conversions.__doc__ = """How many scored images were converted to the run's
shape.

Fields:
  resized: Python `int`, images of another height or width, resized.
  channels: Python `int`, images of another channel count, converted (RGB to
    gray, or gray to RGB).
"""

ScoreReport = collections.namedtuple(
    'ScoreReport',
    ['run_dir', 'scores', 'skipped', 'mean', 'accuracy', 'conversions'],
    defaults=(None, Conversions(0, 0)))
ScoreReport.__doc__ = """The result of `score`.

Fields:
  run_dir: `str`, the run whose model scored the images.
  scores: `list` of `ImageScore`, in path order.
  skipped: `list` of `Skipped`.
  mean: `ImageScore` of the means over `scores` (path `'mean'`), or `None`
    when nothing was scored.
  accuracy: Python `float`, the share of images whose predicted class is
    their given label, when classifying labelled images; else `None`.
  conversions: `Conversions`, the scored images converted to the run's
    shape.
"""


def score(paths, run_dir=None, batch_size=64, which='best', label=None,
          labels_from_data=False, classify=False, data_dir=None):
  """Scores image files under a trained model.

  Images are converted to the run's shape and quantized to its levels the way
  training converted them; a run of more than 256 levels
  (`configs.levels_are_data`) scores the levels of array files as they are,
  and skips image files. A path that is not on disk and reads as a TFDS name
  (`mnist:test`, `cifar10:test[:500]`) is the data set's split, read whole
  (within `bounds.MAX_LOADED_BYTES`) from `data_dir`, and named like an
  array file. A path that cannot be scored (missing, unreadable,
  truncated, not an image, unconvertible, empty, an empty folder, no label) is
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

  The report holds every result; to score more files than their results
  should take in memory, iterate a `Scorer`.

  Args:
    paths: image files and folders (searched recursively), or one of them.
    run_dir: the run (a folder or an opened `loading.Run`); defaults to the
      latest run under `runs/`.
    batch_size: Python `int`, images per forward pass.
    which: `'best'` or `'last'` checkpoint.
    label: Python `int`, the class of every image (conditional runs only).
    labels_from_data: Python `bool`, whether to take each image's class from
      its data (conditional runs only).
    classify: Python `bool`, whether to predict classes (conditional runs
      only).
    data_dir: the TFDS data folder of TFDS names (TFDS's default when
      `None`).

  Returns:
    report: `ScoreReport`.

  Raises:
    ValueError: if there is no such run, it has no checkpoint, a label option
      is given for a run that is not class-conditional, a conditional run gets
      no label source and no `classify`, both `label` and `labels_from_data`
      are given, or `label` is not a class of the model.
  """
  scorer = Scorer(paths, run_dir, batch_size, which, label, labels_from_data,
                  classify, data_dir)
  scores, skipped = [], []
  for result in scorer:
    (skipped if isinstance(result, Skipped) else scores).append(result)
  return ScoreReport(scorer.run_dir, scores, skipped, scorer.mean,
                     scorer.accuracy, scorer.conversions)


class Scorer(object):
  """Scores image files under a trained model, a batch at a time.

  Iterating a `Scorer` (once) yields an `ImageScore` for each image and a
  `Skipped` for each path that cannot be scored, in path order. Images are
  read and converted one at a time and scored `batch_size` at a time (at
  most `bounds.SCORE_BATCH_VALUES` image values); an
  array file (`.npy`, `.npz`, IDX) is read whole, within
  `bounds.MAX_LOADED_BYTES`. Once iterated, `mean`, `accuracy` and
  `conversions` describe what was scored.

  The arguments are those of `score`, and so are the errors, raised by the
  constructor (which opens the run and restores its checkpoint) before any
  image is read.
  """

  def __init__(self, paths, run_dir=None, batch_size=64, which='best',
               label=None, labels_from_data=False, classify=False,
               data_dir=None):
    if isinstance(paths, (str, os.PathLike)):
      paths = [paths]
    self._run = loading.open_run(run_dir, kind=image_kind.NAME)
    config = self._run.config
    _check_label_options(self._run, label, labels_from_data, classify)
    self._label = None if label is None else int(
        class_labels.check_labels(label, config['num_classes']))
    self._labels_from_data = labels_from_data
    self._classify = classify
    self._data_dir = data_dir
    self._batch_size = max(1, min(int(batch_size), (
        bounds.SCORE_BATCH_VALUES // int(np.prod(config['image_shape'])))))
    self._sources = _plan(paths, config, labels_from_data)
    self._dist = self._run.load_model(which)
    self._batch_nll = _nll_function(self._dist, config)
    self._task = image_task.ImageTask(config)
    self._count = 0
    self._sums = np.zeros(4)
    self._correct = 0
    self._resized = self._channels = 0

  @property
  def run_dir(self):
    """`str`, the run whose model scores the images."""
    return self._run.path

  @property
  def image_shape(self):
    """`(height, width, channels)`, the run's images."""
    return tuple(self._data_config()['image_shape'])

  @property
  def labelled(self):
    """Whether every score has a given `label` (`label` or
    `labels_from_data`)."""
    return self._label is not None or self._labels_from_data

  @property
  def classifying(self):
    """Whether every score has a `predicted` class."""
    return self._classify

  def longest_name(self):
    """The length of the longest `path` a result can have (array files'
    image counts read from their headers), and at least `len('mean')`."""
    longest = len('mean')
    for source in self._sources:
      if isinstance(source, _Array):
        try:
          count = data.count_images(source.path)
        except (data.DataError, OSError):
          continue
        longest = max(longest, len(_array_name(source.path, count - 1)))
      else:
        longest = max(longest, len(source.path))
    return longest

  @property
  def count(self):
    """Python `int`, the images scored so far."""
    return self._count

  @property
  def correct(self):
    """Python `int`, the labelled images classified correctly so far."""
    return self._correct

  @property
  def mean(self):
    """`ImageScore` of the means (path `'mean'`), or `None` before any."""
    if not self._count:
      return None
    return ImageScore('mean', *(self._sums / self._count).tolist())

  @property
  def accuracy(self):
    """Share of correctly classified labelled images, or `None`."""
    if not (self._count and self._classify and self.labelled):
      return None
    return self._correct / self._count

  @property
  def conversions(self):
    """`Conversions` of the images scored so far."""
    return Conversions(self._resized, self._channels)

  def __iter__(self):
    pending = []
    for source in self._sources:
      if isinstance(source, Skipped):
        yield source
        continue
      try:
        images = list(self._read(source))
      except data.ImageReadError as error:
        yield Skipped(source.path, error.reason)
        continue
      except (ValueError, OSError) as error:
        yield Skipped(source.path, data.reason_of(error, source.path))
        continue
      for image in images:
        pending.append(image)
        if len(pending) == self._batch_size:
          yield from self._score(pending)
          pending = []
    if pending:
      yield from self._score(pending)

  # The columns of a score after `path`: (field, header, format).
  columns = (('nll', 'nll (nats)', '.2f'), ('bits_per_dim', 'bits/dim', '.4f'),
             ('nll_levels', 'nll levels', '.2f'),
             ('bits_per_dim_levels', 'bits/dim lvl', '.4f'))

  def _data_config(self):
    """The configuration of what the images are read as: the run's."""
    return self._run.config

  def _read(self, source):
    """`(name, image, label)` of each image of a source, converted.

    Raises:
      ValueError, OSError: if the source cannot be read or has no label.
    """
    config = self._data_config()
    image_shape = tuple(config['image_shape'])
    levels_are_data = configs.levels_are_data(config)
    if isinstance(source, _Array):
      if levels_are_data:
        image_set = data.load_levels(source.path, config['num_levels'],
                                     shape=image_shape,
                                     with_labels=self._labels_from_data)
      else:
        image_set = data.load_images(source.path, data_dir=self._data_dir,
                                     with_labels=self._labels_from_data)
      labels = [self._label] * len(image_set.images)
      if self._labels_from_data:
        labels = class_labels.check_labels(
            image_set.labels, config['num_classes'],
            'a data label').tolist()
      images = image_set.images
      if not levels_are_data:
        images = self._converted(images, image_shape, source.path)
      return ((_array_name(source.path, i), image, label)
              for i, (image, label) in enumerate(zip(images, labels)))
    if levels_are_data:
      raise data.DataError(
          'a model of {} levels scores integer levels from array files '
          '(.npy, .npz or IDX), not images'.format(config['num_levels']))
    if isinstance(source.label, str):
      raise data.DataError(source.label)
    image, own_shape = data.read_image_and_shape(source.path, image_shape)
    self._count_conversion(own_shape, image_shape, 1)
    label = source.label if self._labels_from_data else self._label
    return [(source.path, image, label)]

  def _converted(self, images, image_shape, path):
    self._count_conversion(images.shape[1:], image_shape, len(images))
    return data.convert_images(images, image_shape, source=path)

  def _count_conversion(self, own_shape, image_shape, count):
    if tuple(own_shape[:2]) != tuple(image_shape[:2]):
      self._resized += count
    if own_shape[2] != image_shape[2]:
      self._channels += count

  def _score(self, pending):
    """Scores `(name, image, label)`s; yields their `ImageScore`s."""
    names, images, labels = zip(*pending)
    images = np.stack(images)
    labels = np.array(labels, np.int64) if self.labelled else None
    config = self._run.config
    predicted = None
    if self._classify:
      per_class = _score_per_class(self._batch_nll, config, images,
                                   len(images))
      predicted = np.argmin(per_class[1], axis=1)
      chosen = predicted if labels is None else labels
      nll, nll_levels = (np.take_along_axis(p, chosen[:, np.newaxis], 1)[:, 0]
                         for p in per_class)
    else:
      nll, nll_levels = _score_batches(self._batch_nll, images, len(images),
                                       labels)
    bits = self._task.bits_per_dim(nll)
    bits_levels = self._task.bits_per_dim(nll_levels)
    columns = np.stack([nll, bits, nll_levels, bits_levels], axis=1)
    self._count += len(images)
    self._sums += columns.sum(axis=0)
    if predicted is not None and labels is not None:
      self._correct += int(np.sum(predicted == labels))
    for i, name in enumerate(names):
      yield ImageScore(
          name, *columns[i].tolist(),
          None if labels is None else int(labels[i]),
          None if predicted is None else int(predicted[i]))


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
  return _score_per_class(_nll_function(dist, config), config, images,
                          batch_size)


def _nll_function(dist, config):
  """A `tf.function` of `(uint8 batch, labels or None)`: (8-bit, own) NLLs."""
  task = image_task.ImageTask(config)

  @tf.function(reduce_retracing=True)
  def batch_nll(images, labels=None):
    return task.nll(dist, images if labels is None else (images, labels))

  return batch_nll


def _score_per_class(batch_nll, config, images, batch_size):
  per_class = [
      _score_batches(batch_nll, images, batch_size,
                     np.full(len(images), k, np.int64))
      for k in range(config['num_classes'])]
  return tuple(np.stack([p[k] for p in per_class], axis=1) for k in range(2))


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
      conditioning.require_conditional(config, what, run_dir)
  if label is not None and labels_from_data:
    raise ValueError('Give either a label (--label) or the labels of the data '
                     '(--labels-from-data), not both.')
  if conditioning.is_conditional(config) and not (
      label is not None or labels_from_data or classify):
    raise ValueError(
        '{} is class-conditional ({} classes): pass --label N, '
        '--labels-from-data (class sub-folders, a labelled .npz, IDX labels) '
        'or --classify.'.format(run_dir, config['num_classes']))


_Array = collections.namedtuple('_Array', ['path'])
_Image = collections.namedtuple('_Image', ['path', 'label'])


def _plan(paths, config, with_labels):
  """What to read, in path order: `_Array` files, `_Image` files (with their
  folder label, or why they have none) and `Skipped` paths."""
  sources, seen = [], set()
  for path in map(os.fspath, paths):
    if (os.path.isfile(path) and _is_array_file(path)) or (
        data.is_dataset_name(path)):
      sources.append(_Array(path))
      continue
    if os.path.isfile(path):
      files = [path]
    else:
      try:
        files = data.list_image_files([path])
      except (data.DataError, OSError) as error:
        sources.append(Skipped(path, data.reason_of(error, path)))
        continue
      if not files:
        sources.append(Skipped(path, 'no image files in this folder'))
        continue
    labels = (_folder_labels(path, files, config['num_classes'])
              if with_labels else {})
    for name in files:
      if name not in seen:
        seen.add(name)
        sources.append(_Image(name, labels.get(name)))
  return sources


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
    else:
      try:
        labels[name] = int(class_labels.check_labels(ids[class_name],
                                                     num_classes, 'class'))
      except ValueError as error:
        labels[name] = str(error).rstrip('.')
  return labels


def _is_array_file(path):
  return (os.path.splitext(path)[1].lower() in data.ARRAY_EXTENSIONS or
          data.is_idx_file(path))


def _array_name(path, index):
  return '{}[{}]'.format(path, index)
