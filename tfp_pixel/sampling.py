"""Exact autoregressive sampling, shared by every model.

A model describes how it draws one pixel through the `PixelSampler` interface;
`draw_images` visits the pixels in raster order and hands each one its own
uniform noise. Drawing by inverse CDF from fixed per-pixel uniforms makes the
result a deterministic function of the noise, so two samplers of the same
model (the fast one here, a plain full-pass one in the tests) can be compared
image for image.

#### Mathematical details

With `u[b, i, j]` the uniforms of image `b` at pixel `(i, j)`, drawn once from
the seed, every pixel is

```none
x[b, i, j] = draw(conditional of pixel (i, j) given x[b, <(i, j)], u[b, i, j])
```

where `draw` inverts the conditional's CDF, so `x` follows the model exactly
whenever the uniforms are independent, which `tf.random.stateless_uniform`
provides across images, pixels and draws.
"""

import abc

import tensorflow as tf
import tensorflow_probability as tfp

__all__ = ['PixelSampler', 'categorical_from_uniform', 'draw_images',
           'pixel_noise', 'sample']


class PixelSampler(abc.ABC):
  """How a model draws its images one pixel at a time.

  `draw_images` calls `start` once, then `draw` for each pixel in raster order
  and `end_row` after each row. A model returns one from its
  `pixel_sampler(batch_size, ...)` method; the state is any nest of `Tensor`s
  of fixed shapes (a fast sampler keeps its network's activations there).
  """

  @property
  @abc.abstractmethod
  def image_shape(self):
    """`(height, width, channels)`."""

  @property
  @abc.abstractmethod
  def dtype(self):
    """`tf.DType` of the pixel values."""

  @property
  @abc.abstractmethod
  def noise_size(self):
    """Python `int`, uniforms needed per pixel."""

  @property
  @abc.abstractmethod
  def noise_dtype(self):
    """Float `tf.DType` of the uniforms."""

  @property
  @abc.abstractmethod
  def fill_value(self):
    """Python number standing in for pixels not drawn yet."""

  @abc.abstractmethod
  def start(self, images):
    """Returns the initial state for `[batch, H, W, C]` images (known pixels
    in place, `fill_value` elsewhere)."""

  @abc.abstractmethod
  def draw(self, state, row, col, noise, known, known_mask):
    """Draws pixel `(row, col)` given every earlier pixel.

    Args:
      state: the current state.
      row: int32 scalar `Tensor`.
      col: int32 scalar `Tensor`.
      noise: `[batch, noise_size]` uniforms in `[0, 1)`.
      known: `[batch, channels]` values to keep where `known_mask` is set.
      known_mask: bool `[batch, channels]`; a kept channel conditions the
        channels drawn after it.

    Returns:
      state: the state with the pixel written.
      pixel: `[batch, channels]` values.
    """

  def end_row(self, state, row):
    """Returns the state once row `row` is complete."""
    del row
    return state


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
  return tf.random.stateless_uniform(
      tf.stack([batch_size, height, width, noise_size]), seed=seed,
      dtype=dtype)


def draw_images(sampler, batch_size, seed, known_images=None,
                known_mask=None):
  """Draws `batch_size` images in raster order with `sampler`.

  Args:
    sampler: a `PixelSampler`.
    batch_size: Python `int` or int32 scalar `Tensor`.
    seed: int, `(a, b)` or `None`; see `tfp.random.sanitize_seed`.
    known_images: optional `[batch, H, W, C]` values to keep.
    known_mask: optional bool `[batch, H, W, C]`, `True` where
      `known_images` is kept.

  Returns:
    images: `[batch, H, W, C]` `Tensor` of `sampler.dtype`.
  """
  height, width, channels = sampler.image_shape
  noise = pixel_noise(seed, batch_size, sampler.image_shape,
                      sampler.noise_size, sampler.noise_dtype)
  fill = tf.fill(tf.stack([batch_size, height, width, channels]),
                 tf.cast(sampler.fill_value, sampler.dtype))
  if known_images is None:
    images, known_mask = fill, tf.zeros_like(fill, tf.bool)
  else:
    known_mask = tf.convert_to_tensor(known_mask, tf.bool)
    images = tf.where(known_mask, tf.cast(known_images, sampler.dtype), fill)
  state = sampler.start(images)
  # Pixels first, [H, W, batch, ...]: a pixel is then one row of a scatter.
  images = tf.transpose(images, [1, 2, 0, 3])
  known_mask = tf.transpose(known_mask, [1, 2, 0, 3])
  noise = tf.transpose(noise, [1, 2, 0, 3])

  def draw_row(row, state, images):
    def draw_pixel(col, state, images):
      state, pixel = sampler.draw(state, row, col, noise[row, col],
                                  images[row, col], known_mask[row, col])
      images = tf.tensor_scatter_nd_update(images, [[row, col]],
                                           pixel[tf.newaxis])
      return col + 1, state, images

    _, state, images = tf.while_loop(
        lambda col, *_: col < width, draw_pixel, (0, state, images))
    return row + 1, sampler.end_row(state, row), images

  _, _, images = tf.while_loop(
      lambda row, *_: row < height, draw_row, (0, state, images))
  return tf.transpose(images, [2, 0, 1, 3])


def sample(dist, batch_size, seed, known_images=None, known_mask=None,
           **sampler_kwargs):
  """Draws images with `dist.pixel_sampler(batch_size, **sampler_kwargs)`.

  Called eagerly, it runs `draw_images` in a `tf.function` kept on `dist`
  (traced once per batch size and argument structure; variables are read on
  every call, so the latest weights are used); inside a graph it adds the
  loop to that graph.

  Args:
    dist: a distribution with a `pixel_sampler` method.
    batch_size: Python `int`, images drawn.
    seed: int, `(a, b)` or `None`; see `tfp.random.sanitize_seed`.
    known_images: optional `[batch, H, W, C]` values to keep.
    known_mask: optional bool `[batch, H, W, C]`.
    **sampler_kwargs: passed to `pixel_sampler` (e.g. `conditional_input`).

  Returns:
    images: `[batch, H, W, C]` `Tensor`.
  """
  seed = tfp.random.sanitize_seed(seed)
  if not tf.executing_eagerly():
    return draw_images(dist.pixel_sampler(batch_size, **sampler_kwargs),
                       batch_size, seed, known_images, known_mask)
  function = dist.__dict__.get('_tfp_pixel_draw_images')
  if function is None:

    def draw(batch_size, seed, known_images, known_mask, sampler_kwargs):
      return draw_images(dist.pixel_sampler(batch_size, **sampler_kwargs),
                         batch_size, seed, known_images, known_mask)

    function = tf.function(draw, autograph=False)
    # Not an attribute Keras or `tf.Module` should track.
    object.__setattr__(dist, '_tfp_pixel_draw_images', function)
  return function(batch_size, seed, known_images, known_mask, sampler_kwargs)


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
