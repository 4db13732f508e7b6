"""Plain full-pass samplers: the reference the fast samplers are proven against.

Each runs the whole network on the whole image for every pixel (PixelCNN++)
or channel (categorical models), or on the whole sequence for every token
(`SequenceRNN`), the obviously correct way to sample an autoregressive
model. They consume the same uniforms as `pixel_sampler.draw_images` and
`sequence_sampler.draw_sequences` and draw each value with the same model
code (`PixelCNN.draw_pixel_by_inverse_cdf`,
`inverse_cdf.categorical_from_uniform`), so with the same seed a fast sampler
must return the same events, up to float round-off (a uniform that falls
within round-off of a CDF step may draw the neighbouring value). Slow on
purpose (the tests and `bench/sampling.py` use them); wrap them in a
`tf.function`.
"""

import tensorflow as tf
import tensorflow_probability as tfp

from tfp_pixel.sampling import inverse_cdf

__all__ = ['sample_categorical', 'sample_pixel_cnn', 'sample_sequences']


def sample_pixel_cnn(dist, n, seed, conditional_input=None, known_images=None,
                   known_mask=None):
  """Draws `n` images from a logistic mixture model (`tfp_pixel.PixelCNN`,
  a mixture `tfp_pixel.PixelSNAIL`), one full pass per pixel.

  Args:
    dist: a `tfp_pixel.PixelCNN` or mixture `tfp_pixel.PixelSNAIL`.
    n: Python `int`.
    seed: a seed for `inverse_cdf.pixel_noise`.
    conditional_input: `[n, *conditional_shape]` or `None`.
    known_images: optional `[n, H, W, C]` values to keep.
    known_mask: optional bool `[n, H, W, C]`.

  Returns:
    images: `[n, H, W, C]` `Tensor`.
  """
  height, width, channels = tuple(dist.image_shape)
  noise = inverse_cdf.pixel_noise(seed, n, (height, width, channels),
                               2 * channels, dist.dtype)
  images, known_mask = _canvas(dist.dtype, n, (height, width, channels),
                               dist.low, known_images, known_mask)

  def draw_next(step, images):
    row, col = step // width, step % width
    params = dist.network_params(images, conditional_input)
    pixel = dist.draw_pixel_by_inverse_cdf([p[:, row, col] for p in params],
                            noise[:, row, col], images[:, row, col],
                            known_mask[:, row, col])
    return step + 1, _put(images, row, col, pixel)

  _, images = tf.while_loop(lambda step, _: step < height * width, draw_next,
                            (0, images))
  return images


def sample_categorical(dist, n, seed, known_images=None, known_mask=None,
                       conditional_input=None):
  """Draws `n` images from a model with a softmax over levels
  (`CategoricalPixelCNN`, `PixelRNN`, `PixelSNAIL`), one pass per channel.

  Args:
    dist: a model with `logits(levels, conditional_input=...)`.
    n: Python `int`.
    seed: a seed for `inverse_cdf.pixel_noise`.
    known_images: optional `[n, H, W, C]` levels to keep.
    known_mask: optional bool `[n, H, W, C]`.
    conditional_input: `[n, num_classes]` one-hot labels, `[n, H, W,
      features]` maps, or `None`.

  Returns:
    levels: int32 `[n, H, W, C]` `Tensor`.
  """
  height, width, channels = dist.image_shape
  noise = inverse_cdf.pixel_noise(seed, n, dist.image_shape, channels,
                               dist.float_dtype)
  levels, known_mask = _canvas(tf.int32, n, dist.image_shape, 0, known_images,
                               known_mask)

  def draw_next(step, levels):
    row, col = step // (width * channels), (step // channels) % width
    channel = step % channels
    logits = dist.logits(
        levels, conditional_input=conditional_input)[:, row, col, channel]
    drawn = inverse_cdf.categorical_from_uniform(logits,
                                              noise[:, row, col, channel])
    pixel = levels[:, row, col]
    keep = known_mask[:, row, col] | (
        tf.range(channels) != channel)[tf.newaxis]
    pixel = tf.where(keep, pixel, drawn[:, tf.newaxis])
    return step + 1, _put(levels, row, col, pixel)

  _, levels = tf.while_loop(
      lambda step, _: step < height * width * channels, draw_next,
      (0, levels))
  return levels


def sample_sequences(dist, n, seed):
  """Draws `n` token sequences from a `SequenceRNN`, one pass per token.

  Args:
    dist: a `tfp_pixel.SequenceRNN`.
    n: Python `int`.
    seed: a seed, as for `dist.sample`.

  Returns:
    tokens: int32 `[n, *batch_shape, max_length]` `Tensor`.
  """
  max_length = dist.max_length
  leading = [n, *dist.batch_shape.as_list()]
  step_seeds = tfp.random.split_seed(
      tfp.random.sanitize_seed(seed, salt='SequenceRNN'),
      n=tf.constant(max_length, tf.int32), salt='draw_sequences')
  tokens = tf.fill(leading + [max_length], dist.padding_token)

  def draw_next(step, tokens):
    logits = tf.reshape(dist.logits(tokens)[..., step, :],
                        [-1, dist.vocabulary_size])
    uniform = inverse_cdf.portable_uniform(
        tf.shape(logits)[:1], tf.gather(step_seeds, step), logits.dtype)
    drawn = tf.reshape(inverse_cdf.categorical_from_uniform(logits, uniform),
                       leading)
    ended = tf.reduce_any(tf.equal(tokens[..., :step], dist.end_token), -1)
    drawn = tf.where(ended, dist.padding_token, drawn)
    at_step = tf.equal(tf.range(max_length), step)
    return step + 1, tf.where(at_step, drawn[..., tf.newaxis], tokens)

  _, tokens = tf.while_loop(lambda step, _: step < max_length, draw_next,
                            (0, tokens))
  return tokens


def _canvas(dtype, n, image_shape, fill, known_images, known_mask):
  images = tf.fill([n, *image_shape], tf.cast(fill, dtype))
  if known_images is None:
    return images, tf.zeros(images.shape, tf.bool)
  known_mask = tf.broadcast_to(tf.convert_to_tensor(known_mask, tf.bool),
                               images.shape)
  return tf.where(known_mask, tf.cast(known_images, dtype), images), known_mask


def _put(images, row, col, pixel):
  """`images` `[n, H, W, C]` with `pixel` `[n, C]` at `(row, col)`."""
  pixels = tf.transpose(images, [1, 2, 0, 3])
  pixels = tf.tensor_scatter_nd_update(pixels, [[row, col]],
                                       pixel[tf.newaxis])
  return tf.transpose(pixels, [2, 0, 1, 3])
