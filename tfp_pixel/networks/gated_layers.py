"""The layers of the gated PixelCNN (van den Oord et al., 2016).

A gated layer keeps two stacks of feature maps. The vertical stack at pixel
`(i, j)` sees every pixel of the rows above `i` (within its reach) and nothing
of row `i`; the horizontal stack sees the pixels left of `(i, j)` in row `i`,
the channels before the predicted one at `(i, j)` itself, and the vertical
stack at `(i, j)`. Together they cover every earlier pixel, with no blind spot.

Windows of a `kernel_size` 3 layer around its output position `o`:

```none
  vertical, first layer    vertical, later layers    horizontal
    V V V                    V V V                     H H
    V V V                    V V V  <- row of o        ^ column of o
    . o .
```

The first layer reads the image: its vertical window ends one row above `o`,
and its horizontal window sees the channels before the predicted one at `o`
(mask type 'A'). Later layers read the stacks' features: the vertical window
ends on the row of `o`, which the vertical features already exclude, and the
horizontal window includes `o` (mask type 'B').

#### References

[1]: Aaron van den Oord, Nal Kalchbrenner, Oriol Vinyals, Lasse Espeholt, Alex
     Graves, Koray Kavukcuoglu. Conditional Image Generation with PixelCNN
     Decoders. In _Neural Information Processing Systems_, 2016.
     https://arxiv.org/abs/1606.05328
"""

import numpy as np
import tensorflow as tf

from tfp_pixel.networks import masked_layers
from tfp_pixel.networks import masks

__all__ = ['GatedLayer', 'ShiftedConv2D', 'gate']


class ShiftedConv2D(masked_layers.MaskedKernel):
  """Convolution over a fixed window of offsets from each output position.

  ```none
  out[i, j] = bias + sum_{a, b} in[i + row_offset + a, j + col_offset + b]
                                * (kernel * mask)[a, b]
  ```

  with zeros outside the image. The mask, when given, is applied in the
  forward computation, like `masked_layers.MaskedConv2D`'s.
  """

  def __init__(self, in_features, out_features, kernel_size, row_offset,
               col_offset, mask=None, dtype=tf.float32, name=None):
    """Creates the layer's variables.

    Args:
      in_features: Python `int`, input feature maps.
      out_features: Python `int`, output feature maps.
      kernel_size: pair of Python `int`s, `(height, width)` of the window.
      row_offset: Python `int <= 0`, row of the window's top relative to the
        output's row.
      col_offset: Python `int <= 0`, column of the window's left edge.
      mask: optional 0/1 `np.ndarray`
        `[height, width, in_features, out_features]`.
      dtype: float `tf.DType` of the variables.
      name: Python `str` name of the module.

    Raises:
      ValueError: if an offset is positive.
    """
    super().__init__(name=name)
    if row_offset > 0 or col_offset > 0:
      raise ValueError('Offsets must not be positive, got ({}, {}).'.format(
          row_offset, col_offset))
    kernel_size = tuple(int(k) for k in kernel_size)
    shape = list(kernel_size) + [in_features, out_features]
    if mask is None:
      mask = np.ones(shape, np.float32)
    mask = np.asarray(mask, np.float32)
    self.kernel_size = kernel_size
    self.row_offset, self.col_offset = int(row_offset), int(col_offset)
    self._create_variables(mask, dtype)

  def __call__(self, inputs):
    """Applies the convolution to `[batch, height, width, in]` inputs."""
    height, width = inputs.shape[1], inputs.shape[2]
    kernel_rows, kernel_cols = self.kernel_size
    padded = tf.pad(inputs, [
        [0, 0],
        [-self.row_offset, max(0, kernel_rows - 1 + self.row_offset)],
        [-self.col_offset, max(0, kernel_cols - 1 + self.col_offset)],
        [0, 0]])
    outputs = tf.nn.conv2d(padded, self.masked_kernel(), strides=1,
                           padding='VALID')
    return outputs[:, :height, :width] + self.bias


class GatedLayer(tf.Module):
  """One gated layer: both stacks, the vertical-to-horizontal link and the
  horizontal residual connection.

  ```none
  v_pre = vertical(v) [+ condition_v]
  h_pre = horizontal(h) [+ condition_h] + link(v_pre)
  v_out = gate(v_pre)
  h_out = h + residual(gate(h_pre))      (first layer: gate(h_pre))
  ```

  The first layer reads the image in both stacks; see the module docstring
  for the windows. The conditioning biases (a label's or a map's, see
  `map_conditioning`) are projections of the network's condition.
  """

  def __init__(self, in_features, num_filters, kernel_size, num_groups,
               first=False, conditioning=None, dtype=tf.float32, name=None):
    """Creates the layer's variables.

    Args:
      in_features: Python `int`, feature maps of both input stacks (the
        image's channels for the first layer).
      num_filters: Python `int`, feature maps of both output stacks.
      kernel_size: odd Python `int`, width of both windows.
      num_groups: Python `int`, colour channels of the image.
      first: Python `bool`, whether the layer reads the image.
      conditioning: the network's `map_conditioning.LabelConditioning` or
        `MapConditioning`, or `None`; a conditional one gives each stack's
        pre-activation a bias projected from the condition.
      dtype: float `tf.DType` of the variables.
      name: Python `str` name of the module.
    """
    super().__init__(name=name)
    half = kernel_size // 2
    self.first = first
    self.vertical = ShiftedConv2D(
        in_features, 2 * num_filters, (half + 1, kernel_size),
        row_offset=-half - 1 if first else -half, col_offset=-half,
        dtype=dtype)
    self.horizontal = ShiftedConv2D(
        in_features, 2 * num_filters, (1, half + 1), row_offset=0,
        col_offset=-half,
        mask=masks.gate_mask((1, kernel_size), in_features, num_filters, 2,
                             num_groups, 'A' if first else 'B')[:, :half + 1],
        dtype=dtype)
    # The vertical features hold no information from the current row: the
    # link may connect every feature to every other.
    self.link = masked_layers.MaskedConv2D(2 * num_filters, 2 * num_filters,
                                    dtype=dtype)
    self.residual = None if first else masked_layers.MaskedConv2D(
        num_filters, num_filters, num_groups=num_groups, dtype=dtype)
    projections = (None if conditioning is None else
                   conditioning.projections([2 * num_filters] * 2))
    self.vertical_label, self.horizontal_label = projections or (None, None)

  def __call__(self, vertical, horizontal, condition=None, dropout_rate=0.):
    """Applies the layer.

    Args:
      vertical: `[batch, height, width, in_features]` vertical stack.
      horizontal: `[batch, height, width, in_features]` horizontal stack.
      condition: the network's condition (`conditioning.features`) when
        the layer is conditional, else `None`.
      dropout_rate: Python `float`, dropout on the residual branch.

    Returns:
      vertical, horizontal: the new stacks, `[batch, height, width,
        num_filters]` each.
    """
    vertical_pre = self.vertical(vertical)
    horizontal_pre = self.horizontal(horizontal)
    if condition is not None:
      vertical_pre += self.vertical_label(condition)
      horizontal_pre += self.horizontal_label(condition)
    horizontal_pre += self.link(vertical_pre)
    branch = gate(horizontal_pre)
    if self.residual is None:
      return gate(vertical_pre), branch
    branch = self.residual(branch)
    if dropout_rate > 0.:
      branch = tf.nn.dropout(branch, rate=dropout_rate)
    return gate(vertical_pre), horizontal + branch


def gate(features):
  """`tanh(a) * sigmoid(b)` of the two halves `[a, b]` of the last axis."""
  a, b = tf.split(features, 2, axis=-1)
  return tf.tanh(a) * tf.sigmoid(b)
