"""Draws by inverting CDFs at fixed uniforms: the noise of every sampler.

Every pixel (and channel) gets its own uniforms, drawn once from the seed
with `tf.random.stateless_uniform`; a draw inverts the conditional's CDF at
them. An image is then a deterministic function of its noise, so two samplers
of one model (the fast one and the full-pass reference) can be compared image
for image, and the draws are independent across images, pixels and channels.
"""

import tensorflow as tf
import tensorflow_probability as tfp

__all__ = ['categorical_from_uniform', 'draw_levels', 'pixel_noise']


def pixel_noise(seed, batch_size, image_shape, noise_size, dtype):
  """Independent uniforms `[batch, H, W, noise_size]` for every pixel.

  Args:
    seed: int, `(a, b)` or `None`; see `tfp.random.sanitize_seed`.
    batch_size: int scalar, images drawn.
    image_shape: `(height, width, channels)`.
    noise_size: Python `int`, uniforms per pixel.
    dtype: float `tf.DType`.

  Returns:
    noise: `Tensor` of uniforms in `[0, 1)`.
  """
  seed = tfp.random.sanitize_seed(seed, salt='pixel_noise')
  height, width, _ = image_shape
  return _uniform_from_bits(
      tf.stack([batch_size, height, width, noise_size]), seed, dtype)


def _uniform_from_bits(shape, seed, dtype):
  """Stateless uniforms in `[0, 1)` that XLA computes exactly as TF does.

  Under `jit_compile=True`, `tf.random.stateless_uniform`'s floats differ
  from the TF kernel's for the same seed, while its integer bits agree: the
  floats are made from the bits here, `bits * 2^-p` with `p` the mantissa's
  precision, so that a compiled `sample` draws the same images.
  """
  dtype = tf.as_dtype(dtype)
  bits_dtype, precision = ((tf.uint64, 53) if dtype == tf.float64
                           else (tf.uint32, 24))
  bits = tf.random.stateless_uniform(shape, seed=seed, minval=None,
                                     maxval=None, dtype=bits_dtype)
  kept = tf.bitwise.right_shift(
      bits, tf.constant(bits_dtype.size * 8 - precision, bits_dtype))
  return tf.cast(kept, dtype) * tf.constant(2. ** -precision, dtype)


def categorical_from_uniform(logits, uniform):
  """Inverts the CDF of `Categorical(logits)` at `uniform`.

  Args:
    logits: float `[..., K]`.
    uniform: float `[...]` in `[0, 1)`.

  Returns:
    index: int32 `[...]`, distributed as `Categorical(logits)` when `uniform`
      is uniform.
  """
  cdf = tf.cumsum(tf.nn.softmax(logits, axis=-1), axis=-1)
  below = tf.cast(uniform[..., tf.newaxis] >= cdf, tf.int32)
  return tf.minimum(tf.reduce_sum(below, axis=-1), tf.shape(logits)[-1] - 1)


def draw_levels(logits, temperature, noise, known, known_mask):
  """Draws levels from per-channel logits; known channels keep their value.

  The draw of categorical models (a softmax over the levels of each channel).

  Args:
    logits: float `[..., channels, num_levels]`, untempered.
    temperature: positive float scalar; the logits are divided by it.
    noise: `[..., noise_size >= channels]` uniforms in `[0, 1)`; channel `c`
      uses `noise[..., c]`.
    known: int `[..., channels]` levels to keep where `known_mask` is set.
    known_mask: bool `[..., channels]`.

  Returns:
    levels: int32 `[..., channels]`.
  """
  channels = logits.shape[-2]
  levels = categorical_from_uniform(
      logits / tf.cast(temperature, logits.dtype), noise[..., :channels])
  return tf.where(known_mask, tf.cast(known, tf.int32), levels)
