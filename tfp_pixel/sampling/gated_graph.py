"""`GatedPixelCNNNetwork` as a `LayerGraph`, for incremental evaluation.

The graph repeats the network's computation node by node with its weights
(masks applied, dropout off, labels folded into the biases, a map's biases
added as constants). Tests check that its output equals the network's.
"""

import tensorflow as tf

from tfp_pixel.networks import gated_layers
from tfp_pixel.sampling import layer_graph

__all__ = ['gated_graph']


def gated_graph(network, conditional_input=None):
  """Builds the graph of a `GatedPixelCNNNetwork` in inference mode.

  Args:
    network: a `gated_network.GatedPixelCNNNetwork`.
    conditional_input: float one-hot labels `[batch, num_classes]` when the
      network has `num_classes`, float maps `[batch, H, W, features]` when
      it has `conditional_shape`, else `None`.

  Returns:
    graph: a `layer_graph.LayerGraph` from the level inputs to logits
      `[batch, H, W, channels * num_levels]`.

  Raises:
    ValueError: if `conditional_input` does not match the network.
  """
  condition = network.condition(conditional_input)
  height, width, _ = network.image_shape
  graph = layer_graph.LayerGraph(
      (height, width, network.level_inputs.num_features))

  def conv(source, layer, projection=None):
    bias = layer_graph.conditioned_bias(
        layer.bias, None if projection is None else projection(condition))
    mask = tf.get_static_value(layer.mask)
    if isinstance(layer, gated_layers.ShiftedConv2D):
      return graph.shifted_conv(source, layer.masked_kernel(), bias,
                                layer.row_offset, layer.col_offset, mask)
    return graph.conv(source, layer.masked_kernel(), bias, mask=mask)

  def gate(source):
    return graph.pointwise(gated_layers.gate, source,
                           features=graph.shapes[source][2] // 2)

  def gated_layer(layer, vertical, horizontal):
    vertical_pre = conv(vertical, layer.vertical, layer.vertical_label)
    horizontal_pre = graph.pointwise(
        tf.add, conv(horizontal, layer.horizontal, layer.horizontal_label),
        conv(vertical_pre, layer.link))
    branch = gate(horizontal_pre)
    if layer.residual is not None:
      branch = graph.pointwise(tf.add, horizontal,
                               conv(branch, layer.residual))
    return gate(vertical_pre), branch

  vertical, horizontal = gated_layer(network.first, 0, 0)
  for block in network.blocks:
    vertical, horizontal = gated_layer(block, vertical, horizontal)
  x = horizontal
  for index, layer in enumerate(network.head):
    projection = (network.head_labels[index] if condition is not None
                  else None)
    x = conv(graph.pointwise(tf.nn.relu, x), layer, projection)
  return graph
