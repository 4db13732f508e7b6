"""Masked convolution: the causal building block of our PixelCNNs."""

import numpy as np
import tensorflow as tf

from tfp_pixel import masks

__all__ = ['LabelProjection', 'MaskedConv2D', 'MaskedKernel', 'network_labels']


class MaskedKernel(tf.Module):
  """A convolution kernel and bias; the kernel is multiplied by a fixed 0/1
  mask in the forward computation, so the mask holds whatever later happens to
  the variables (an optimizer step, a restored checkpoint, a hand-written
  update)."""

  def _create_variables(self, mask, dtype):
    """Creates `kernel` (masked He-uniform) and `bias` for `mask`
    `[kernel_h, kernel_w, in_features, out_features]`."""
    self._mask = tf.constant(mask, dtype=dtype)
    out_features = mask.shape[-1]
    # He-uniform scaled to the inputs the mask lets through on average.
    fan_in = max(mask.sum() / out_features, 1.)
    limit = np.sqrt(6. / fan_in)
    self.kernel = tf.Variable(
        tf.random.uniform(mask.shape, -limit, limit, dtype=dtype) * mask,
        name='kernel')
    self.bias = tf.Variable(tf.zeros([out_features], dtype=dtype), name='bias')

  @property
  def mask(self):
    return self._mask

  def masked_kernel(self):
    return self.kernel * self._mask


class MaskedConv2D(MaskedKernel):
  """2-D 'same' convolution whose kernel is multiplied by a causal mask.

  The mask is applied in the forward computation, so the layer is causal from
  construction on, whatever later happens to its variables (an optimizer step,
  a restored checkpoint, a hand-written update). See `masks.causal_mask`.
  """

  def __init__(self, in_features, out_features, kernel_size=(1, 1),
               num_groups=1, mask_type='B', dtype=tf.float32, name=None):
    """Creates the layer's variables.

    Args:
      in_features: Python `int`, input feature maps.
      out_features: Python `int`, output feature maps.
      kernel_size: pair of odd Python `int`s.
      num_groups: Python `int`, colour channels of the image (see
        `masks.causal_mask`).
      mask_type: `'A'` or `'B'`.
      dtype: float `tf.DType` of the variables.
      name: Python `str` name of the module.
    """
    super().__init__(name=name)
    kernel_size = tuple(int(k) for k in kernel_size)
    mask = masks.causal_mask(kernel_size, in_features, out_features,
                             num_groups, mask_type)
    self.kernel_size = kernel_size
    self.mask_type = mask_type
    self._create_variables(mask, dtype)

  def __call__(self, inputs):
    """Applies the masked convolution to `[batch, height, width, in]` inputs."""
    if self.kernel_size == (1, 1):
      outputs = tf.einsum('bhwi,io->bhwo', inputs, self.masked_kernel()[0, 0])
    else:
      outputs = tf.nn.conv2d(inputs, self.masked_kernel(), strides=1,
                             padding='SAME')
    return outputs + self.bias


class LabelProjection(tf.Module):
  """Bias-free dense map from a one-hot label to a per-feature bias.

  A class-conditional layer adds `projection(one_hot)`, of shape
  `[batch, 1, 1, features]`, to its outputs: the same bias at every pixel, so
  it keeps the layer causal.
  """

  def __init__(self, num_classes, features, dtype=tf.float32, name=None):
    """Creates the kernel, Glorot-uniform `[num_classes, features]`.

    Args:
      num_classes: Python `int`, the length of the one-hot labels.
      features: Python `int`, the feature maps of the layer it biases.
      dtype: float `tf.DType` of the kernel.
      name: Python `str` name of the module.
    """
    super().__init__(name=name)
    limit = np.sqrt(6. / (num_classes + features))
    self.kernel = tf.Variable(
        tf.random.uniform([num_classes, features], -limit, limit, dtype=dtype),
        name='kernel')

  def __call__(self, conditional_input):
    """Maps `[batch, num_classes]` labels to `[batch, 1, 1, features]`."""
    num_classes, features = self.kernel.shape
    flat = tf.reshape(conditional_input, [-1, num_classes])
    return tf.reshape(tf.matmul(flat, self.kernel), [-1, 1, 1, features])


def network_labels(conditional_input, num_classes, dtype):
  """Checks a network's `conditional_input` against its `num_classes`.

  Args:
    conditional_input: one-hot labels `[..., num_classes]`, or `None`.
    num_classes: Python `int` of a class-conditional network, or `None`.
    dtype: float `tf.DType` of the network.

  Returns:
    labels: float `Tensor` `[..., num_classes]`, or `None` for an
      unconditional network.

  Raises:
    ValueError: if the labels are missing for a conditional network, given to
      an unconditional one, or do not end in `num_classes` values.
  """
  if num_classes is None:
    if conditional_input is not None:
      raise ValueError('The network is unconditional (built without '
                       '`num_classes`), but a `conditional_input` was given.')
    return None
  if conditional_input is None:
    raise ValueError('The network is conditional: pass a one-hot '
                     '`conditional_input` of shape [batch, {}].'.format(
                         num_classes))
  labels = tf.convert_to_tensor(conditional_input, dtype=dtype)
  if labels.shape.rank == 0 or labels.shape[-1] not in (None, num_classes):
    raise ValueError('`conditional_input` must end in {} one-hot values, got '
                     'shape {}.'.format(num_classes, labels.shape))
  return labels
