"""Completion of partly known images (e.g. occluded digits)."""

import numpy as np
import tensorflow as tf

from tfp_pixel import sampling

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
      (`PixelCNN`, `CategoricalPixelCNN`).
    images: `[batch, H, W, C]` or `[H, W, C]` events of `dist` (levels for
      the categorical model, values in `[low, high]` for the mixture); unknown
      pixels may hold anything.
    mask: bool, `True` where a value is known: `[H, W]` or `[H, W, C]` for
      every image, `[batch, H, W]` or `[batch, H, W, C]` per image (a rank-3
      mask is read as `[H, W, C]` when its first two sizes are `H, W`).
    n: Python `int`, completions per image.
    seed: int, `(a, b)` or `None`.
    conditional_input: for conditional models, `[*conditional_shape]` or
      `[batch, *conditional_shape]`.

  Returns:
    completions: `[n, batch, H, W, C]` `Tensor` of `dist.dtype` (`batch` is 1
      for a single `[H, W, C]` image).

  Raises:
    ValueError: if `images` or `mask` do not fit `dist`'s images, or `n < 1`.
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
  batch = int(images.shape[0])
  known = _broadcast_mask(mask, batch, image_shape)
  sampler_kwargs = {}
  if conditional_input is not None:
    conditional_input = tf.convert_to_tensor(conditional_input,
                                             dtype=dist.dtype)
    conditional_rank = len(dist.conditional_shape)
    if conditional_input.shape.rank == conditional_rank:
      conditional_input = tf.broadcast_to(
          conditional_input, [batch, *dist.conditional_shape.as_list()])
    sampler_kwargs['conditional_input'] = tf.tile(
        conditional_input, [n] + [1] * conditional_rank)
  tile = [n, 1, 1, 1]
  samples = sampling.sample(dist, n * batch, seed,
                            known_images=tf.tile(images, tile),
                            known_mask=tf.tile(known, tile), **sampler_kwargs)
  return tf.reshape(tf.cast(samples, dist.dtype), [n, batch, *image_shape])


def _broadcast_mask(mask, batch, image_shape):
  """`mask` as bool `[batch, H, W, C]`, or a `ValueError` naming its shape."""
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
