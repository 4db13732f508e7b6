"""Drawing and completing 8-bit images with a trained run.

Each function takes the run as a `loading.Run` (opened once by the caller) or a
run folder (`None`: the latest run). A class-conditional run draws images of a
requested class (`label`), or one row of images per class
(`sample_per_class`).

Images are drawn in batches of at most `batch_size(image_shape)` images (the
sampler's memory grows with the batch): batch `k` with the stateless seed
`(seed, k)`, so that the first batch is what one call of `dist.sample` with
`(seed, 0)` draws. `sample_batches` yields them one at a time, for a caller
that streams them to a file.
"""

import numpy as np

from tfp_pixel import bounds
from tfp_pixel import class_labels
from tfp_pixel import data
from tfp_pixel.engine import configs
from tfp_pixel.engine import loading
from tfp_pixel.engine.kinds import images as image_kind
from tfp_pixel.engine.kinds.images import conditioning
from tfp_pixel.sampling import completion

__all__ = ['OCCLUSIONS', 'batch_size', 'complete_images', 'occlusion_mask',
           'sample_batches', 'sample_images', 'sample_per_class']

OCCLUSIONS = ('bottom-half', 'right-half')


def batch_size(image_shape):
  """Images drawn at once: `bounds.SAMPLE_BATCH_VALUES` values, at least one
  image (20 images of 28x28x1, 256 of 8x8x1)."""
  return max(1, bounds.SAMPLE_BATCH_VALUES // int(np.prod(image_shape)))


def sample_batches(run=None, num_samples=16, temperature=1., seed=0,
                   which='best', label=None, as_levels=False):
  """Samples images from a run's trained model, a batch at a time.

  The run and its checkpoint are opened (and `label` checked) before the
  first batch is drawn.

  Args:
    run: a `loading.Run` or a run folder; defaults to the latest run.
    num_samples: Python `int`, how many images in all.
    temperature: positive Python `float`; the model's distribution is
      `dist.copy(temperature=temperature)`.
    seed: Python `int`.
    which: `'best'` or `'last'` checkpoint.
    label: for (and only for) a class-conditional run, the class of the
      images: a Python `int` for every image, or one per image
      `[num_samples]`.
    as_levels: Python `bool`: for a run whose levels are its data (more
      than 256, `configs.levels_are_data`), yield the int32 levels drawn
      instead of their 8-bit display values.

  Returns:
    batches: an iterator of uint8 `np.ndarray`s `[n, height, width,
      channels]` (int32 levels, see `as_levels`) whose `n`s add up to
      `num_samples`.

  Raises:
    ValueError: if `temperature` is not a positive finite number, the run
      is missing, or `label` is missing for a class-conditional run, given
      for another, not one of its classes, or not one per image.
  """
  run = loading.open_run(run, kind=image_kind.NAME)
  labels = _checked_labels(label, run, int(num_samples))
  dist = run.load_model(which, temperature)
  return draw_batches(dist, run.config, int(num_samples),
                      lambda batch: (int(seed), batch), labels,
                      as_levels=as_levels)


def sample_images(run=None, num_samples=16, temperature=1., seed=0,
                  which='best', label=None):
  """Samples images from a run's trained model.

  Args:
    As `sample_batches`.

  Returns:
    images: uint8 `np.ndarray` `[num_samples, height, width, channels]`.

  Raises:
    As `sample_batches`.
  """
  return np.concatenate(list(sample_batches(run, num_samples, temperature,
                                            seed, which, label)))


def sample_per_class(run=None, samples_per_class=8, temperature=1.,
                     seed=0, which='best', max_classes=None):
  """Samples `samples_per_class` images of each class of a conditional run.

  Args:
    run: a `loading.Run` or a run folder; defaults to the latest run.
    samples_per_class: Python `int`, images per class.
    temperature: positive Python `float`, as in `sample_images`.
    seed: Python `int`.
    which: `'best'` or `'last'` checkpoint.
    max_classes: Python `int`, only the first classes; `None` for all.

  Returns:
    images: uint8 `np.ndarray` `[classes * samples_per_class, height, width,
      channels]`, class by class (a grid of `samples_per_class` columns has
      one row per class).
    labels: int64 `np.ndarray`, the class of each image.

  Raises:
    ValueError: if the run is missing or not class-conditional.
  """
  run = loading.open_run(run, kind=image_kind.NAME)
  conditioning.require_conditional(run.config, 'A per-class grid',
                                       run.path)
  labels = conditioning.per_class_labels(
      run.config['num_classes'], samples_per_class, max_classes)
  return sample_images(run, len(labels), temperature, seed, which,
                       labels), labels


def complete_images(images, known, run=None, num_completions=4, seed=0,
                    which='best', label=None):
  """Fills in the unknown pixels of 8-bit images with a run's trained model.

  The completions are drawn in batches of at most `batch_size` images, batch
  `k` with the seed `(seed, k)`: for each chunk of images, a chunk of
  completions at a time.

  Args:
    images: uint8 `np.ndarray` `[batch, height, width, channels]` of the run's
      image shape.
    known: bool `np.ndarray`, `True` where a pixel is known: `[height, width]`,
      `[height, width, channels]` or `[batch, height, width, channels]`.
    run: a `loading.Run` or a run folder; defaults to the latest run.
    num_completions: Python `int`, completions per image.
    seed: Python `int`.
    which: `'best'` or `'last'` checkpoint.
    label: for (and only for) a class-conditional run, the class of the
      completions: a Python `int` for every image, or one per image `[batch]`.

  Returns:
    completions: uint8 `np.ndarray` `[num_completions, batch, height, width,
      channels]`; known pixels keep their (quantized) values.

  Raises:
    ValueError: if the run is missing or of more than 256 levels, the
      images or mask do not fit it, or
      `label` is missing for a class-conditional run, given for another, or
      not one of its classes, or `num_completions < 1`.
  """
  run = loading.open_run(run, kind=image_kind.NAME)
  if configs.levels_are_data(run.config):
    raise ValueError(
        '{} models {} levels, which no 8-bit image quantizes to: only a run '
        'of at most 256 levels completes images.'.format(
            run.path, run.config['num_levels']))
  images = np.asarray(images, np.uint8)
  if num_completions < 1:
    raise ValueError('num_completions must be at least 1, got {}.'.format(
        num_completions))
  labels = _checked_labels(label, run, len(images))
  dist = run.load_model(which)
  events = configs.images_to_events(images, run.config)
  known = np.asarray(known, bool)
  per_image = known.ndim == 4
  size = batch_size(run.config['image_shape'])
  rows = max(1, min(len(images), size))
  columns = max(1, size // rows)
  completions = np.empty((num_completions,) + images.shape, np.uint8)
  batch = 0
  for start in range(0, len(images), rows):
    stop = start + rows
    onehot = None
    if labels is not None:
      onehot = conditioning.conditional_input(
          labels if labels.ndim == 0 else labels[start:stop], run.config)
    for first in range(0, num_completions, columns):
      count = min(columns, num_completions - first)
      drawn = completion.complete(
          dist, events[start:stop], known[start:stop] if per_image else known,
          n=count, seed=(int(seed), batch), conditional_input=onehot)
      completions[first:first + count, start:stop] = configs.events_to_images(
          drawn, run.config)
      batch += 1
  return completions


def occlusion_mask(spec, image_shape):
  """The known-pixel mask a `tfp-pixel complete --mask` value describes.

  Args:
    spec: `'bottom-half'`, `'right-half'`, or an image file whose white
      (> 127) pixels are known and dark ones hidden; it is resized to the
      image size.
    image_shape: `(height, width, channels)`.

  Returns:
    known: bool `np.ndarray` `[height, width]`.

  Raises:
    ValueError: if `spec` is neither a named occlusion nor a readable image.
  """
  height, width = image_shape[:2]
  known = np.ones([height, width], bool)
  if spec == 'bottom-half':
    known[height // 2:] = False
  elif spec == 'right-half':
    known[:, width // 2:] = False
  else:
    try:
      known = data.read_image(spec, (height, width, 1))[..., 0] > 127
    except data.ImageReadError as error:
      raise ValueError('--mask must be {} or an image file: {}'.format(
          ' or '.join(OCCLUSIONS), error)) from None
  return known


def _checked_labels(label, run, num_images):
  """`label` as int64 class ids (a scalar, or `[num_images]`), or `None`.

  Raises:
    ValueError: if `label` is missing for a class-conditional run, given for
      another, not one of its classes, or not one per image.
  """
  config = run.config
  if label is None:
    if conditioning.is_conditional(config):
      raise ValueError(
          '{} is class-conditional ({} classes): give a label (--label K, 0 '
          'to {}).'.format(run.path, config['num_classes'],
                           config['num_classes'] - 1))
    return None
  conditioning.require_conditional(config, 'A label', run.path)
  labels = class_labels.check_labels(label, config['num_classes'])
  if labels.ndim > 1 or (labels.ndim == 1 and len(labels) != num_images):
    raise ValueError('{} labels for {} images; give one label, or one per '
                     'image.'.format(labels.size, num_images))
  return labels


def draw_batches(dist, config, num_images, seed_of_batch, labels=None,
                 as_levels=False):
  """Yields `num_images` images of `dist` in batches of `batch_size` images.

  Args:
    dist: a distribution built from `config`.
    config: the model configuration.
    num_images: Python `int`.
    seed_of_batch: callable `k -> seed` of batch `k`.
    labels: for a class-conditional model, the class of every image (a
      scalar) or of each `[num_images]`; else `None`.
    as_levels: Python `bool`, see `sample_batches`.

  Yields:
    images: uint8 `np.ndarray`s `[n, height, width, channels]`, or int32
      levels.
  """
  as_levels = as_levels and configs.levels_are_data(config)
  size = batch_size(config['image_shape'])
  for batch, start in enumerate(range(0, num_images, size)):
    count = min(size, num_images - start)
    onehot = None
    if labels is not None:
      onehot = conditioning.conditional_input(
          labels if labels.ndim == 0 else labels[start:start + count], config)
    events = dist.sample(count, seed=seed_of_batch(batch),
                         conditional_input=onehot)
    yield (np.asarray(events, np.int32) if as_levels else
           configs.events_to_images(events, config))