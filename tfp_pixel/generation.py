"""Drawing 8-bit images from a trained run."""

import numpy as np

from tfp_pixel import completion
from tfp_pixel import grids
from tfp_pixel import models
from tfp_pixel import runs

__all__ = ['OCCLUSIONS', 'complete_images', 'occlusion_mask',
           'sample_images', 'save_images']

OCCLUSIONS = ('bottom-half', 'right-half')

save_images = grids.save_images


def sample_images(run_dir=None, num_samples=16, temperature=1., seed=0,
                  which='best'):
  """Samples images from a run's trained model.

  Args:
    run_dir: the run; defaults to the latest run under `runs/`.
    num_samples: Python `int`, how many images.
    temperature: positive Python `float`; the model's distribution is
      `dist.copy(temperature=temperature)`.
    seed: Python `int`.
    which: `'best'` or `'last'` checkpoint.

  Returns:
    images: uint8 `np.ndarray` `[num_samples, height, width, channels]`.

  Raises:
    ValueError: if the run is missing, or the model has no temperature and
      `temperature != 1`.
  """
  dist, config = _trained_model(run_dir, which)
  if temperature != 1.:
    if 'temperature' not in dist.parameters:
      raise ValueError('The {} model of {} has no sampling temperature; use '
                       '--temperature 1.'.format(config['model'], run_dir))
    dist = dist.copy(temperature=temperature)
  events = dist.sample(int(num_samples), seed=(int(seed), 0))
  return np.asarray(models.events_to_images(events, config))


def complete_images(images, known, run_dir=None, num_completions=4, seed=0,
                    which='best'):
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

  Returns:
    completions: uint8 `np.ndarray` `[num_completions, batch, height, width,
      channels]`; known pixels keep their (quantized) values.

  Raises:
    ValueError: if the run is missing, or the images or mask do not fit it.
  """
  dist, config = _trained_model(run_dir, which)
  events = models.images_to_events(np.asarray(images, np.uint8), config)
  completions = completion.complete(dist, events, known, n=num_completions,
                                    seed=(int(seed), 0))
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


def _trained_model(run_dir, which):
  run_dir = runs.resolve_run_dir(run_dir)
  config = runs.read_config(run_dir)
  dist = models.build_model(config)
  runs.restore_weights(dist, run_dir, which)
  return dist, config
