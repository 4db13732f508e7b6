"""Input complexity: the length of an image compressed by a lossless coder.

Serra et al. (2020) correct a likelihood model's score by the image's
complexity `L(x)`, the bits a general-purpose lossless image coder needs for
it: `S(x) = -log2 p(x) - L(x)`. Both terms must describe the same image: a
model of `K` levels sees the image's levels in `[0, K)`, so `L(x)` is the
length of the PNG of those levels (8-bit samples up to 256 levels, 16-bit
above), not of the 8-bit image it was quantized from.

#### References

[1]: Joan Serra, David Alvarez, Vicenc Gomez, Olga Slizovskaia, Jose F.
     Nunez, Jordi Luque. Input Complexity and Out-of-Distribution Detection
     with Likelihood-based Generative Models. In _International Conference
     on Learning Representations_, 2020. https://arxiv.org/abs/1909.11480
"""

import numpy as np
import tensorflow as tf

from tfp_pixel import quantization

__all__ = ['PNG_COMPRESSION', 'png_bits', 'png_of_levels']

# zlib's strongest setting, as in the paper's PNG figures.
PNG_COMPRESSION = 9


def png_of_levels(levels, num_levels):
  """The PNG file of one image of levels, a `bytes`.

  Args:
    levels: integer `[height, width, channels]` (1 or 3 channels), values in
      `[0, num_levels)`.
    num_levels: Python `int`, the model's levels: 8-bit samples up to
      `quantization.IMAGE_LEVELS`, 16-bit above.

  Returns:
    png: `bytes`, the image compressed losslessly at its levels.

  Raises:
    ValueError: if a value is not a level.
  """
  levels = np.asarray(levels)
  if levels.ndim != 3 or levels.shape[-1] not in (1, 3):
    raise ValueError('An image of levels must be [height, width, 1 or 3], '
                     'got shape {}.'.format(list(levels.shape)))
  if levels.size and (levels.min() < 0 or levels.max() >= num_levels):
    raise ValueError('Levels must be in [0, {}), got values in [{}, {}].'
                     .format(num_levels, levels.min(), levels.max()))
  dtype = np.uint8 if num_levels <= quantization.IMAGE_LEVELS else np.uint16
  return tf.io.encode_png(levels.astype(dtype),
                          compression=PNG_COMPRESSION).numpy()


def png_bits(levels, num_levels):
  """`L(x)`: the bits of the PNG of each image of levels.

  Args:
    levels: integer `[..., height, width, channels]`, values in
      `[0, num_levels)`.
    num_levels: Python `int`, the model's levels.

  Returns:
    bits: int64 `np.ndarray` of shape `levels.shape[:-3]`, eight times the
      length of each image's `png_of_levels`.
  """
  levels = np.asarray(levels)
  flat = levels.reshape((-1,) + levels.shape[-3:])
  bits = [8 * len(png_of_levels(image, num_levels)) for image in flat]
  return np.array(bits, np.int64).reshape(levels.shape[:-3])
