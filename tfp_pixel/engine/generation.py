"""Drawing and completing 8-bit images with a trained run.

Each function takes the run as a `runs.Run` (opened once by the caller) or a
run folder (`None`: the latest run). A class-conditional run draws images of a
requested class (`label`), or one row of images per class
(`sample_per_class`).
"""

import numpy as np

from tfp_pixel import data
from tfp_pixel.engine import conditional_runs
from tfp_pixel.engine import configs
from tfp_pixel.engine import runs
from tfp_pixel.sampling import completion

__all__ = ['OCCLUSIONS', 'complete_images', 'occlusion_mask',
           'sample_images', 'sample_per_class']

OCCLUSIONS = ('bottom-half', 'right-half')


def sample_images(run=None, num_samples=16, temperature=1., seed=0,
                  which='best', label=None):
  """Samples images from a run's trained model.

  Args:
    run: a `runs.Run` or a run folder; defaults to the latest run.
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
  run = runs.open_run(run, images=True)
  onehot = _label_input(label, run)
  dist = run.load_model(which, temperature)
  events = dist.sample(int(num_samples), seed=(int(seed), 0),
                       conditional_input=onehot)
  return configs.events_to_images(events, run.config)


def sample_per_class(run=None, samples_per_class=8, temperature=1.,
                     seed=0, which='best', max_classes=None):
  """Samples `samples_per_class` images of each class of a conditional run.

  Args:
    run: a `runs.Run` or a run folder; defaults to the latest run.
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
  run = runs.open_run(run, images=True)
  conditional_runs.require_conditional(run.config, 'A per-class grid',
                                       run.path)
  dist = run.load_model(which, temperature)
  labels = conditional_runs.per_class_labels(
      run.config['num_classes'], samples_per_class, max_classes)
  events = dist.sample(
      len(labels), seed=(int(seed), 0),
      conditional_input=conditional_runs.conditional_input(labels,
                                                           run.config))
  return configs.events_to_images(events, run.config), labels


def complete_images(images, known, run=None, num_completions=4, seed=0,
                    which='best', label=None):
  """Fills in the unknown pixels of 8-bit images with a run's trained model.

  Args:
    images: uint8 `np.ndarray` `[batch, height, width, channels]` of the run's
      image shape.
    known: bool `np.ndarray`, `True` where a pixel is known: `[height, width]`,
      `[height, width, channels]` or `[batch, height, width, channels]`.
    run: a `runs.Run` or a run folder; defaults to the latest run.
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
  run = runs.open_run(run, images=True)
  images = np.asarray(images, np.uint8)
  if np.ndim(label) == 1 and len(label) != len(images):
    raise ValueError('{} labels for {} images; give one label, or one per '
                     'image.'.format(len(label), len(images)))
  onehot = _label_input(label, run)
  dist = run.load_model(which)
  events = configs.images_to_events(images, run.config)
  completions = completion.complete(
      dist, events, known, n=num_completions, seed=(int(seed), 0),
      conditional_input=onehot)
  return configs.events_to_images(completions, run.config)


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


def _label_input(label, run):
  """The one-hot `conditional_input` of `label`, or `None` for no label."""
  config = run.config
  if label is None:
    if conditional_runs.is_conditional(config):
      raise ValueError(
          '{} is class-conditional ({} classes): give a label (--label K, 0 '
          'to {}).'.format(run.path, config['num_classes'],
                           config['num_classes'] - 1))
    return None
  conditional_runs.require_conditional(config, 'A label', run.path)
  labels = conditional_runs.check_labels(label, config['num_classes'])
  return conditional_runs.conditional_input(labels, config)
