"""Everything we read or change inside TFP's PixelCNN++ network.

`tfd.PixelCNN` builds a private Keras network (`_PixelCNNNetwork` in
`tensorflow_probability/python/distributions/pixel_cnn.py`). This module is the
one place that reaches into it: it masks its kernels in the forward pass (so
the distribution is causal from construction on), lists its weighted layers in
creation order with their folded kernels (for the sampler's layer graph), and
reads its configuration and weight-norm state. Nothing else in the package
touches the network's private attributes.
"""

import collections
import re

import tensorflow as tf
from tensorflow_probability.python.layers import weight_norm

from tfp_pixel.networks import masks

__all__ = [
    'NetworkConfig',
    'folded_kernel',
    'mask_kernels_in_forward',
    'network_config',
    'weight_norm_initialized',
    'weighted_layers',
]

NetworkConfig = collections.namedtuple(
    'NetworkConfig', ['num_resnet', 'num_hierarchies', 'resnet_activation'])


def network_config(network):
  """The `NetworkConfig` the stock network was built with."""
  return NetworkConfig(
      num_resnet=network._num_resnet,  # pylint: disable=protected-access
      num_hierarchies=network._num_hierarchies,  # pylint: disable=protected-access
      resnet_activation=network._resnet_activation)  # pylint: disable=protected-access


def weight_norm_initialized(network):
  """Whether weight norm has initialized itself: a Python `bool`, also while
  a `tf.function` is traced (read then: the flags only ever turn `True`), or
  `None` inside a TF1 graph; `True` without weight norm."""
  flags = [layer.initialized for layer in _layers(network)
           if hasattr(layer, 'initialized')]
  if not flags:
    return True
  with tf.init_scope():
    if tf.executing_eagerly():
      return all(bool(flag) for flag in flags)
  return None


def weighted_layers(network):
  """The network's layers with kernels, in the order it created them."""
  found = []
  for layer in _layers(network):
    kernel = layer.v if isinstance(layer, weight_norm.WeightNorm) else getattr(
        layer, 'kernel', None)
    if isinstance(kernel, tf.Variable):
      found.append((_creation_index(kernel), layer))
  return [layer for _, layer in sorted(found, key=lambda pair: pair[0])]


def folded_kernel(layer, dtype):
  """Kernel (weight norm and causal mask applied), bias and spatial mask.

  As in the forward pass (`mask_kernels_in_forward`), weight norm normalizes
  the masked `v`.

  Args:
    layer: a layer of `weighted_layers`.
    dtype: float `tf.DType` of the network.

  Returns:
    kernel: `[kh, kw, in, out]` `Tensor` (dense layers get `1, 1` leading).
    bias: `[out]` `Tensor`.
    mask: the spatial mask `np.ndarray` `[kh, kw, 1, 1]`, or `None`.
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


def mask_kernels_in_forward(network):
  """Multiplies every constrained kernel of `network` by its mask on each call.

  The stock network encodes each causal mask only as a `kernel_constraint`
  (see `masks.constraint_mask`). With weight norm the kernel is
  `g * v / ||v||`, recomputed on every call; here `v` is masked before it is
  normalized, so the norm counts only the weights the mask lets through.
  Otherwise data-dependent initialization scales `g` for the norm of the
  unmasked `v`, and the optimizer's first application of the constraint
  shrinks `||v||`, blowing up every layer's output by the ratio.
  """
  for layer in _layers(network):
    if isinstance(layer, weight_norm.WeightNorm):
      layer.call = _weight_norm_call(layer)
      mask = masks.constraint_mask(layer.layer, layer.v.shape)
      if mask is not None:
        _mask_weight_norm(layer, tf.constant(mask, layer.v.dtype))
      continue
    kernel = getattr(layer, 'kernel', None)
    mask = None if kernel is None else masks.constraint_mask(layer,
                                                             kernel.shape)
    if mask is not None:
      _mask_layer_call(layer, tf.constant(mask, kernel.dtype))


def _layers(network):
  return network._network.layers  # pylint: disable=protected-access


def _creation_index(variable):
  return int(re.search(r'(\d+)$', variable._unique_id).group(1))  # pylint: disable=protected-access


def _weight_norm_call(layer):
  """`WeightNorm.call` of `layer` as plain ops, inlined into the caller.

  The stock `call` is a `tf.function` that was traced while Keras built the
  network; calling that trace from an XLA-compiled step makes every variable a
  compile-time constant, so each update recompiles the step. (A fresh
  `tf.function` per layer avoids that, but TensorFlow then warns about
  retracing, every layer's trace counting against the same code.)
  """
  def call(inputs):
    def initialize():
      if layer.data_init:
        layer._data_dep_init(inputs)  # pylint: disable=protected-access
      else:
        layer._init_norm()  # pylint: disable=protected-access
      layer.initialized.assign(True)
      return tf.constant(True)

    tf.cond(layer.initialized, lambda: tf.constant(True), initialize)
    layer._compute_weights()  # pylint: disable=protected-access
    return layer.layer(inputs)

  return call


def _mask_weight_norm(layer, mask):
  """Makes `layer` (a `WeightNorm`) compute its kernel from the masked `v`."""
  def compute_masked_weights():
    # `WeightNorm._compute_weights`, with `v` masked first.
    new_axis = -layer.filter_axis - 3
    layer.layer.kernel = tf.nn.l2_normalize(
        layer.v * mask, axis=layer.kernel_norm_axes) * tf.expand_dims(
            layer.g, new_axis)

  layer._compute_weights = compute_masked_weights  # pylint: disable=protected-access


def _mask_layer_call(layer, mask):
  call = layer.call

  def masked_call(inputs, *args, **kwargs):
    kernel = layer.kernel
    # Bypasses Keras attribute tracking: the variable's checkpoint dependency
    # stays registered under `kernel`, and is put back below.
    object.__setattr__(layer, 'kernel', kernel * mask)
    try:
      return call(inputs, *args, **kwargs)
    finally:
      object.__setattr__(layer, 'kernel', kernel)

  layer.call = masked_call

