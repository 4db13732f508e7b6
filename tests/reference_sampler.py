"""Plain reference samplers: the whole network, on the whole image, per step.

They consume the same per-pixel uniforms as `tfp_pixel.sampling.draw_images`
and draw each pixel with the same model code (`PixelCNN.draw_pixel`,
`sampling.categorical_from_uniform`), so with the same seed the fast samplers
must return the same images. Slow on purpose: for tiny images in tests only.
"""

import numpy as np
import tensorflow as tf

from tfp_pixel import sampling

__all__ = ['sample_categorical', 'sample_mixture']


def sample_mixture(dist, n, seed, conditional_input=None, known_images=None,
                   known_mask=None):
  """Draws `n` images from a `tfp_pixel.PixelCNN` with full network passes.

  Args:
    dist: a `tfp_pixel.PixelCNN`.
    n: Python `int`.
    seed: a seed for `sampling.pixel_noise`.
    conditional_input: `[n, *conditional_shape]` or `None`.
    known_images: optional `[n, H, W, C]` values to keep.
    known_mask: optional bool `[n, H, W, C]`.

  Returns:
    images: `np.ndarray` `[n, H, W, C]`.
  """
  height, width, channels = dist.image_shape.as_list()
  noise = sampling.pixel_noise(seed, n, (height, width, channels),
                               2 * channels, dist.dtype).numpy()
  images, known_mask = _canvas(dist.dtype.as_numpy_dtype, n,
                               (height, width, channels),
                               float(dist._low), known_images, known_mask)  # pylint: disable=protected-access
  for row in range(height):
    for col in range(width):
      params = dist.network_params(tf.constant(images), conditional_input)
      images[:, row, col] = dist.draw_pixel(
          [p[:, row, col] for p in params], noise[:, row, col],
          images[:, row, col], known_mask[:, row, col]).numpy()
  return images


def sample_categorical(dist, n, seed, known_images=None, known_mask=None):
  """Draws `n` images from a `CategoricalPixelCNN`, one full pass per channel.

  Args:
    dist: a `tfp_pixel.CategoricalPixelCNN`.
    n: Python `int`.
    seed: a seed for `sampling.pixel_noise`.
    known_images: optional `[n, H, W, C]` levels to keep.
    known_mask: optional bool `[n, H, W, C]`.

  Returns:
    levels: int32 `np.ndarray` `[n, H, W, C]`.
  """
  height, width, channels = dist.image_shape
  noise = sampling.pixel_noise(seed, n, dist.image_shape, channels,
                               dist.float_dtype).numpy()
  levels, known_mask = _canvas(np.int32, n, dist.image_shape, 0, known_images,
                               known_mask)
  for row in range(height):
    for col in range(width):
      for c in range(channels):
        if known_mask[:, row, col, c].all():
          continue
        logits = dist.logits(tf.constant(levels))[:, row, col, c]
        drawn = sampling.categorical_from_uniform(
            logits, tf.constant(noise[:, row, col, c])).numpy()
        levels[:, row, col, c] = np.where(known_mask[:, row, col, c],
                                          levels[:, row, col, c], drawn)
  return levels


def _canvas(dtype, n, image_shape, fill, known_images, known_mask):
  images = np.full((n,) + tuple(image_shape), fill, dtype)
  if known_images is None:
    return images, np.zeros(images.shape, bool)
  known_mask = np.broadcast_to(np.asarray(known_mask, bool), images.shape)
  known_images = np.broadcast_to(np.asarray(known_images, dtype),
                                 images.shape)
  return np.where(known_mask, known_images, images), known_mask
