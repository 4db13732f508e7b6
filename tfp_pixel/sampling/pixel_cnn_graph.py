"""TFP's PixelCNN++ network (`_PixelCNNNetwork`) as a `LayerGraph`.

The graph repeats the network's own construction (`_PixelCNNNetwork.build` in
`tensorflow_probability/python/distributions/pixel_cnn.py`) with its weights:
weight normalization and the causal masks are folded into plain kernels once,
dropout is the identity (inference) and the conditional input becomes one
projection vector per gated layer. Tests check that its output equals the
network's own.
"""

import tensorflow as tf
from tensorflow_probability.python.internal import tf_keras

from tfp_pixel.networks import stock_pixel_cnn
from tfp_pixel.sampling import layer_graph

__all__ = ['pixel_cnn_graph']


def pixel_cnn_graph(network, image_shape, conditional_input=None):
  """Builds the graph of a built `_PixelCNNNetwork` in inference mode.

  Args:
    network: the `network` of a `tfd.PixelCNN`, built and initialized.
    image_shape: `(height, width, channels)`.
    conditional_input: `[batch, *conditional_shape]` `Tensor` when the
      network is conditional, else `None`.

  Returns:
    graph: a `layer_graph.LayerGraph` from network inputs in `[-1, 1]` to the
      raw output `[batch, H, W, num_mix * outputs_per_mix]`.

  Raises:
    ValueError: if the network's layers do not match its configuration.
  """
  builder = _GraphBuilder(network, image_shape, conditional_input)
  stacks = builder.downward_pass()
  horizontal = builder.upward_pass(stacks)
  builder.conv(builder.graph.pointwise(tf.nn.elu, horizontal))
  return builder.finish()


class _GraphBuilder:
  """Adds the network's layers to a `LayerGraph` in the order it made them."""

  def __init__(self, network, image_shape, conditional_input):
    self.graph = layer_graph.LayerGraph(image_shape)
    self._layers = stock_pixel_cnn.weighted_layers(network)
    self._config = stock_pixel_cnn.network_config(network)
    self._activation, self._activation_features = _activation(
        self._config.resnet_activation)
    self._dtype = network.dtype
    self._conditional_input = conditional_input

  def downward_pass(self):
    """The vertical and horizontal stacks, down to the coarsest resolution.

    Returns:
      stacks: `dict` from `'vertical'`/`'horizontal'` to the list of node
        indices of each block's output (the skip connections).
    """
    config = self._config
    stacks = {'vertical': [self.conv(0)]}
    horizontal_up = self.conv(0)
    stacks['horizontal'] = [self._add(horizontal_up, self.conv(0))]
    for i in range(config.num_hierarchies):
      for _ in range(config.num_resnet):
        stacks['vertical'].append(self._resnet_block(stacks['vertical'][-1]))
        stacks['horizontal'].append(self._resnet_block(
            stacks['horizontal'][-1], aux=stacks['vertical'][-1]))
      if i < config.num_hierarchies - 1:
        for stack in ('vertical', 'horizontal'):
          stacks[stack].append(self.conv(stacks[stack][-1], stride=2))
    return stacks

  def upward_pass(self, stacks):
    """Back up to full resolution, consuming the skip connections.

    Returns:
      horizontal: the node index of the horizontal stack's final output.
    """
    config = self._config
    upward = {key: stack.pop() for key, stack in stacks.items()}
    for i in range(config.num_hierarchies):
      for _ in range(config.num_resnet + (i > 0)):
        upward['vertical'] = self._resnet_block(upward['vertical'],
                                                aux=stacks['vertical'].pop())
        symmetric = self.graph.pointwise(
            lambda a, b: tf.concat([a, b], axis=-1), upward['vertical'],
            stacks['horizontal'].pop(),
            features=2 * self.graph.shapes[upward['vertical']][2])
        upward['horizontal'] = self._resnet_block(upward['horizontal'],
                                                  aux=symmetric)
      if i < config.num_hierarchies - 1:
        for stack in ('vertical', 'horizontal'):
          upward[stack] = self.conv(upward[stack], transposed=True)
    return upward['horizontal']

  def conv(self, source, stride=1, transposed=False):
    kernel, bias, mask = stock_pixel_cnn.folded_kernel(self._next_layer(),
                                                       self._dtype)
    return self.graph.conv(source, kernel, bias, stride=stride,
                           transposed=transposed, mask=mask)

  def finish(self):
    if self._layers:
      raise ValueError('The network has more layers than its configuration.')
    return self.graph

  def _next_layer(self):
    if not self._layers:
      raise ValueError('The network has fewer layers than its configuration.')
    return self._layers.pop(0)

  def _activate(self, source):
    return self.graph.pointwise(
        self._activation, source,
        features=self._activation_features * self.graph.shapes[source][2])

  def _add(self, a, b):
    return self.graph.pointwise(tf.add, a, b)

  def _gate(self, source):
    projection = None
    if self._conditional_input is not None:
      layer = self._next_layer()
      flat = tf.reshape(tf.cast(self._conditional_input, self._dtype),
                        [tf.shape(self._conditional_input)[0], -1])
      projection = tf.matmul(flat, layer.kernel) + layer.bias
    return self.graph.pointwise(lambda x: _gate(x, projection), source,
                                features=self.graph.shapes[source][2] // 2,
                                preserves_zero=projection is None)

  def _resnet_block(self, input_x, aux=None):
    """Conv, optional dense of `aux`, conv, gate, residual (one stack)."""
    x = self.conv(self._activate(input_x))
    if aux is not None:
      x = self._add(self.conv(self._activate(aux)), x)
    x = self.conv(self._activate(x))
    return self._add(input_x, self._gate(x))


def _gate(x, projection):
  if projection is not None:
    x = x + projection
  value, gate = tf.split(x, 2, axis=-1)
  return tf.sigmoid(gate) * value


def _activation(name):
  """The resnet activation and how many features it makes of each input."""
  if name == 'concat_elu':
    return (lambda x: tf.nn.elu(tf.concat([x, -x], axis=-1))), 2
  return tf_keras.activations.get(name), 1
