"""Completion of partly known images (e.g. occluded digits)."""

import numpy as np
import tensorflow as tf

from tfp_pixel.sampling import pixel_sampler

__all__ = ['complete']


def complete(dist, images, mask, n=1, seed=None, conditional_input=None):
  """Samples the unknown pixels of `images`, keeping the known ones.

  Pixels are visited in raster order (channels in order within a pixel); an
  unknown one is drawn from its conditional given everything before it, drawn
  or known, and a known one keeps its value, also when it comes after an
  unknown one (as in the classic occluded-digit completions). When the known
  pixels all come first, completions follow the model's posterior
  `p(unknown | known)` exactly.

  Args:
    dist: a `tfp_pixel` distribution with a `pixel_sampler` method
      (`PixelCNN`, `CategoricalPixelCNN`, `PixelRNN`, `PixelSNAIL`).
    images: `[batch, H, W, C]` or `[H, W, C]` events of `dist` (levels for
      the categorical model, values in `[low, high]` for the mixture); unknown
      pixels may hold anything.
    mask: bool, `True` where a value is known: `[H, W]` or `[H, W, C]` for
      every image, `[batch, H, W]` or `[batch, H, W, C]` per image (a rank-3
      mask is read as `[H, W, C]` when its first two sizes are `H, W`).
    n: Python `int`, completions per image.
    seed: int, `(a, b)` or `None`.
    conditional_input: for conditional models, `[*conditional_shape]` (one
      label or map for every image, e.g. a one-hot `[num_classes]` or a map
      `[H, W, features]`) or `[batch, *conditional_shape]` (one per image);
      like any batch of parameters it broadcasts against `[n, batch]`.

  Returns:
    completions: `[n, batch, H, W, C]` `Tensor` of `dist.dtype` (`batch` is 1
      for a single `[H, W, C]` image).

  Raises:
    ValueError: if `images` or `mask` do not fit `dist`'s images, `n < 1`,
      or `conditional_input` does not fit `dist` (missing for a conditional
      model, given to an unconditional one, or of the wrong shape).

  #### Examples

  ```python
  dist = tfp_pixel.CategoricalPixelCNN((28, 28, 1), num_levels=4,
                                       num_classes=10)
  top_half = np.arange(28) < 14                      # known rows
  mask = np.broadcast_to(top_half[:, np.newaxis], (28, 28))
  # Four completions of each image as a 7, then each as its own label.
  sevens = tfp_pixel.complete(dist, levels, mask, n=4, seed=(1, 2),
                              conditional_input=tfp_pixel.one_hot_labels(7, 10))
  own = tfp_pixel.complete(dist, levels, mask, n=4, seed=(1, 2),
                           conditional_input=tfp_pixel.one_hot_labels(labels,
                                                                      10))
  # A map-conditional prior: complete codes given each image's map.
  codes = tfp_pixel.complete(prior, bottom_codes, mask, seed=(1, 2),
                             conditional_input=top_maps)  # [batch, H, W, F]
  ```
  """
  image_shape = tuple(dist.event_shape.as_list())
  images = tf.convert_to_tensor(images)
  if images.shape.rank == 3:
    images = images[tf.newaxis]
  if images.shape.rank != 4 or tuple(images.shape[1:]) != image_shape:
    raise ValueError('images must have shape [batch, {1}, {2}, {3}] or '
                     '[{1}, {2}, {3}], got {0}.'.format(
                         images.shape.as_list(), *image_shape))
  n = int(n)
  if n < 1:
    raise ValueError('`n` must be at least 1, got {}.'.format(n))
  batch = images.shape[0]
  if batch is None:  # A graph's batch of any size (an exported signature).
    batch = tf.shape(images)[0]
  known = _broadcast_mask(mask, batch, image_shape)
  sampler_kwargs = {}
  conditional_input = dist.conditional_input_for_samples(conditional_input,
                                                         [n, batch])
  if conditional_input is not None:
    sampler_kwargs['conditional_input'] = conditional_input
  tile = [n, 1, 1, 1]
  samples = pixel_sampler.sample(dist, n * batch, seed,
                                 known_images=tf.tile(images, tile),
                                 known_mask=tf.tile(known, tile),
                                 **sampler_kwargs)
  return tf.reshape(tf.cast(samples, dist.dtype), [n, batch, *image_shape])


def _broadcast_mask(mask, batch, image_shape):
  """`mask` as bool `[batch, H, W, C]`, or a `ValueError` naming its shape
  (a `Tensor` mask of `[batch, H, W, C]` is checked when the graph runs)."""
  if tf.is_tensor(mask) and tf.get_static_value(mask) is None:
    if mask.shape.rank != 4:
      raise ValueError('a mask Tensor must be [batch, H, W, C], got shape '
                       '{}.'.format(mask.shape))
    return tf.broadcast_to(tf.cast(mask, tf.bool),
                           tf.stack([batch, *image_shape]))
  mask = np.asarray(mask, dtype=bool)
  if mask.ndim == 2 or (mask.ndim == 3 and mask.shape[:2] != image_shape[:2]):
    mask = mask[..., np.newaxis]
  try:
    return tf.constant(np.broadcast_to(mask, (batch,) + image_shape))
  except ValueError:
    raise ValueError(
        'mask of shape {} does not fit images of shape [{}, {}, {}, {}]; use '
        '[H, W], [H, W, C] or [batch, H, W, C].'.format(
            list(mask.shape), batch, *image_shape)) from None
