"""VQ-VAE (van den Oord et al., 2017) and VQ-VAE-2 (Razavi et al., 2019):
8-bit images to grids of discrete codes and back.

The encoder maps an image, scaled to `[-1, 1]`, to a grid of vectors that
`VectorQuantizer`s replace by their nearest codes (two grids, top and
bottom, for `hierarchy=2`); the decoder maps the codes' vectors to a
`DiscretizedLogistic` over the image's values `0..255`, whose location and
log-scale it outputs per channel value (see `networks.vqvae_network`).
Training minimises the mean over a batch of `losses(images,
training=True)[1]` with respect to `trainable_variables`; the codebooks
follow the encoder by moving averages in that same call.
"""

import numpy as np
import tensorflow as tf

from tfp_pixel import shapes
from tfp_pixel.distributions import discretized_logistic
from tfp_pixel.networks import vqvae_network

__all__ = ['MIN_LOG_SCALE', 'VQVAE', 'grid_shapes', 'most_likely_images']

# The smallest log-scale of the decoder's logistics in the network's units
# (`[-1, 1]` for the values 0..255), as in PixelCNN++: a scale of about
# 0.12 in pixel units.
MIN_LOG_SCALE = -7.
_HALF_RANGE = discretized_logistic.HIGH / 2.
_DOWNSAMPLES = (2, 4, 8)
_MAX_CODES = 65536


class VQVAE(tf.Module):
  """A VQ-VAE over `[H, W, C]` uint8 images (see the module docstring).

  Attributes:
    image_shape: `(H, W, C)` tuple of Python `int`s.
    num_codes: Python `int`, codes per codebook.
    code_dim: Python `int`, the size of a code's vector.
    downsample: Python `int`, the image's height and width over the bottom
      grid's.
    hierarchy: Python `int`, levels of codes: 1 (VQ-VAE) or 2 (VQ-VAE-2).
    grid_shapes: tuple of `(h, w)` per level, top first: `((H / d, W / d),)`
      or `((H / 2d, W / 2d), (H / d, W / d))` for `downsample` `d`.
    dtype: float `tf.DType` of the variables and computations.
    network: the `VQVAENetwork`, the `tf.Module` that holds every variable
      (checkpoint it as `tf.train.Checkpoint(network=model.network)`).
  """

  def __init__(self, image_shape, num_codes=512, code_dim=64, downsample=4,
               num_filters=128, num_residual=2, commitment=0.25,
               ema_decay=0.99, hierarchy=1, dtype=tf.float32, name=None):
    """Builds the model and its variables.

    Args:
      image_shape: `(H, W, C)`; `H` and `W` multiples of `downsample`
        (of `2 * downsample` with `hierarchy=2`).
      num_codes: Python `int` in `[2, 65536]`, codes per codebook.
      code_dim: Python `int`, the size of a code's vector.
      downsample: Python `int`, 2, 4 or 8.
      num_filters: Python `int`, features of the hidden layers.
      num_residual: Python `int`, residual blocks per stack (0 or more).
      commitment: non-negative Python `float`, the commitment loss's weight.
      ema_decay: Python `float` in `[0, 1)`, the codebooks' moving averages'
        decay.
      hierarchy: Python `int`, 1 or 2.
      dtype: float `tf.DType` of the variables and computations.
      name: Python `str` name of the module.

    Raises:
      ValueError: one line naming the argument, if one is out of range.
    """
    super().__init__(name=name)
    self.image_shape = shapes.check_image_shape(image_shape)
    if isinstance(hierarchy, bool) or hierarchy not in (1, 2):
      raise ValueError('`hierarchy` must be 1 or 2, got {!r}.'.format(
          hierarchy))
    if isinstance(downsample, bool) or downsample not in _DOWNSAMPLES:
      raise ValueError('`downsample` must be 2, 4 or 8, got {!r}.'.format(
          downsample))
    self.num_codes = shapes.check_size(num_codes, 'num_codes', minimum=2)
    if self.num_codes > _MAX_CODES:
      raise ValueError('`num_codes` must be at most {}, got {}.'.format(
          _MAX_CODES, num_codes))
    self.code_dim = shapes.check_size(code_dim, 'code_dim')
    num_filters = shapes.check_size(num_filters, 'num_filters')
    num_residual = shapes.check_size(num_residual, 'num_residual', minimum=0)
    self.hierarchy = int(hierarchy)
    self.downsample = int(downsample)
    height, width, channels = self.image_shape
    factor = self.downsample * 2 ** (self.hierarchy - 1)
    if height % factor or width % factor:
      raise ValueError(
          'The image height and width must be multiples of {}{}, got {}x{}.'
          .format(factor, ' (2 * downsample with hierarchy 2)'
                  if self.hierarchy == 2 else ' (downsample)', height, width))
    self.grid_shapes = grid_shapes(self.image_shape, self.downsample,
                                   self.hierarchy)
    self.dtype = tf.as_dtype(dtype)
    self.network = vqvae_network.VQVAENetwork(
        channels, self.num_codes, self.code_dim, self.downsample, num_filters,
        num_residual, commitment, ema_decay, self.hierarchy, dtype=self.dtype)

  def encode(self, images):
    """The codes of uint8 `images` `[N, H, W, C]`: int32 `[N, h, w]`, or
    `(top [N, h / 2, w / 2], bottom [N, h, w])` with `hierarchy=2`."""
    _, codes, _ = self.network.quantize(self._scaled(images))
    return codes[0] if self.hierarchy == 1 else tuple(codes)

  def decode(self, codes):
    """The decoder's `DiscretizedLogistic` over images `[N, H, W, C]` given
    `codes` as `encode` returns them."""
    levels = [codes] if self.hierarchy == 1 else list(codes)
    if len(levels) != self.hierarchy:
      raise ValueError('codes must be (top, bottom) with hierarchy 2, got {} '
                       'grids.'.format(len(levels)))
    levels = [tf.convert_to_tensor(level) for level in levels]
    for level, (h, w) in zip(levels, self.grid_shapes):
      if not level.shape[1:].is_compatible_with([h, w]):
        raise ValueError('codes must have shapes {}, got {}.'.format(
            ', '.join('[N, {}, {}]'.format(*g) for g in self.grid_shapes),
            ', '.join(str(c.shape.as_list()) for c in levels)))
    return self._distribution(self.network.lookup(levels))

  def reconstruct(self, images):
    """uint8 `[N, H, W, C]`: the decoder's most likely image given the codes
    of `images` (the mode of `decode(encode(images))`): per channel value,
    its logistic's location rounded and clipped to `0..255`, or the edge
    value 0 or 255 where that value's open tail holds more."""
    return most_likely_images(self.decode(self.encode(images)))

  def losses(self, images, training=False):
    """The reconstruction figure and the training loss of each image.

    Args:
      images: uint8 `[N, H, W, C]`.
      training: Python `bool`; `True` updates the codebooks (moving
        averages) and re-seeds their dead codes.

    Returns:
      nll: `[N]`, `-log p(images | z_q(images))` in nats under the decoder.
      loss: `[N]`, `nll` plus the commitment losses of every level; its mean
        over a batch is the training objective.
    """
    images = shapes.check_event(images, self.image_shape)
    quantized, _, commitments = self.network.quantize(self._scaled(images),
                                                      training=training)
    nll = -self._distribution(quantized).log_prob(images)
    return nll, nll + tf.add_n(commitments)

  def codes_in_use(self):
    """int32 `[levels]`, top first: the codes of each level hit in the last
    training batch (see `VectorQuantizer.codes_in_use`)."""
    return tf.stack([quantizer.codes_in_use()
                     for quantizer in self.network.quantizers])

  def _scaled(self, images):
    images = shapes.check_event(images, self.image_shape)
    return tf.cast(images, self.dtype) / _HALF_RANGE - 1.

  def _distribution(self, quantized):
    loc, log_scale = tf.split(self.network.decode(quantized), 2, axis=-1)
    return discretized_logistic.DiscretizedLogistic(
        loc=_HALF_RANGE * (loc + 1.),
        log_scale=tf.maximum(log_scale, MIN_LOG_SCALE) + np.log(_HALF_RANGE))


def most_likely_images(decoder):
  """uint8 `[N, H, W, C]`: the most likely image of a decoder's
  distribution (`VQVAE.decode`), each channel's mode."""
  return tf.cast(decoder.mode(), tf.uint8)


def grid_shapes(image_shape, downsample, hierarchy):
  """The `(h, w)` of each grid of codes of a VQ-VAE, top first: the image's
  height and width over `downsample`, and half that for the top grid of
  `hierarchy=2`."""
  bottom = (image_shape[0] // downsample, image_shape[1] // downsample)
  return ((bottom,) if hierarchy == 1 else
          ((bottom[0] // 2, bottom[1] // 2), bottom))
