"""The fast exact sampler of `tfp_pixel.CategoricalPixelCNN`."""

import tensorflow as tf

from tfp_pixel import gated_graph
from tfp_pixel import gated_network
from tfp_pixel import layer_graph
from tfp_pixel import quantization
from tfp_pixel import row_cache
from tfp_pixel import sampling

__all__ = ['CategoricalSampler', 'categorical_graph']


class CategoricalSampler(sampling.PixelSampler):
  """Draws levels from incrementally evaluated logits.

  After each write into a row, a `RowCache` recomputes the one row of every
  layer that the row's logits need (activation caching: the masked
  convolutions have no strides, so that is all that changes). For the gated
  network (`gated_graph`) that is the horizontal stack and the head only; its
  vertical stack is computed once per row.
  """

  def __init__(self, dist):
    """Reads the weights of `dist`'s network.

    Args:
      dist: a `tfp_pixel.CategoricalPixelCNN`, plain or gated.
    """
    self._dist = dist
    if isinstance(dist.network, gated_network.GatedPixelCNNNetwork):
      graph = gated_graph.gated_graph(dist.network)
    else:
      graph = categorical_graph(dist.network)
    self._cache = row_cache.RowCache(graph)

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

  def start(self, images):
    return self._cache.start(self._network_inputs(images))

  def row_outputs(self, state, row):
    return self._cache.output_row(state, row)

  def draw_pixels(self, outputs, noise, known, known_mask):
    channels = self.image_shape[-1]
    logits = tf.reshape(outputs, tf.concat(
        [tf.shape(known), [self._dist.num_levels]], 0))
    temperature = tf.convert_to_tensor(self._dist.temperature)
    levels = sampling.categorical_from_uniform(logits / temperature,
                                               noise[..., :channels])
    return tf.where(known_mask, known, levels)

  def write_row(self, state, row, pixels):
    state = self._cache.write_row(state, row, self._network_inputs(pixels))
    return self._cache.refresh(state, row)

  def end_row(self, state, row):
    return self._cache.end_row(state, row)

  def _network_inputs(self, levels):
    return quantization.levels_to_unit_interval(
        levels, self._dist.num_levels, dtype=self._dist.float_dtype)


def categorical_graph(network):
  """A `CategoricalPixelCNNNetwork` as a `LayerGraph` (same maths).

  Args:
    network: a `CategoricalPixelCNNNetwork`.

  Returns:
    graph: a `layer_graph.LayerGraph` from inputs in `[-1, 1]` to logits
      `[batch, H, W, channels * num_levels]`.
  """
  graph = layer_graph.LayerGraph(network.image_shape)

  def conv(source, layer):
    return graph.conv(source, layer.masked_kernel(), layer.bias,
                      mask=tf.get_static_value(layer.mask))

  def relu(source):
    return graph.pointwise(tf.nn.relu, source)

  x = conv(0, network.first)
  for reduce, masked, expand in network.blocks:
    h = conv(relu(conv(relu(conv(relu(x), reduce)), masked)), expand)
    x = graph.pointwise(tf.add, x, h)
  hidden_1, hidden_2, output = network.head
  conv(relu(conv(relu(conv(relu(x), hidden_1)), hidden_2)), output)
  return graph
