"""Draws by inverting CDFs at fixed uniforms: the noise of every sampler.

Every pixel (and channel) gets its own uniforms, drawn once from the seed
(`pixel_noise`); a draw inverts the conditional's CDF at them. An image is
then a deterministic function of its noise, so two samplers of one model (the
fast one and the full-pass reference) can be compared image for image, and
the draws are independent across images, pixels and channels.
"""

import tensorflow as tf
import tensorflow_probability as tfp

__all__ = ['categorical_from_uniform', 'draw_levels', 'pixel_noise',
           'portable_uniform']


def pixel_noise(seed, batch_size, image_shape, noise_size, dtype):
  """Independent uniforms `[batch, H, W, noise_size]` for every pixel.

  The uniforms are `portable_uniform`s: the same numbers with XLA and
  without, so that a seed draws the same images compiled or not. Image `b`
  gets the same uniforms whatever the batch size.

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
  return portable_uniform(
      tf.stack([batch_size, height, width, noise_size]), seed, dtype)


def portable_uniform(shape, seed, dtype):
  """Stateless uniforms in `[0, 1)`, the same with XLA and without.

  They are SplitMix64 (Steele et al., 2014) of a counter over their
  positions, keyed by the seed, computed with integer operations.
  TensorFlow's stateless random ops give other numbers under XLA (on a CPU,
  even with `alg='philox'` and an explicit key) whenever the seed is a
  tensor rather than a constant TensorFlow folds before compiling.

  Args:
    shape: int vector, the shape of the uniforms.
    seed: int `[2]` stateless seed.
    dtype: float `tf.DType`.

  Returns:
    uniforms: `Tensor` of `shape` and `dtype`: multiples of `2**-53` for
      float64, of `2**-24` otherwise.

  #### References

  [1]: Guy L. Steele Jr., Doug Lea, and Christine H. Flood. Fast Splittable
       Pseudorandom Number Generators. In _OOPSLA_, 2014.
  """
  # The seed's two int32 are the 64-bit state; element `i` is the mix of
  # `state + (i + 1) * golden_gamma`, the `i`-th SplitMix64 output.
  state = tf.bitcast(tf.cast(seed, tf.int32), tf.uint64)
  counter = tf.cast(tf.range(1, tf.reduce_prod(shape) + 1), tf.uint64)
  bits = state + counter * _uint64(0x9E3779B97F4A7C15)
  bits = (bits ^ _shift(bits, 30)) * _uint64(0xBF58476D1CE4E5B9)
  bits = (bits ^ _shift(bits, 27)) * _uint64(0x94D049BB133111EB)
  bits ^= _shift(bits, 31)
  mantissa = 53 if dtype == tf.float64 else 24
  uniform = tf.cast(_shift(bits, 64 - mantissa), dtype) * 2.**-mantissa
  return tf.reshape(uniform, shape)


def categorical_from_uniform(logits, uniform):
  """Inverts the CDF of `Categorical(logits)` at `uniform`.

  Args:
    logits: float `[..., K]`.
    uniform: float `[...]` in `[0, 1)`.

  Returns:
    index: int32 `[...]`, distributed as `Categorical(logits)` when `uniform`
      is uniform.
  """
  # The unnormalized CDF against `uniform` times its total: the CDF of the
  # softmax, without a softmax (a costly kernel for small inputs on a CPU).
  # Scaled by the total, the index found always has a positive probability
  # (a zero-probability last class is never drawn for a uniform above a
  # rounded total).
  weights = tf.exp(logits - tf.reduce_max(logits, axis=-1, keepdims=True))
  cdf = tf.cumsum(weights, axis=-1)
  below = tf.cast(uniform[..., tf.newaxis] * cdf[..., -1:] >= cdf, tf.int32)
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


def _uint64(value):
  return tf.constant(value, tf.uint64)


def _shift(bits, count):
  """`bits >> count` for uint64 `bits`."""
  return tf.bitwise.right_shift(bits, _uint64(count))
