"""Drawing 8-bit images from a trained run.

A class-conditional run draws images of a requested class (`label`), or one
row of images per class (`sample_per_class`).
"""

import numpy as np

from tfp_pixel import completion
from tfp_pixel import grids
from tfp_pixel import models
from tfp_pixel import run_labels
from tfp_pixel import runs

__all__ = ['OCCLUSIONS', 'complete_images', 'occlusion_mask',
           'sample_images', 'sample_per_class', 'save_images']

OCCLUSIONS = ('bottom-half', 'right-half')

save_images = grids.save_images


def sample_images(run_dir=None, num_samples=16, temperature=1., seed=0,
                  which='best', label=None):
  """Samples images from a run's trained model.

  Args:
    run_dir: the run; defaults to the latest run under `runs/`.
    num_samples: Python `int`, how many images.
    temperature: positive Python `float`; the model's distribution is
      `dist.copy(temperature=temperature)`.
    seed: Python `int`.
    which: `'best'` or `'last'` checkpoint.
    label: Python `int`, the class of every image, for (and only for) a
      class-conditional run.

  Returns:
    images: uint8 `np.ndarray` `[num_samples, height, width, channels]`.

  Raises:
    ValueError: if the run is missing, or `label` is missing for a class-conditional run,
      given for another, or not one of its classes.
  """
  run_dir, config = _run_config(run_dir)
  onehot = _label_input(label, config, run_dir)
  dist = _trained_model(run_dir, which, temperature)
  events = dist.sample(int(num_samples), seed=(int(seed), 0),
                       conditional_input=onehot)
  return np.asarray(models.events_to_images(events, config))


def sample_per_class(run_dir=None, samples_per_class=8, temperature=1.,
                     seed=0, which='best', max_classes=None):
  """Samples `samples_per_class` images of each class of a conditional run.

  Args:
    run_dir: the run; defaults to the latest run under `runs/`.
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
  run_dir, config = _run_config(run_dir)
  run_labels.require_conditional(config, 'A per-class grid', run_dir)
  dist = _trained_model(run_dir, which, temperature)
  labels = run_labels.per_class_labels(
      config['num_classes'], samples_per_class, max_classes)
  events = dist.sample(
      len(labels), seed=(int(seed), 0),
      conditional_input=run_labels.conditional_input(labels, config))
  return np.asarray(models.events_to_images(events, config)), labels


def complete_images(images, known, run_dir=None, num_completions=4, seed=0,
                    which='best', label=None):
  """Fills in the unknown pixels of 8-bit images with a run's trained model.

  Args:
    images: uint8 `np.ndarray` `[batch, height, width, channels]` of the run's
      image shape.
    known: bool `np.ndarray`, `True` where a pixel is known: `[height, width]`,
      `[height, width, channels]` or `[batch, height, width, channels]`.
    run_dir: the run; defaults to the latest run under `runs/`.
    num_completions: Python `int`, completions per image.
    seed: Python `int`.
    which: `'best'` or `'last'` checkpoint.
    label: for (and only for) a class-conditional run, the class of the
      completions: a Python `int` for every image, or one per image `[batch]`.

  Returns:
    completions: uint8 `np.ndarray` `[num_completions, batch, height, width,
      channels]`; known pixels keep their (quantized) values.

  Raises:
    ValueError: if the run is missing, the images or mask do not fit it, or
      `label` is missing for a class-conditional run, given for another, or
      not one of its classes.
  """
  run_dir, config = _run_config(run_dir)
  images = np.asarray(images, np.uint8)
  if np.ndim(label) == 1 and len(label) != len(images):
    raise ValueError('{} labels for {} images; give one label, or one per '
                     'image.'.format(len(label), len(images)))
  onehot = _label_input(label, config, run_dir)
  dist = _trained_model(run_dir, which)
  events = models.images_to_events(images, config)
  completions = completion.complete(
      dist, events, known, n=num_completions, seed=(int(seed), 0),
      conditional_input=onehot)
  return np.asarray(models.events_to_images(completions, config))


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
  from tfp_pixel import data  # pylint: disable=g-import-not-at-top
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


def _run_config(run_dir):
  """The run folder (the latest for `None`) and its configuration."""
  run_dir = runs.resolve_run_dir(run_dir)
  return run_dir, runs.read_config(run_dir)


def _trained_model(run_dir, which, temperature=1.):
  """The run's trained distribution, at `temperature`."""
  dist = runs.load(run_dir, which)
  if temperature != 1.:
    dist = dist.copy(temperature=temperature)
  return dist


def _label_input(label, config, run_dir):
  """The one-hot `conditional_input` of `label`, or `None` for no label."""
  if label is None:
    if run_labels.is_conditional(config):
      raise ValueError(
          '{} is class-conditional ({} classes): give a label (--label K, 0 '
          'to {}).'.format(run_dir, config['num_classes'],
                           config['num_classes'] - 1))
    return None
  run_labels.require_conditional(config, 'A label', run_dir)
  labels = run_labels.check_labels(label, config['num_classes'])
  return run_labels.conditional_input(labels, config)
