"""The discretized logistic mixture of PixelCNN++ (Salimans et al., 2017).

The output head that `tfp_pixel.PixelCNN` (through `tfd.PixelCNN`) and the
mixture `tfp_pixel.PixelSNAIL` share: per pixel, `M` components, each a
quantized logistic per channel whose location depends linearly on the
pixel's earlier channels, over the integer values `[low, high]`. The network
outputs, per pixel, `M * (2 C + C (C - 1) / 2 + 1)` numbers
(`networks.mixture_head.split_params`).
With temperature `T` the component logits are divided by `T` and the
logistic scales multiplied by it, in `log_prob` and in `draw_pixel` alike.
"""

import tensorflow as tf
import tensorflow_probability as tfp

from tfp_pixel import quantization
from tfp_pixel.sampling import inverse_cdf

tfd = tfp.distributions

__all__ = ['LogisticMixture']


class LogisticMixture:
  """The mixture over values in `[low, high]` at temperature `T`.

  Attributes:
    num_channels: Python `int`, channels of a pixel.
    num_mix: Python `int`, components `M`.
    low, high: float scalar `Tensor`s, the smallest and largest value.
    temperature: positive float scalar `Tensor`.
  """

  def __init__(self, num_channels, num_mix, low, high, temperature, dtype):
    self.num_channels = num_channels
    self.num_mix = num_mix
    self.dtype = tf.as_dtype(dtype)
    self.low = tf.cast(low, self.dtype)
    self.high = tf.cast(high, self.dtype)
    self.temperature = temperature

  def scaled(self, values):
    """Maps values in `[low, high]` onto the network's `[-1, 1]`."""
    return quantization.to_unit_interval(values, self.low, self.high,
                                         self.dtype)

  def distribution(self, component_logits, locs, scales):
    """The tempered mixture of `tfd.PixelCNN._make_mixture_dist`.

    Args:
      component_logits: `[batch, H, W, M]`.
      locs: `[batch, H, W, M, C]` in network units, with the linear
        dependence on earlier channels added.
      scales: `[batch, H, W, M, C]` in network units.

    Returns:
      dist: distribution over `[batch]` of `[H, W, C]` values in
        `[low, high]`.
    """
    temperature = tf.cast(tf.convert_to_tensor(self.temperature), self.dtype)
    half_range = 0.5 * (self.high - self.low)
    pixels = tfd.MixtureSameFamily(
        mixture_distribution=tfd.Categorical(
            logits=component_logits / temperature),
        components_distribution=tfd.Independent(
            _quantized_logistic(self.low + half_range * (locs + 1.),
                                scales * temperature * half_range,
                                self.low, self.high),
            reinterpreted_batch_ndims=1))
    return tfd.Independent(pixels, reinterpreted_batch_ndims=2)

  def log_prob(self, params, values):
    """`log p(values)` of images `[batch, H, W, C]` given the network's
    `params` at every pixel (as `tfd.PixelCNN._log_prob`), `[batch]`."""
    component_logits, locs, scales = params[:3]
    if self.num_channels > 1:
      locs = locs + self._channel_shift(params[3], self.scaled(values))
    return self.distribution(component_logits, locs, scales).log_prob(values)

  def per_channel_log_prob(self, params, values):
    """Each channel's chain-rule term of `log_prob`, `[batch, H, W, C]`.

    The term of channel `c` is `log p(x_0..x_c) - log p(x_0..x_{c-1})`,
    where `log p(x_0..x_c) = logsumexp_k [log pi_k +
    sum_{c' <= c} log p_{c'}(x_{c'} | k, x_{<c'})]`: the channels share the
    pixel's components, so a channel's term is its conditional given the
    earlier ones, with the components' posterior given them. Tempered as
    `log_prob`; the terms of a pixel sum to its `log_prob`.

    Args:
      params: the network's outputs at every pixel, as in `log_prob`.
      values: images `[batch, H, W, C]` in `[low, high]`.
    """
    temperature = tf.cast(tf.convert_to_tensor(self.temperature), self.dtype)
    component_logits, locs, scales = params[:3]
    values = tf.cast(values, self.dtype)
    if self.num_channels > 1:
      locs = locs + self._channel_shift(params[3], self.scaled(values))
    half_range = 0.5 * (self.high - self.low)
    # [batch, H, W, M, C]: each channel's log-probability in each component.
    channel_log_probs = _quantized_logistic(
        self.low + half_range * (locs + 1.), scales * temperature * half_range,
        self.low, self.high).log_prob(values[..., tf.newaxis, :])
    log_weights = tf.nn.log_softmax(component_logits / temperature, axis=-1)
    # [batch, H, W, C]: log p(x_0..x_c) for every c.
    joint = tf.reduce_logsumexp(
        log_weights[..., tf.newaxis] +
        tf.math.cumsum(channel_log_probs, axis=-1), axis=-2)
    return tf.concat([joint[..., :1], joint[..., 1:] - joint[..., :-1]],
                     axis=-1)

  def _channel_shift(self, coeffs, scaled):
    """`sum_{j < c} coeffs[c, j] * scaled[j]` for every channel `c`,
    `[..., M, C]`."""
    shifts, index = [], 0
    for c in range(self.num_channels):
      shift = tf.zeros_like(coeffs[..., 0])
      for j in range(c):
        shift += scaled[..., j:j + 1] * coeffs[..., index]
        index += 1
      shifts.append(shift)
    return tf.stack(shifts, axis=-1)

  def draw_pixel(self, params, noise, known, known_mask):
    """Draws one pixel from its network outputs by inverting CDFs.

    Channel `c` is drawn from its conditional given the channels before it:
    a mixture component from the posterior given those channels (the prior
    `component_logits / T` for the first), then the quantized logistic of
    that component. Channels in `known_mask` keep their `known` value.

    Args:
      params: the network outputs at the pixel: `component_logits` `[n, M]`,
        `locs` and `scales` `[n, M, C]` and, for several channels, `coeffs`
        `[n, M, C * (C - 1) / 2]`.
      noise: `[n, 2 * C]` uniforms in `[0, 1)`: component, then value, for
        each channel.
      known: `[n, C]` values in `[low, high]`.
      known_mask: bool `[n, C]`.

    Returns:
      pixel: `[n, C]` values in `[low, high]`.
    """
    temperature = tf.cast(tf.convert_to_tensor(self.temperature), self.dtype)
    component_logits, locs, scales = params[:3]
    coeffs = params[3] if self.num_channels > 1 else None
    half_range = 0.5 * (self.high - self.low)
    log_posterior = component_logits / temperature
    values, scaled_values = [], []
    coef_index = 0
    for c in range(self.num_channels):
      loc = locs[..., c]
      for scaled in scaled_values:
        loc += scaled[:, tf.newaxis] * coeffs[..., coef_index]
        coef_index += 1
      loc = self.low + half_range * (loc + 1.)
      scale = scales[..., c] * half_range * temperature
      component = inverse_cdf.categorical_from_uniform(log_posterior,
                                                       noise[:, 2 * c])
      pick = tf.one_hot(component, self.num_mix, dtype=self.dtype)
      uniform = noise[:, 2 * c + 1]
      draw = (tf.reduce_sum(loc * pick, -1) + tf.reduce_sum(scale * pick, -1) *
              (tf.math.log(uniform) - tf.math.log1p(-uniform)))
      # Logistic shifted by -1/2, then quantized to the integer above it, as
      # in `distribution`.
      value = tf.clip_by_value(tf.math.ceil(draw - 0.5), self.low, self.high)
      value = tf.where(known_mask[:, c], tf.cast(known[:, c], self.dtype),
                       value)
      values.append(value)
      scaled_values.append(self.scaled(value))
      if c < self.num_channels - 1:
        log_posterior += _quantized_logistic(
            loc, scale, self.low, self.high).log_prob(value[:, tf.newaxis])
    return tf.stack(values, axis=-1)


def _quantized_logistic(loc, scale, low, high):
  """A logistic shifted by -1/2 and quantized to the integers of
  `[low, high]`, in pixel units (`tfd.PixelCNN`'s component)."""
  return tfd.QuantizedDistribution(
      distribution=tfd.TransformedDistribution(
          distribution=tfd.Logistic(loc=loc, scale=scale),
          bijector=tfp.bijectors.Shift(tf.cast(-0.5, loc.dtype))),
      low=low, high=high)
