"""TFP's PixelCNN++ network (`_PixelCNNNetwork`) as a `LayerGraph`.

The graph repeats the network's own construction (`_PixelCNNNetwork.build` in
`tensorflow_probability/python/distributions/pixel_cnn.py`) with its weights:
weight normalization and the causal masks are folded into plain kernels once,
dropout is the identity (inference) and the conditional input becomes one
projection vector per gated layer. Tests check that its output equals the
network's own.
"""

import re

import tensorflow as tf
from tensorflow_probability.python.internal import tf_keras
from tensorflow_probability.python.layers import weight_norm

from tfp_pixel import layer_graph
from tfp_pixel import masks

__all__ = ['mixture_graph', 'split_params']


def mixture_graph(network, image_shape, conditional_input=None):
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
  layers = _weighted_layers(network)
  graph = layer_graph.LayerGraph(image_shape)
  activation, act_features = _activation(network._resnet_activation)  # pylint: disable=protected-access
  num_resnet = network._num_resnet  # pylint: disable=protected-access
  num_hierarchies = network._num_hierarchies  # pylint: disable=protected-access
  dtype = network.dtype

  def next_layer():
    if not layers:
      raise ValueError('The network has fewer layers than its configuration.')
    return layers.pop(0)

  def conv(source, stride=1, transposed=False):
    kernel, bias, mask = _folded(next_layer(), dtype)
    return graph.conv(source, kernel, bias, stride=stride,
                      transposed=transposed, mask=mask)

  def activate(source):
    return graph.pointwise(activation, source,
                           features=act_features * graph.shapes[source][2])

  def add(a, b):
    return graph.pointwise(tf.add, a, b)

  def gate(source):
    projection = None
    if conditional_input is not None:
      layer = next_layer()
      flat = tf.reshape(tf.cast(conditional_input, dtype),
                        [tf.shape(conditional_input)[0], -1])
      projection = tf.matmul(flat, layer.kernel) + layer.bias
      projection = projection[tf.newaxis, :, tf.newaxis]
    return graph.pointwise(lambda x: _gate(x, projection), source,
                           features=graph.shapes[source][2] // 2,
                           preserves_zero=projection is None)

  def resnet_block(input_x, aux=None):
    """Conv, optional dense of `aux`, conv, gate, residual (one stack)."""
    x = conv(activate(input_x))
    if aux is not None:
      x = add(conv(activate(aux)), x)
    x = conv(activate(x))
    return add(input_x, gate(x))

  stacks = {'vertical': [conv(0)]}
  horizontal_up = conv(0)
  stacks['horizontal'] = [add(horizontal_up, conv(0))]
  for i in range(num_hierarchies):
    for _ in range(num_resnet):
      stacks['vertical'].append(resnet_block(stacks['vertical'][-1]))
      stacks['horizontal'].append(resnet_block(
          stacks['horizontal'][-1], aux=stacks['vertical'][-1]))
    if i < num_hierarchies - 1:
      for stack in ('vertical', 'horizontal'):
        stacks[stack].append(conv(stacks[stack][-1], stride=2))

  upward = {key: stack.pop() for key, stack in stacks.items()}
  for i in range(num_hierarchies):
    for _ in range(num_resnet if i == 0 else num_resnet + 1):
      upward['vertical'] = resnet_block(upward['vertical'],
                                        aux=stacks['vertical'].pop())
      symmetric = graph.pointwise(
          lambda a, b: tf.concat([a, b], axis=-1), upward['vertical'],
          stacks['horizontal'].pop(),
          features=2 * graph.shapes[upward['vertical']][2])
      upward['horizontal'] = resnet_block(upward['horizontal'], aux=symmetric)
    if i < num_hierarchies - 1:
      for stack in ('vertical', 'horizontal'):
        upward[stack] = conv(upward[stack], transposed=True)

  conv(graph.pointwise(tf.nn.elu, upward['horizontal']))
  if layers:
    raise ValueError('The network has more layers than its configuration.')
  return graph


def split_params(raw, num_mix, num_channels):
  """Splits raw outputs `[..., num_mix * outputs]` as the network does.

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


def _weighted_layers(network):
  """The network's layers with kernels, in the order it created them."""
  found = []
  for layer in network._network.layers:  # pylint: disable=protected-access
    kernel = layer.v if isinstance(layer, weight_norm.WeightNorm) else getattr(
        layer, 'kernel', None)
    if isinstance(kernel, tf.Variable):
      found.append((_creation_index(kernel), layer))
  return [layer for _, layer in sorted(found, key=lambda pair: pair[0])]


def _creation_index(variable):
  return int(re.search(r'(\d+)$', variable._unique_id).group(1))  # pylint: disable=protected-access


def _folded(layer, dtype):
  """Kernel (weight norm and causal mask applied), bias and spatial mask.

  As in `pixel_cnn._mask_weight_norm`, weight norm normalizes the masked `v`.
  """
  if isinstance(layer, weight_norm.WeightNorm):
    inner = layer.layer
    mask = masks.constraint_mask(inner, layer.v.shape)
    direction = layer.v if mask is None else layer.v * tf.constant(mask, dtype)
    kernel = tf.nn.l2_normalize(direction, axis=layer.kernel_norm_axes)
    kernel = kernel * tf.expand_dims(layer.g, -layer.filter_axis - 3)
  else:
    inner = layer
    kernel = tf.convert_to_tensor(layer.kernel)
    mask = masks.constraint_mask(inner, kernel.shape)
    if mask is not None:
      kernel = kernel * tf.constant(mask, dtype)
  if kernel.shape.rank == 2:
    kernel = kernel[tf.newaxis, tf.newaxis]
  bias = inner.bias if inner.bias is not None else tf.zeros(
      kernel.shape[-1:], dtype)
  return kernel, tf.convert_to_tensor(bias), mask
