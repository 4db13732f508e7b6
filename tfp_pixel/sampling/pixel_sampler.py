"""Exact autoregressive sampling, shared by every model.

A model describes how to draw one image row given the rows above it through the
`PixelSampler` interface; `draw_images` visits the rows in order and hands
each pixel its own uniform noise. Drawing by
inverse CDF from fixed per-pixel uniforms makes the images a deterministic
function of the noise, so two samplers of the same model (the fast one here, a
plain full-pass one in the tests) can be compared image for image.

#### Mathematical details

With `u[b, i, j]` the uniforms of image `b` at pixel `(i, j)`, drawn once from
the seed, every pixel is

```none
x[b, i, j] = draw(conditional of pixel (i, j) given x[b, <(i, j)], u[b, i, j])
```

where `draw` inverts the conditional's CDF, so `x` follows the model exactly:
the uniforms are independent across images, pixels and draws
(`tf.random.stateless_uniform`).

A convolutional model's row is solved as a fixed point (`RowSweepSampler`;
Song et al., 2021): starting from the current canvas, draw every pixel of the
row at once from the network outputs given the row so far, write the row, and
repeat until nothing changes. A fixed point is the sequential solution (by
induction along the row: pixel `j` is a function of the pixels before it
only), and each sweep after the first makes at least one more pixel final,
so at most `W * C + 2` sweeps are needed (the first may draw from outputs
that predate the row above); usually far fewer. A recurrent model carries
its state along the row instead, one pixel at a time.

#### References

[1]: Yang Song, Chenlin Meng, Renjie Liao, and Stefano Ermon. Accelerating
     Feedforward Computation via Parallel Nonlinear Equation Solving. In
     _International Conference on Machine Learning_, 2021.
     https://arxiv.org/abs/2002.03629
"""

import abc

import tensorflow as tf
import tensorflow_probability as tfp

from tfp_pixel.sampling import inverse_cdf

__all__ = ['PixelSampler', 'RowSweepSampler', 'draw_images', 'sample']


class PixelSampler(abc.ABC):
  """How a model draws its images, row by row.

  `draw_images` calls `start` once and, for each row in order, `solve_row`
  (which draws the row's pixels from its noise) and `end_row`. A model
  returns one from its `pixel_sampler(batch_size, ...)` method; the state is
  any nest of `Tensor`s or `TensorArray`s (a fast sampler keeps its network's
  activations or recurrent states there). `RowSweepSampler` solves a row from
  whole-row network outputs (convolutional models); a recurrent model's
  sampler walks the row pixel by pixel.
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


class RowSweepSampler(PixelSampler):
  """Solves each row as a fixed point of whole-row network outputs.

  For each row, `row_outputs`, `draw_row` and `write_row` are called until
  the row is stable (see the module docstring).
  """

  @abc.abstractmethod
  def row_outputs(self, state, row):
    """Network outputs `[batch, W, ...]` of image row `row` given the state."""

  @abc.abstractmethod
  def draw_row(self, outputs, noise, known, known_mask):
    """Draws the pixels of a row from their outputs.

    Args:
      outputs: `row_outputs` of the row.
      noise: `[batch, W, noise_size]` uniforms in `[0, 1)`.
      known: `[batch, W, C]` values to keep where `known_mask` is set.
      known_mask: bool `[batch, W, C]`; a kept channel conditions the
        channels drawn after it.

    Returns:
      pixels: `[batch, W, C]` values; the value at `(j, c)` must depend only on
      the outputs at `j` and the values of channels `< c` at `j`.
    """

  @abc.abstractmethod
  def write_row(self, state, row, pixels):
    """Returns the state with image row `row` set to `pixels` (`[batch, W,
    C]`), its `row_outputs` brought up to date."""

  def solve_row(self, state, row, noise, known, known_mask):
    _, width, channels = self.image_shape

    def sweep(state, pixels, unused_changed, count):
      drawn = self.draw_row(self.row_outputs(state, row), noise, known,
                            known_mask)
      # A sampler may bring a row's outputs up to date with the rows above
      # only when the row is first written (a `RowCache` does): a first
      # draw equal to the fill values must not end the loop.
      changed = tf.reduce_any(tf.not_equal(drawn, pixels)) | tf.equal(
          count, 0)
      return self.write_row(state, row, drawn), drawn, changed, count + 1

    # A causal model reaches the fixed point within `W * C + 2` sweeps; the
    # cap keeps a non-causal one from looping forever.
    state, pixels, _, _ = tf.while_loop(
        lambda state, pixels, changed, count: changed, sweep,
        (state, known, tf.constant(True), tf.constant(0)),
        maximum_iterations=width * channels + 2)
    return state, pixels


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
    state, pixels = sampler.solve_row(state, row, noise[row], images[row],
                                      known_mask[row])
    images = tf.tensor_scatter_nd_update(images, [[row]], pixels[tf.newaxis])
    return row + 1, sampler.end_row(state, row), images

  _, _, images = tf.while_loop(
      lambda row, *_: row < height, solve_row, (0, state, images))
  return tf.transpose(images, [1, 0, 2, 3])


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

    function = tf.function(draw, autograph=False, reduce_retracing=True)
    # Not an attribute Keras or `tf.Module` should track.
    object.__setattr__(dist, '_tfp_pixel_draw_images', function)
  if known_images is None:
    # Same argument structure with and without known pixels: one trace.
    shape = [batch_size, *dist.event_shape]
    known_images = tf.zeros(shape, dist.dtype)
    known_mask = tf.zeros(shape, tf.bool)
  # A `Tensor` batch size: one trace serves every batch size.
  images = function(tf.constant(batch_size, tf.int32), seed, known_images,
                    known_mask, sampler_kwargs)
  return tf.ensure_shape(images, [batch_size, *dist.event_shape])
