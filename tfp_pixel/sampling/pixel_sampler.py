"""Exact autoregressive sampling, shared by every model.

A model describes how to draw one image row given the rows above it through the
`PixelSampler` interface; `draw_images` visits the rows in order and hands
each pixel its own uniform noise. Drawing by inverse CDF from fixed per-pixel
uniforms makes the images a deterministic function of the noise, so two
samplers of the same model (the fast one here, a plain full-pass one in the
tests) can be compared image for image.

#### Mathematical details

With `u[b, i, j]` the uniforms of image `b` at pixel `(i, j)`, drawn once from
the seed, every pixel is

```none
x[b, i, j] = draw(conditional of pixel (i, j) given x[b, <(i, j)], u[b, i, j])
```

where `draw` inverts the conditional's CDF, so `x` follows the model exactly:
the uniforms are independent across images, pixels and draws
(`inverse_cdf.pixel_noise`).

`PixelWalkSampler` walks a row pixel by pixel: it reads the network outputs at
the pixel, draws it and writes it, and the sampler brings the outputs at the
next pixel up to date (`pixel_cache.PixelCache` does so for the convolutional
models, computing about one position of each layer per pixel). Where the
outputs at a pixel read the pixel's own earlier channels, the pixel is drawn
and written `C + 1` times: the first draw is a guess, and each later one makes
one more channel final (channel `c` depends only on channels `< c`).
"""

import abc

import tensorflow as tf
import tensorflow_probability as tfp

from tfp_pixel.sampling import inverse_cdf
from tfp_pixel.sampling import shared_functions

__all__ = ['PixelSampler', 'PixelWalkSampler', 'compiles_by_default',
           'draw_images', 'sample']


class PixelSampler(abc.ABC):
  """How a model draws its images, row by row.

  `draw_images` calls `start` once and, for each row in order, `solve_row`
  (which draws the row's pixels from its noise) and `end_row`. A model
  returns one from its `pixel_sampler(batch_size, ...)` method; the state is
  any nest of `Tensor`s or `TensorArray`s (a fast sampler keeps its network's
  activations or recurrent states there). To compile with XLA, the state must
  use only operations XLA has kernels for (no `TensorArray.scatter`).
  `PixelWalkSampler` solves a row pixel by pixel from per-pixel network
  outputs.
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
  def solve_row(self, state, row, noise, known, known_mask):
    """Draws image row `row` given the rows above it.

    Args:
      state: the state after the rows above (`start`, then `end_row`).
      row: int32 scalar, the row.
      noise: `[batch, W, noise_size]` uniforms in `[0, 1)`; pixel `j` is
        drawn from `noise[:, j]` by inverting its conditional's CDF.
      known: `[batch, W, C]` values to keep where `known_mask` is set.
      known_mask: bool `[batch, W, C]`; a kept channel conditions the
        channels and pixels drawn after it.

    Returns:
      state: the state with the row written.
      pixels: `[batch, W, C]` values of the row.
    """

  def end_row(self, state, row):
    """Returns the state once row `row` is final."""
    del row
    return state


class PixelWalkSampler(PixelSampler):
  """Solves each row pixel by pixel: outputs, draw, write.

  For each pixel, `pixel_outputs`, `draw_pixel` and `write_pixel` are called
  `sweeps_per_pixel` times (see the module docstring).
  """

  @property
  def sweeps_per_pixel(self):
    """Python `int`: 1 where the outputs at a pixel read no channel of it,
    else `C + 1`."""
    return 1

  @abc.abstractmethod
  def pixel_outputs(self, state, row, col):
    """Network outputs `[batch, ...]` at pixel `(row, col)` given the state."""

  @abc.abstractmethod
  def draw_pixel(self, outputs, noise, known, known_mask):
    """Draws a pixel from its outputs.

    Args:
      outputs: `pixel_outputs` of the pixel.
      noise: `[batch, noise_size]` uniforms in `[0, 1)`.
      known: `[batch, C]` values to keep where `known_mask` is set.
      known_mask: bool `[batch, C]`; a kept channel conditions the channels
        drawn after it.

    Returns:
      pixel: `[batch, C]` values; channel `c` must depend only on the outputs
      and the values of channels `< c`.
    """

  @abc.abstractmethod
  def write_pixel(self, state, row, col, pixel):
    """Returns the state with pixel `(row, col)` set to `pixel` (`[batch,
    C]`), the outputs at the next pixel (and, for `sweeps_per_pixel > 1`, at
    this one) brought up to date."""

  def solve_row(self, state, row, noise, known, known_mask):
    width = self.image_shape[1]
    # Columns first, [W, batch, ...]: a pixel is then one gather.
    noise, known, known_mask = [tf.transpose(t, [1, 0, 2])
                                for t in (noise, known, known_mask)]

    def walk(col, state, pixels):
      for _ in range(self.sweeps_per_pixel):
        pixel = self.draw_pixel(
            self.pixel_outputs(state, row, col), tf.gather(noise, col),
            tf.gather(known, col), tf.gather(known_mask, col))
        state = self.write_pixel(state, row, col, pixel)
      return col + 1, state, pixels.write(col, pixel)

    pixels = tf.TensorArray(self.dtype, size=width,
                            element_shape=known.shape[1:])
    _, state, pixels = tf.while_loop(lambda col, *_: col < width, walk,
                                     (0, state, pixels))
    return state, tf.transpose(pixels.stack(), [1, 0, 2])


# Its loops are `tf.while_loop`s: a user's `tf.function` need not convert it
# (AutoGraph would convert every sampler and cache method it calls), nor
# `sample`, which builds the sampler.
@tf.autograph.experimental.do_not_convert
def draw_images(sampler, batch_size, seed, known_images=None,
                known_mask=None):
  """Draws `batch_size` images with `sampler`, row by row.

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
  noise = inverse_cdf.pixel_noise(seed, batch_size, sampler.image_shape,
                                  sampler.noise_size, sampler.noise_dtype)
  fill = tf.fill(tf.stack([batch_size, height, width, channels]),
                 tf.cast(sampler.fill_value, sampler.dtype))
  if known_images is None:
    images, known_mask = fill, tf.zeros_like(fill, tf.bool)
  else:
    known_mask = tf.broadcast_to(tf.convert_to_tensor(known_mask, tf.bool),
                                 tf.shape(fill))
    images = tf.where(known_mask, tf.cast(known_images, sampler.dtype), fill)
  state = sampler.start(images)
  # Rows first, [H, batch, W, ...]: a row is then one row of a scatter.
  images, known_mask, noise = [tf.transpose(t, [1, 0, 2, 3])
                               for t in (images, known_mask, noise)]

  def solve_row(row, state, images):
    state, pixels = sampler.solve_row(
        state, row, tf.gather(noise, row), tf.gather(images, row),
        tf.gather(known_mask, row))
    images = tf.tensor_scatter_nd_update(images, [[row]], pixels[tf.newaxis])
    return row + 1, sampler.end_row(state, row), images

  _, _, images = tf.while_loop(
      lambda row, *_: row < height, solve_row, (0, state, images))
  return tf.transpose(images, [1, 0, 2, 3])


def compiles_by_default():
  """Whether `sample` compiles its loop with XLA when not told: on a GPU.

  On a GPU XLA is expected to remove the launch overhead of the loop's many
  small operations. On a 2-core CPU the compiled loop was as fast or faster
  for every model and batch once compiled (`bench/sampling.py`), but
  compiling took 2-7 s per model and batch size, more than one call of
  `tfp-pixel sample` saves (see the README's "Sampling: exact and fast").
  """
  return bool(tf.config.list_logical_devices('GPU'))


@tf.autograph.experimental.do_not_convert
def sample(dist, batch_size, seed, known_images=None, known_mask=None,
           jit_compile=None, **sampler_kwargs):
  """Draws images with `dist.pixel_sampler(batch_size, **sampler_kwargs)`.

  Called eagerly, it runs `draw_images` in a `tf.function` kept on the
  network and shared by the distribution's copies, with the temperature as
  an argument (`shared_functions`): traced once per argument structure, for
  every batch size, seed and temperature; variables are read on every call,
  so the latest weights are used. Inside a graph it adds the loop to that
  graph (compiled or not as the graph is).

  Args:
    dist: a distribution of the package with a `pixel_sampler` method.
    batch_size: Python `int`, images drawn.
    seed: int, `(a, b)` or `None`; see `tfp.random.sanitize_seed`.
    known_images: optional `[batch, H, W, C]` values to keep.
    known_mask: optional bool `[batch, H, W, C]`.
    jit_compile: Python `bool`, whether to compile the loop with XLA when
      called eagerly; `None`: `compiles_by_default()`.
    **sampler_kwargs: passed to `pixel_sampler` (e.g. `conditional_input`).

  Returns:
    images: `[batch, H, W, C]` `Tensor`.
  """
  seed = tfp.random.sanitize_seed(seed)
  if not tf.executing_eagerly():
    return draw_images(dist.pixel_sampler(batch_size, **sampler_kwargs),
                       batch_size, seed, known_images, known_mask)
  if jit_compile is None:
    jit_compile = compiles_by_default()
  draw = shared_functions.shared_function(dist, _draw,
                                          jit_compile=jit_compile)
  if known_images is None:
    # Same argument structure with and without known pixels: one trace.
    shape = [batch_size, *dist.event_shape]
    known_images = tf.zeros(shape, dist.dtype)
    known_mask = tf.zeros(shape, tf.bool)
  # Uncompiled, a `Tensor` batch size: one trace serves every batch size.
  # XLA needs the shapes when it compiles.
  size = batch_size if jit_compile else tf.constant(batch_size, tf.int32)
  images = draw(size, seed, known_images, known_mask, sampler_kwargs)
  return tf.ensure_shape(images, [batch_size, *dist.event_shape])


def _draw(dist, batch_size, seed, known_images, known_mask, sampler_kwargs):
  return draw_images(dist.pixel_sampler(batch_size, **sampler_kwargs),
                     batch_size, seed, known_images, known_mask)
