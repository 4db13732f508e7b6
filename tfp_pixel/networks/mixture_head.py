"""The output layer of PixelCNN++'s discretized logistic mixture.

A network ending in it outputs, per pixel, `num_params(M, C)` numbers that
`split_params` turns into the mixture's parameters, as `tfd.PixelCNN`'s
network does; `distributions.logistic_mixture` holds the distribution they
parameterize.
"""

import tensorflow as tf

from tfp_pixel.networks import masked_layers

__all__ = ['MixtureHead', 'num_params', 'split_params']


class MixtureHead(tf.Module):
  """The mixture's parameters at every pixel from its features: ELU, then
  a 1x1 layer (its kernel times `init_scale` at first), then
  `split_params`."""

  def __init__(self, num_filters, channels, num_logistic_mix,
               dtype=tf.float32, init_scale=1., name=None):
    super().__init__(name=name)
    self.channels = channels
    self.num_logistic_mix = num_logistic_mix
    self.layer = masked_layers.MaskedConv2D(
        num_filters, num_params(num_logistic_mix, channels), dtype=dtype,
        init_scale=init_scale)

  def __call__(self, features, inputs=None):
    del inputs  # The mixture's channels depend on each other in the head.
    return split_params(self.layer(tf.nn.elu(features)),
                        self.num_logistic_mix, self.channels)


def num_params(num_mix, num_channels):
  """Network outputs per pixel of a mixture of `num_mix` components."""
  return num_mix * (2 * num_channels + num_channels * (num_channels - 1) // 2 +
                    1)


def split_params(raw, num_mix, num_channels):
  """Splits raw outputs `[..., num_params]` as `tfd.PixelCNN`'s network does.

  Returns:
    params: `component_logits` `[..., M]`, `locs` and `scales` `[..., M, C]`
      and, for several channels, `coeffs` `[..., M, C * (C - 1) / 2]`.
  """
  num_coeffs = num_channels * (num_channels - 1) // 2
  raw = tf.reshape(raw, tf.concat(
      [tf.shape(raw)[:-1], [num_mix, 2 * num_channels + num_coeffs + 1]], 0))
  splits = (3 if num_channels == 1
            else [1, num_channels, num_channels, num_coeffs])
  params = tf.split(raw, splits, axis=-1)
  params[0] = tf.squeeze(params[0], axis=-1)
  params[2] = tf.nn.softplus(params[2]) + tf.cast(tf.exp(-7.), raw.dtype)
  return params
