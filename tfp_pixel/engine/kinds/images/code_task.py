"""How the engine feeds and shows a prior over the codes of a VQ-VAE.

`CodePriorTask` is an `ImageTask` over grids of codes (`[h, w, 1]` int32
levels, read as they are: bits per dimension are bits per code). The bottom
prior of a VQ-VAE-2 trains on `(codes, top codes)` batches and is given the
one-hot map of the top grid (`conditioning.conditional_input`). After each
epoch the prior of the one grid, and the bottom prior (with the top prior the
run trained before it), draw codes and decode them with the run's VQ-VAE
copy, so that the grid shows images; the top prior alone shows its codes.
"""

import os

import numpy as np
import tensorflow as tf

from tfp_pixel.code_priors import config as code_prior_config
from tfp_pixel.engine import loading
from tfp_pixel.engine import prior_runs
from tfp_pixel.engine.kinds.images import grids
from tfp_pixel.engine.kinds.images import prior_generation
from tfp_pixel.engine.kinds.images import task

__all__ = ['CodePriorTask', 'MAX_DECODED']

MAX_DECODED = 64


class CodePriorTask(task.ImageTask):
  """The image side of a prior's training run."""

  # Codes have no 8-bit images behind them: one figure.
  has_levels = False

  def __init__(self, config):
    super().__init__(config)
    self._condition = config['code_prior'].get('condition')
    self._conditional = self._condition is not None

  def _checked_arrays(self, data):
    if self._condition is None:
      return super()._checked_arrays(data)
    if not isinstance(data, tuple) or len(data) != 2:
      raise ValueError('The bottom prior over codes trains on (codes, top '
                       'codes) pairs.')
    codes = self._checked_images(data[0])
    top = code_prior_config.check_top_codes(data[1], self._config)
    if len(top) != len(codes):
      raise ValueError('{} top grids for {} grids of codes.'.format(
          len(top), len(codes)))
    return codes, top

  def _checked_labels(self, labels):
    """Top grids of a dataset batch, with an error if one is not a code."""
    labels = tf.cast(labels, tf.int32)
    with tf.control_dependencies([
        tf.debugging.assert_non_negative(labels, message=_BAD_TOP),
        tf.debugging.assert_less(labels, self._condition['num_codes'],
                                 message=_BAD_TOP)]):
      return tf.identity(labels)

  def _grid_layout(self, num_samples):
    """No rows per class: a prior's grid is of codes or decoded images."""
    del num_samples
    return None, None

  def write_samples(self, dist, num_samples, seed, paths, epoch, scale=None):
    """Writes the epoch's grid, `samples/epoch-EEE.png`, and its TensorBoard
    image: decoded images where the run can decode them (at most
    `MAX_DECODED` of them, drawn a batch at a time), else codes."""
    model = self._two_stage(dist, paths.root)
    if model is None:
      grid = self.sample_grid(dist, num_samples, seed, scale=scale)
    else:
      images = np.concatenate([images for images, _ in (
          prior_generation.sample_batches(
              model, min(num_samples, MAX_DECODED), seed))])
      grid = grids.image_grid(images, scale=scale)
    grids.write_png(os.path.join(paths.samples,
                                 'epoch-{:03d}.png'.format(epoch)), grid)
    tf.summary.image('samples', grid[np.newaxis], step=epoch)

  def _two_stage(self, dist, run_dir):
    """The two-stage model of `dist` (the live prior) in the run `run_dir`,
    or `None` for a top prior."""
    from tfp_pixel.code_priors import two_stage  # pylint: disable=g-import-not-at-top
    level = self._config['code_prior']['level']
    if level == 'top':
      return None
    vqvae = prior_runs.load_vqvae(prior_runs.vqvae_dir(run_dir, self._config))
    if level == 'codes':
      return two_stage.TwoStageModel(vqvae, dist)
    top = loading.open_run(os.path.join(run_dir, prior_runs.TOP_DIR),
                           kind='images')
    return two_stage.TwoStageModel(vqvae, top_prior=top.load_model(),
                                   bottom_prior=dist)


_BAD_TOP = 'a top code is not a code of the top grid'
