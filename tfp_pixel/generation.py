"""Drawing 8-bit images from a trained run."""

import numpy as np

from tfp_pixel import grids
from tfp_pixel import models
from tfp_pixel import runs

__all__ = ['sample_images', 'save_images']

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
  run_dir = runs.resolve_run_dir(run_dir)
  config = runs.read_config(run_dir)
  dist = models.build_model(config)
  runs.restore_weights(dist, run_dir, which)
  if temperature != 1.:
    if 'temperature' not in dist.parameters:
      raise ValueError('The {} model of {} has no sampling temperature; use '
                       '--temperature 1.'.format(config['model'], run_dir))
    dist = dist.copy(temperature=temperature)
  events = dist.sample(int(num_samples), seed=(int(seed), 0))
  return np.asarray(models.events_to_images(events, config))
