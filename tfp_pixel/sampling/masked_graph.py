"""`MaskedPixelCNNNetwork` as a `LayerGraph`, for incremental evaluation."""

import tensorflow as tf

from tfp_pixel.sampling import layer_graph

__all__ = ['masked_graph']


def masked_graph(network, conditional_input=None):
  """A `MaskedPixelCNNNetwork` as a `LayerGraph` (same maths).

  Args:
    network: a `MaskedPixelCNNNetwork`.
    conditional_input: float one-hot `[batch, num_classes]` `Tensor` for a
      class-conditional network, float maps `[batch, H, W, features]` for a
      map-conditional one, else `None`.

  Returns:
    graph: a `layer_graph.LayerGraph` from the level inputs to logits
      `[batch, H, W, channels * num_levels]`.

  Raises:
    ValueError: if `conditional_input` does not match the network.
  """
  height, width, _ = network.image_shape
  graph = layer_graph.LayerGraph(
      (height, width, network.level_inputs.num_features))
  biases = dict(zip(map(id, network.conv_layers()),
                    network.conditioning_biases(conditional_input)))

  def conv(source, layer):
    bias = layer_graph.conditioned_bias(layer.bias, biases[id(layer)])
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
