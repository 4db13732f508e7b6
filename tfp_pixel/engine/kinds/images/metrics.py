"""Bits per dimension, comparable across models and level counts.

Convention: a model of `K` levels spreads each level's probability uniformly
over the 8-bit values the level covers (`tfp_pixel.bin_widths(K)`), which makes
it a distribution over 8-bit images. For an image `x` with levels `l`:

```none
nll_8bit(x) = nll_K(l) + sum_{i, j, c} log(width(l[i, j, c]))
bits/dim    = nll_8bit(x) / (H * W * C * ln 2)
```

For `K == 256` every width is 1 and both figures coincide. The model's own
figure, `nll_K / (H * W * C * ln 2)`, is reported beside it. A model of more
than 256 levels reads levels that no 8-bit image is behind (the codes of a
VQ-VAE): both figures are its own.
"""

import math

import numpy as np
import tensorflow as tf

from tfp_pixel import quantization

__all__ = ['bits_per_dim', 'eight_bit_nll']


def bits_per_dim(nll_nats, image_shape):
  """Converts negative log-likelihoods in nats to bits per dimension.

  Args:
    nll_nats: float `Tensor` or array of per-image negative log-likelihoods.
    image_shape: `(height, width, channels)`.

  Returns:
    bits: same type and shape, `nll_nats / (H * W * C * ln 2)`.
  """
  return nll_nats / (float(np.prod(image_shape)) * math.log(2.))


def eight_bit_nll(nll_levels, levels, num_levels):
  """Negative log-likelihood of the 8-bit images behind `levels`, in nats.

  Args:
    nll_levels: float `Tensor` `[batch]`, the model's own negative
      log-likelihood of the levels.
    levels: integer `Tensor` `[batch, height, width, channels]`.
    num_levels: Python `int`, the model's level count.

  Returns:
    nll: float `Tensor` `[batch]`, `nll_levels` plus the log width of every
      level's bin; `nll_levels` itself above 256 levels.
  """
  if not quantization.are_image_levels(num_levels):
    return nll_levels
  log_widths = tf.math.log(tf.constant(
      quantization.bin_widths(num_levels), dtype=nll_levels.dtype))
  levels = tf.cast(levels, tf.int32)
  correction = tf.reduce_sum(tf.gather(log_widths, levels), axis=[-3, -2, -1])
  return nll_levels + correction
