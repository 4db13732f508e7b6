"""Masked convolutions: the causal building blocks of our PixelCNNs."""

import numpy as np
import tensorflow as tf

from tfp_pixel.networks import masks

__all__ = ['MaskedConv2D', 'MaskedKernel']


class MaskedKernel(tf.Module):
  """A convolution kernel and bias; the kernel is multiplied by a fixed 0/1
  mask in the forward computation, so the mask holds whatever later happens to
  the variables (an optimizer step, a restored checkpoint, a hand-written
  update)."""

  def _create_variables(self, mask, dtype, support=None, init_scale=1.):
    """Creates `kernel` (masked He-uniform, times `init_scale`) and `bias`
    for `mask` `[kernel_h, kernel_w, in_features, out_features]`; `support`,
    a 0/1 array like `mask` (default `mask`), holds the entries drawn at
    random, the others start at zero."""
    self._mask = tf.constant(mask, dtype=dtype)
    out_features = mask.shape[-1]
    # He-uniform scaled to the inputs the mask lets through on average.
    fan_in = max(mask.sum() / out_features, 1.)
    limit = init_scale * np.sqrt(6. / fan_in)
    support = mask if support is None else support
    self.kernel = tf.Variable(
        tf.random.uniform(mask.shape, -limit, limit, dtype=dtype) * support,
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
               num_groups=1, mask_type='B', dtype=tf.float32, name=None,
               support=None, init_scale=1.):
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
      support: optional 0/1 `np.ndarray` `[kernel_h, kernel_w, in_features,
        out_features]` covering the mask, the kernel entries drawn at random
        (default: the mask's); for a subclass that also reads the kernel
        under a wider mask.
      init_scale: Python `float`, a factor on the kernel's initial values
        (below 1: a layer that starts small, such as the last of a
        residual branch).
    """
    super().__init__(name=name)
    kernel_size = tuple(int(k) for k in kernel_size)
    mask = masks.causal_mask(kernel_size, in_features, out_features,
                             num_groups, mask_type)
    self.kernel_size = kernel_size
    self.mask_type = mask_type
    self._create_variables(mask, dtype, support, init_scale)

  def __call__(self, inputs):
    """Applies the masked convolution to `[batch, height, width, in]` inputs."""
    if self.kernel_size == (1, 1):
      outputs = tf.einsum('bhwi,io->bhwo', inputs, self.masked_kernel()[0, 0])
    else:
      outputs = tf.nn.conv2d(inputs, self.masked_kernel(), strides=1,
                             padding='SAME')
    return outputs + self.bias
