"""The fast exact sampler of `tfp_pixel.CategoricalPixelCNN`."""

import tensorflow as tf

from tfp_pixel.networks import gated_network
from tfp_pixel.networks import masked_network
from tfp_pixel.sampling import gated_graph
from tfp_pixel.sampling import inverse_cdf
from tfp_pixel.sampling import masked_graph
from tfp_pixel.sampling import pixel_cached_sampler

__all__ = ['CategoricalPixels', 'CategoricalSampler', 'network_graph']


class CategoricalPixels:
  """What every sampler of a categorical model (`CategoricalImage`) shares:
  int32 levels, one uniform per channel, and the draw from untempered logits.

  Mixed into a `PixelSampler` (listed before it) that sets `self._dist`.
  """

  @property
  def image_shape(self):
    return self._dist.image_shape

  @property
  def dtype(self):
    return tf.int32

  @property
  def noise_size(self):
    return self._dist.image_shape[-1]

  @property
  def noise_dtype(self):
    return self._dist.float_dtype

  @property
  def fill_value(self):
    return 0

  def draw_levels(self, logits, noise, known, known_mask):
    """Levels `[..., C]` from logits `[..., C, num_levels]` at the model's
    temperature (see `inverse_cdf.draw_levels`)."""
    return inverse_cdf.draw_levels(logits, self._dist.temperature, noise,
                                   known, known_mask)


class CategoricalSampler(CategoricalPixels,
                         pixel_cached_sampler.PixelCachedSampler):
  """Draws levels from incrementally evaluated logits.

  After each pixel is written, a `PixelCache` computes about one position of
  every layer: the ones the next pixel's logits need. A label's per-layer bias
  is the same at every pixel, so it joins each layer's bias; a map's differs
  by pixel, and is read at the positions computed (a `layer_graph.Constant`).
  """

  def __init__(self, dist, conditional_input=None):
    """Reads the weights of `dist`'s network.

    Args:
      dist: a `tfp_pixel.CategoricalPixelCNN`, plain or gated.
      conditional_input: float one-hot `[batch, num_classes]` `Tensor` for a
        class-conditional model, float maps `[batch, H, W, features]` for a
        map-conditional one (one per image drawn), else `None`.
    """
    self._dist = dist
    super().__init__(network_graph(dist.network, conditional_input),
                     dist.network_inputs)

  def draw_pixel(self, outputs, noise, known, known_mask):
    logits = tf.reshape(outputs, tf.concat(
        [tf.shape(known), [self._dist.num_levels]], 0))
    return self.draw_levels(logits, noise, known, known_mask)


def network_graph(network, conditional_input=None):
  """The `LayerGraph` of a plain or gated categorical network.

  Args:
    network: a `MaskedPixelCNNNetwork` or `GatedPixelCNNNetwork`.
    conditional_input: float one-hot `[batch, num_classes]`, float maps
      `[batch, H, W, features]`, or `None`.

  Returns:
    graph: a `layer_graph.LayerGraph` computing `network`'s logits.
  """
  return _GRAPHS[type(network)](network, conditional_input)


_GRAPHS = {masked_network.MaskedPixelCNNNetwork: masked_graph.masked_graph,
           gated_network.GatedPixelCNNNetwork: gated_graph.gated_graph}
