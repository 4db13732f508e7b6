"""The fast exact sampler of `tfp_pixel.CategoricalPixelCNN`."""

import tensorflow as tf

from tfp_pixel import gated_graph
from tfp_pixel import gated_network
from tfp_pixel import layer_graph
from tfp_pixel import quantization
from tfp_pixel import row_cache
from tfp_pixel import sampling

__all__ = ['CategoricalSampler', 'categorical_graph', 'network_graph']


class CategoricalSampler(sampling.PixelSampler):
  """Draws levels from incrementally evaluated logits.

  After each write into a row, a `RowCache` recomputes the one row of every
  layer that the row's logits need (activation caching: the masked
  convolutions have no strides, so that is all that changes). For the gated
  network (`gated_graph`) that is the horizontal stack and the head only; its
  vertical stack is computed once per row. A label's per-layer bias is the
  same at every pixel, so it joins each layer's bias.
  """

  def __init__(self, dist, conditional_input=None):
    """Reads the weights of `dist`'s network.

    Args:
      dist: a `tfp_pixel.CategoricalPixelCNN`, plain or gated.
      conditional_input: float one-hot `[batch, num_classes]` `Tensor` for a
        conditional model, one row per image drawn, else `None`.
    """
    self._dist = dist
    self._cache = row_cache.RowCache(
        network_graph(dist.network, conditional_input))

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


def network_graph(network, conditional_input=None):
  """The `LayerGraph` of a plain or gated categorical network.

  Args:
    network: a `CategoricalPixelCNNNetwork` or `GatedPixelCNNNetwork`.
    conditional_input: float one-hot `[batch, num_classes]`, or `None`.

  Returns:
    graph: a `layer_graph.LayerGraph` computing `network`'s logits.
  """
  if isinstance(network, gated_network.GatedPixelCNNNetwork):
    return gated_graph.gated_graph(network, conditional_input)
  return categorical_graph(network, conditional_input)


def categorical_graph(network, conditional_input=None):
  """A `CategoricalPixelCNNNetwork` as a `LayerGraph` (same maths).

  Args:
    network: a `CategoricalPixelCNNNetwork`.
    conditional_input: float one-hot `[batch, num_classes]` `Tensor` for a
      conditional network, else `None`.

  Returns:
    graph: a `layer_graph.LayerGraph` from inputs in `[-1, 1]` to logits
      `[batch, H, W, channels * num_levels]`.

  Raises:
    ValueError: if `conditional_input` does not match the network.
  """
  graph = layer_graph.LayerGraph(network.image_shape)
  label_biases = dict(zip(map(id, network.conv_layers()),
                          network.label_biases(conditional_input)))

  def conv(source, layer):
    bias = layer.bias
    label_bias = label_biases[id(layer)]
    if label_bias is not None:
      # `[batch, 1, 1, F]` to the graph's rows-first `[1, batch, 1, F]`.
      bias = tf.transpose(bias + label_bias, [1, 0, 2, 3])
    return graph.conv(source, layer.masked_kernel(), bias,
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
