"""Draws by inverting CDFs at fixed uniforms: the noise of every sampler.

Every pixel (and channel) gets its own uniforms, drawn once from the seed
with `tf.random.stateless_uniform`; a draw inverts the conditional's CDF at
them. An image is then a deterministic function of its noise, so two samplers
of one model (the fast one and the full-pass reference) can be compared image
for image, and the draws are independent across images, pixels and channels.
"""

import tensorflow as tf
import tensorflow_probability as tfp

__all__ = ['categorical_from_uniform', 'draw_levels', 'pixel_noise',
           'portable_uniform']


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
  # The same uniforms under `jit_compile=True`: a compiled `sample` draws
  # the same images.
  return portable_uniform(
      tf.stack([batch_size, height, width, noise_size]), seed, dtype)


def portable_uniform(shape, seed, dtype):
  """Stateless uniforms in `[0, 1)`, the same with XLA and without.

  `tf.random.stateless_uniform` differs between XLA and the TF kernels for
  float outputs and for negative seeds; full-range integers from seeds read
  as unsigned do not, so the floats are made here from their top 24 bits.

  Args:
    shape: int vector, the shape of the uniforms.
    seed: int `[2]` stateless seed.
    dtype: float `tf.DType`.

  Returns:
    uniforms: `Tensor` of `shape` and `dtype`, multiples of `2**-24`.
  """
  seed = tf.cast(tf.bitcast(tf.cast(seed, tf.int32), tf.uint32), tf.int64)
  bits = tf.random.stateless_uniform(shape, seed=seed, minval=None,
                                     maxval=None, dtype=tf.uint32)
  return tf.cast(tf.bitwise.right_shift(bits, 8), dtype) * 2.**-24


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
  # Scaled by the total, which rounding leaves a little off 1: the index found
  # always has a positive probability (a zero-probability last class is never
  # drawn for a uniform above the rounded total).
  scaled = uniform[..., tf.newaxis] * cdf[..., -1:]
  below = tf.cast(scaled >= cdf, tf.int32)
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
