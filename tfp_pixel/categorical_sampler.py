"""The fast exact sampler of `tfp_pixel.CategoricalPixelCNN`."""

import tensorflow as tf

from tfp_pixel import layer_graph
from tfp_pixel import quantization
from tfp_pixel import row_cache
from tfp_pixel import sampling

__all__ = ['CategoricalSampler', 'categorical_graph']


class CategoricalSampler(sampling.PixelSampler):
  """Draws levels channel by channel from incrementally evaluated logits.

  After each channel is written, a `RowCache` recomputes the one row of every
  layer that the next channel's logits need (activation caching: the masked
  convolutions have no strides, so that is all that changes).
  """

  def __init__(self, dist):
    """Reads the weights of `dist`'s network.

    Args:
      dist: a `tfp_pixel.CategoricalPixelCNN`.
    """
    self._dist = dist
    self._cache = row_cache.RowCache(categorical_graph(dist.network))

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

  def draw(self, state, row, col, noise, known, known_mask):
    channels = self.image_shape[-1]
    num_levels = self._dist.num_levels
    temperature = tf.convert_to_tensor(self._dist.temperature)
    pixel = tf.unstack(known, num=channels, axis=-1)
    for c in range(channels):
      logits = tf.reshape(self._cache.output_at(state, row, col),
                          [-1, channels, num_levels])[:, c]
      level = sampling.categorical_from_uniform(logits / temperature,
                                                noise[:, c])
      pixel[c] = tf.where(known_mask[:, c], known[:, c], level)
      state = self._cache.write_pixel(
          state, row, col, self._network_inputs(tf.stack(pixel, axis=-1)))
      state = self._cache.refresh(state, row)
    return state, tf.stack(pixel, axis=-1)

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
