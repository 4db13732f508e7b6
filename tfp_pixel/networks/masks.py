"""Causal kernel masks for PixelCNN convolutions (van den Oord et al., 2016)."""

import numpy as np

__all__ = ['MASK_TYPES', 'causal_mask', 'channel_groups', 'constraint_mask',
           'gate_mask']

MASK_TYPES = ('A', 'B')


def channel_groups(num_features, num_groups):
  """Assigns each of `num_features` feature maps to one of `num_groups` groups.

  Groups are contiguous blocks, so feature `f` belongs to group
  `f * num_groups // num_features`. With `num_features == num_groups` feature
  `c` is colour channel `c`, and with `num_features == num_groups * K` the `K`
  logits of channel `c` form group `c`.

  Args:
    num_features: Python `int`, the number of feature maps.
    num_groups: Python `int`, the number of colour channels of the image.

  Returns:
    groups: int `np.ndarray` of shape `[num_features]`.
  """
  return np.arange(num_features) * num_groups // num_features


def causal_mask(kernel_size, in_features, out_features, num_groups=1,
                mask_type='B'):
  """Builds the 0/1 mask of a causal convolution kernel.

  The mask for a 5x5 kernel, `x` marking the pixel being predicted:

  ```none
    1 1 1 1 1
    1 1 1 1 1
    1 1 x 0 0
    0 0 0 0 0
    0 0 0 0 0
  ```

  Every pixel above, and to the left in the same row, is visible. At the centre
  (`x`) the colour channels are ordered (R, then G, then B): an output feature
  of group `g` sees input features of groups `< g` under mask type `'A'` (the
  first layer, which must not see the pixel it predicts) and `<= g` under mask
  type `'B'` (every later layer, whose inputs already exclude it).

  Args:
    kernel_size: pair of odd Python `int`s, `(height, width)` of the kernel.
    in_features: Python `int`, the number of input feature maps.
    out_features: Python `int`, the number of output feature maps.
    num_groups: Python `int`, the number of colour channels of the image.
    mask_type: `'A'` or `'B'`.

  Returns:
    mask: float32 `np.ndarray` of shape
      `[height, width, in_features, out_features]`.

  Raises:
    ValueError: if `kernel_size` is not odd or `mask_type` is unknown.
  """
  height, width = kernel_size
  if height % 2 == 0 or width % 2 == 0:
    raise ValueError(
        '`kernel_size` must be odd in both dimensions, got {}.'.format(
            kernel_size))
  if mask_type not in MASK_TYPES:
    raise ValueError(
        '`mask_type` must be one of {}, got {!r}.'.format(MASK_TYPES, mask_type))
  mask = np.zeros([height, width, in_features, out_features], np.float32)
  center_row, center_col = height // 2, width // 2
  mask[:center_row] = 1.
  mask[center_row, :center_col] = 1.
  in_groups = channel_groups(in_features, num_groups)[:, np.newaxis]
  out_groups = channel_groups(out_features, num_groups)[np.newaxis, :]
  if mask_type == 'A':
    center = in_groups < out_groups
  else:
    center = in_groups <= out_groups
  mask[center_row, center_col] = center.astype(np.float32)
  return mask


def gate_mask(kernel_size, in_features, units, num_gates, num_groups=1,
              mask_type='B'):
  """`causal_mask` of a convolution whose outputs are `num_gates` gates.

  The `num_gates * units` outputs are the gates one after the other
  (`[gate_0 | gate_1 | ...]`, `units` features each), and feature `f` of
  every gate belongs to the channel group of feature `f` of the `units` the
  gates compute, so that the gates of a red unit see only what a red feature
  may see.

  Args:
    kernel_size: pair of odd Python `int`s, `(height, width)` of the kernel.
    in_features: Python `int`, the number of input feature maps.
    units: Python `int`, the features of one gate.
    num_gates: Python `int`, the number of gates.
    num_groups: Python `int`, the number of colour channels of the image.
    mask_type: `'A'` or `'B'`.

  Returns:
    mask: float32 `np.ndarray` of shape
      `[height, width, in_features, num_gates * units]`.
  """
  mask = causal_mask(kernel_size, in_features, units, num_groups, mask_type)
  return np.concatenate([mask] * num_gates, axis=-1)


def constraint_mask(layer, kernel_shape):
  """The spatial mask a Keras layer's `kernel_constraint` multiplies by.

  Stock `tfd.PixelCNN` encodes each causal mask only as a constraint
  `lambda x: x * mask`; applying it to ones recovers the mask.

  Args:
    layer: a Keras layer (for weight norm, the wrapped layer).
    kernel_shape: the shape of its 4-D convolution kernel.

  Returns:
    mask: float `np.ndarray` `[kernel_h, kernel_w, 1, 1]`, or `None` when the
      layer has no constraint or its kernel is not a convolution kernel.
  """
  constraint = getattr(layer, 'kernel_constraint', None)
  if constraint is None or len(kernel_shape) != 4:
    return None
  return np.asarray(constraint(np.ones(list(kernel_shape[:2]) + [1, 1])))
