"""The encoders, decoders and quantizers of VQ-VAE (van den Oord et al.,
2017) and VQ-VAE-2 (Razavi et al., 2019).

One level (`hierarchy=1`), with `d = 2^s` the downsampling factor:

```none
x --[s x 4x4 conv, stride 2]--3x3--res--1x1--> z --quantize--> e
e --3x3--res--[s x 4x4 transposed conv, stride 2]--> (loc, log_scale)
```

Two levels (`hierarchy=2`): a top encoder halves the bottom encoder's
features `h` again and quantizes them (`e_top`, on a grid half the bottom
one); the top decoder brings `e_top` back to the bottom grid, and the bottom
codes quantize `1x1(concat(h, top_decoder(e_top)))`, so the bottom encoding
is conditioned on the top codes. The image decoder reads
`concat(e_bottom, upsample(e_top))`, with `upsample` a 4x4 transposed
convolution of stride 2.

A residual block is `x + 1x1(relu(3x3(relu(x))))`; a residual stack is
`num_residual` of them and a ReLU. Every convolution is 'same'-padded, with
its kernel and bias in plain `tf.Variable`s; the codebooks are the
quantizers' non-trainable variables.
"""

import numpy as np
import tensorflow as tf

from tfp_pixel.networks import vector_quantizer

__all__ = ['Conv', 'Decoder', 'Encoder', 'ResidualStack', 'VQVAENetwork']

_STRIDED_KERNEL = 4


class Conv(tf.Module):
  """A 'same' 2-D convolution, or a transposed one that multiplies the
  height and width by `strides`, with a He-uniform kernel and a bias."""

  def __init__(self, in_features, out_features, kernel_size, strides=1,
               transpose=False, dtype=tf.float32, name=None):
    super().__init__(name=name)
    self.out_features = out_features
    self.strides = strides
    self.transpose = transpose
    limit = np.sqrt(6. / (kernel_size * kernel_size * in_features))
    shape = ([kernel_size, kernel_size, out_features, in_features]
             if transpose else
             [kernel_size, kernel_size, in_features, out_features])
    self.kernel = tf.Variable(
        tf.random.uniform(shape, -limit, limit, dtype=dtype), name='kernel')
    self.bias = tf.Variable(tf.zeros([out_features], dtype=dtype),
                            name='bias')

  def __call__(self, inputs):
    """`[batch, H, W, in]` to `[batch, H', W', out]`."""
    if self.transpose:
      shape = tf.shape(inputs)
      output_shape = tf.stack([shape[0], shape[1] * self.strides,
                               shape[2] * self.strides, self.out_features])
      outputs = tf.nn.conv2d_transpose(inputs, self.kernel, output_shape,
                                       self.strides, padding='SAME')
    else:
      outputs = tf.nn.conv2d(inputs, self.kernel, self.strides,
                             padding='SAME')
    return outputs + self.bias


class ResidualStack(tf.Module):
  """`num_residual` blocks `x + 1x1(relu(3x3(relu(x))))`, then a ReLU."""

  def __init__(self, features, num_residual, dtype=tf.float32, name=None):
    super().__init__(name=name)
    self.blocks = [(Conv(features, features, 3, dtype=dtype),
                    Conv(features, features, 1, dtype=dtype))
                   for _ in range(num_residual)]

  def __call__(self, x):
    for wide, narrow in self.blocks:
      x += narrow(tf.nn.relu(wide(tf.nn.relu(x))))
    return tf.nn.relu(x)


class Encoder(tf.Module):
  """`steps` strided 4x4 convolutions (each halves the height and width,
  ReLUs between them), a 3x3 convolution and a residual stack."""

  def __init__(self, in_features, num_filters, steps, num_residual,
               dtype=tf.float32, name=None):
    super().__init__(name=name)
    self.strided = [Conv(in_features if i == 0 else num_filters, num_filters,
                         _STRIDED_KERNEL, strides=2, dtype=dtype)
                    for i in range(steps)]
    self.last = Conv(num_filters, num_filters, 3, dtype=dtype)
    self.residual = ResidualStack(num_filters, num_residual, dtype=dtype)

  def __call__(self, x):
    for layer in self.strided:
      x = tf.nn.relu(layer(x))
    return self.residual(self.last(x))


class Decoder(tf.Module):
  """A 3x3 convolution, a residual stack and `steps` transposed 4x4
  convolutions of stride 2 (ReLUs between them), the last to
  `out_features`."""

  def __init__(self, in_features, num_filters, out_features, steps,
               num_residual, dtype=tf.float32, name=None):
    super().__init__(name=name)
    self.first = Conv(in_features, num_filters, 3, dtype=dtype)
    self.residual = ResidualStack(num_filters, num_residual, dtype=dtype)
    self.transposed = [
        Conv(num_filters, out_features if i == steps - 1 else num_filters,
             _STRIDED_KERNEL, strides=2, transpose=True, dtype=dtype)
        for i in range(steps)]

  def __call__(self, x):
    x = self.residual(self.first(x))
    for i, layer in enumerate(self.transposed):
      x = layer(x if i == 0 else tf.nn.relu(x))
    return x


class VQVAENetwork(tf.Module):
  """Every variable of a VQ-VAE (see the module docstring).

  Attributes:
    hierarchy: Python `int`, levels of codes (1 or 2).
    quantizers: `list` of `VectorQuantizer`s, one per level, top first.
  """

  def __init__(self, channels, num_codes, code_dim, downsample, num_filters,
               num_residual, commitment, ema_decay, hierarchy,
               dtype=tf.float32, name=None):
    """Creates the variables (arguments checked by the caller).

    Args:
      channels: Python `int`, the image's channels `C`; the decoder outputs
        `2 C` features per pixel.
      num_codes, code_dim: Python `int`s, each quantizer's codebook.
      downsample: Python `int`, a power of 2: the bottom grid is the image's
        height and width over it.
      num_filters: Python `int`, features of the hidden layers.
      num_residual: Python `int`, residual blocks per stack.
      commitment, ema_decay: Python `float`s of the quantizers.
      hierarchy: Python `int`, 1 or 2.
      dtype: float `tf.DType` of the variables.
      name: Python `str` name of the module.
    """
    super().__init__(name=name)
    self.hierarchy = hierarchy
    steps = int(np.log2(downsample))
    self.encoder = Encoder(channels, num_filters, steps, num_residual,
                           dtype=dtype)
    bottom_in = num_filters
    if hierarchy == 2:
      self.top_encoder = Encoder(num_filters, num_filters, 1, num_residual,
                                 dtype=dtype)
      self.top_projection = Conv(num_filters, code_dim, 1, dtype=dtype)
      self.top_decoder = Decoder(code_dim, num_filters, code_dim, 1,
                                 num_residual, dtype=dtype)
      self.upsample = Conv(code_dim, code_dim, _STRIDED_KERNEL, strides=2,
                           transpose=True, dtype=dtype)
      bottom_in += code_dim
    self.projection = Conv(bottom_in, code_dim, 1, dtype=dtype)
    self.quantizers = [
        vector_quantizer.VectorQuantizer(num_codes, code_dim, commitment,
                                         ema_decay, dtype=dtype)
        for _ in range(hierarchy)]
    self.decoder = Decoder(hierarchy * code_dim, num_filters, 2 * channels,
                           steps, num_residual, dtype=dtype)

  def quantize(self, x, training=False):
    """Encodes and quantizes images `x` `[N, H, W, C]` in `[-1, 1]`.

    Returns:
      quantized: `list` of `[N, h, w, code_dim]` per level, top first, with
        straight-through gradients.
      codes: `list` of int32 `[N, h, w]` per level, top first.
      commitment_losses: `list` of `[N]` per level, top first.
    """
    features = self.encoder(x)
    if self.hierarchy == 1:
      quantized, codes, commitment = self.quantizers[0](
          self.projection(features), training=training)
      return [quantized], [codes], [commitment]
    top_quantized, top_codes, top_commitment = self.quantizers[0](
        self.top_projection(self.top_encoder(features)), training=training)
    conditioned = tf.concat([features, self.top_decoder(top_quantized)], -1)
    quantized, codes, commitment = self.quantizers[1](
        self.projection(conditioned), training=training)
    return ([top_quantized, quantized], [top_codes, codes],
            [top_commitment, commitment])

  def lookup(self, codes):
    """The vectors of `codes`, a `list` of int `[N, h, w]` per level (top
    first), as `quantize` returns them."""
    return [quantizer.lookup(level)
            for quantizer, level in zip(self.quantizers, codes)]

  def decode(self, quantized):
    """Decoder outputs `[N, H, W, 2 C]` from `quantize`'s `quantized`."""
    if self.hierarchy == 2:
      top, bottom = quantized
      quantized = [bottom, self.upsample(top)]
    return self.decoder(tf.concat(quantized, -1))
