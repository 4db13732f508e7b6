"""A network as a list of plain layers, evaluated whole or a few positions at a time.

Fast sampling evaluates a network incrementally (`pixel_cache.PixelCache`). To
do so it describes the network as a `LayerGraph`: nodes in topological order,
each a convolution (plain, strided or transposed, its kernel trimmed to the
rows and columns its causal mask lets through), a pointwise function of
earlier nodes, or a constant known before any pixel is drawn (a map's
conditioning bias at every position).

Activations are kept positions first, `[H, W, batch, F]`: the activations at
`k` positions are then `[k, batch, F]`, and a per-image bias `[batch, F]` (a
class label's) broadcasts against both. A per-position bias (a map's) is a
`Constant` node that the layer's output adds, so that it is read at the
positions computed like any activation. A convolution knows its taps, the
kernel positions its mask lets through: which input position each output
position reads through each tap (`tap_sources`, the structure the sampler's
schedule is computed from) and its kernel as one matrix over the taps
(`matmul_kernel`), so that its outputs at `k` positions are one matrix product
of their gathered inputs.
"""

import numpy as np
import tensorflow as tf

__all__ = ['Constant', 'Conv', 'LayerGraph', 'Pointwise', 'TransposedConv',
           'conditioned_bias']


class Conv:
  """`out[x, y] = bias + sum_{(k, j) in taps} in[x*s + row_offset + k,
  y*s + col_offset + j] @ kernel[k, j]`, zeros outside the input (a 'same'
  convolution re-indexed)."""

  def __init__(self, source, kernel, bias, stride, row_offset, col_offset,
               shape, taps):
    """Stores the layer.

    Args:
      source: index of the input node.
      kernel: `[kh, kw, in, out]` `Tensor`, the mask applied.
      bias: `[out]` or per-image `[batch, out]` `Tensor`.
      stride: Python `int`.
      row_offset, col_offset: Python `int`s, input row and column of the
        kernel's first tap for output position `(0, 0)`.
      shape: `(rows, cols, out)` of the output.
      taps: bool `np.ndarray` `[kh, kw]`, the taps the mask lets through.
    """
    self.inputs = (source,)
    self.kernel, self.bias = kernel, bias
    self.stride = stride
    self.row_offset, self.col_offset = row_offset, col_offset
    self.shape = tuple(shape)
    self.taps = np.asarray(taps, bool)

  def evaluate(self, inputs):
    """The whole output `[rows, cols, batch, out]` from the input's whole
    positions-first activations."""
    values, = inputs
    rows, cols, _ = self.shape
    kernel_rows, kernel_cols = self.taps.shape
    images = tf.transpose(values, [2, 0, 1, 3])
    images = _window(images, 1, self.row_offset,
                     (rows - 1) * self.stride + kernel_rows)
    images = _window(images, 2, self.col_offset,
                     (cols - 1) * self.stride + kernel_cols)
    outputs = tf.nn.conv2d(images, self.kernel, strides=self.stride,
                           padding='VALID')
    return tf.transpose(outputs, [1, 2, 0, 3]) + self.bias

  def tap_sources(self, in_shape):
    """Flat input position (`row * in_cols + col`) each output position reads
    through each tap, `-1` outside the input: int `[rows, cols, taps]`."""
    rows, cols, _ = self.shape
    in_rows, in_cols = in_shape[:2]
    tap_rows, tap_cols = np.nonzero(self.taps)
    x = np.arange(rows)[:, None, None] * self.stride + self.row_offset
    y = np.arange(cols)[None, :, None] * self.stride + self.col_offset
    return _flat_index(x + tap_rows, y + tap_cols, in_rows, in_cols)

  def matmul_kernel(self):
    """The kernel at the taps, `[taps * in, out]`, rows in `tap_sources`
    order."""
    taps = self.kernel.shape[2] * np.count_nonzero(self.taps)
    return tf.reshape(tf.gather_nd(self.kernel, np.argwhere(self.taps)),
                      [taps, -1])


class TransposedConv:
  """Stride-2 transposed convolution:
  `out[t, u] = bias + sum in[y, v] @ kernel[k, j]^T` over the taps with
  `t == 2*y + row_offset + k` and `u == 2*v + col_offset + j`."""

  def __init__(self, source, kernel, bias, row_offset, col_offset, shape,
               taps):
    """Stores the layer; as `Conv`, but `kernel` is `[kh, kw, out, in]`."""
    self.inputs = (source,)
    self.kernel, self.bias = kernel, bias
    self.stride = 2
    self.row_offset, self.col_offset = row_offset, col_offset
    self.shape = tuple(shape)
    self.taps = np.asarray(taps, bool)

  def evaluate(self, inputs):
    values, = inputs
    rows, cols, features = self.shape
    in_rows, in_cols = values.shape[0], values.shape[1]
    kernel_rows, kernel_cols = self.taps.shape
    images = tf.transpose(values, [2, 0, 1, 3])
    full_shape = tf.stack([tf.shape(images)[0],
                           2 * (in_rows - 1) + kernel_rows,
                           2 * (in_cols - 1) + kernel_cols, features])
    # `full[2*y + k] = sum in[y] @ kernel[k]^T`, so `out[t] = full[t -
    # row_offset]`.
    full = tf.nn.conv2d_transpose(images, self.kernel, full_shape, strides=2,
                                  padding='VALID')
    full = _window(full, 1, -self.row_offset, rows)
    full = _window(full, 2, -self.col_offset, cols)
    return tf.transpose(full, [1, 2, 0, 3]) + self.bias

  def tap_sources(self, in_shape):
    rows, cols, _ = self.shape
    in_rows, in_cols = in_shape[:2]
    tap_rows, tap_cols = np.nonzero(self.taps)
    x = np.arange(rows)[:, None, None] - self.row_offset - tap_rows
    y = np.arange(cols)[None, :, None] - self.col_offset - tap_cols
    sources = _flat_index(x // 2, y // 2, in_rows, in_cols)
    # Only even offsets meet an input position; odd ones meet the zeros
    # between them.
    return np.where((x % 2 == 0) & (y % 2 == 0), sources, -1)

  def matmul_kernel(self):
    taps = self.kernel.shape[3] * np.count_nonzero(self.taps)
    kernel = tf.gather_nd(self.kernel, np.argwhere(self.taps))
    return tf.reshape(tf.transpose(kernel, [0, 2, 1]), [taps, -1])


class Pointwise:
  """`fn(*inputs)` applied position by position (`[..., batch, F]` inputs);
  `preserves_zero` says that zero inputs give zero outputs."""

  def __init__(self, fn, inputs, shape, preserves_zero=True):
    self.fn = fn
    self.inputs = tuple(inputs)
    self.shape = tuple(shape)
    self.preserves_zero = preserves_zero

  def evaluate(self, inputs):
    return self.fn(*inputs)


class Constant:
  """Values known before any pixel is drawn, `[rows, cols, batch, F]`
  positions first (a map's conditioning bias): a node that reads nothing."""

  def __init__(self, values):
    self.inputs = ()
    self.values = values
    self.shape = tuple(values.shape[:2]) + (values.shape[-1],)

  def evaluate(self, inputs):
    del inputs
    return self.values


class LayerGraph:
  """Nodes in topological order; node 0 is the network input.

  Attributes:
    nodes: list of `Conv`, `TransposedConv`, `Pointwise`, `Constant`; index 0
      is `None` (the input).
    shapes: list of `(height, width, features)` per node.
    output: index of the output node.
  """

  def __init__(self, input_shape):
    self.nodes = [None]
    self.shapes = [tuple(input_shape)]
    self.output = 0

  def add(self, node):
    """Appends `node` and returns its index."""
    self.nodes.append(node)
    self.shapes.append(tuple(node.shape))
    self.output = len(self.nodes) - 1
    return self.output

  def conv(self, source, kernel, bias, stride=1, transposed=False,
           mask=None):
    """Appends a 'same' (`transposed`: stride-2 transposed) convolution.

    Args:
      source: index of the input node.
      kernel: masked kernel, `[kh, kw, in, out]` (transposed: `[kh, kw, out,
        in]`).
      bias: `[out]`, per image `[batch, out]`, or per position
        `[batch, rows, cols, out]` (see `conditioned_bias`; the sum of the
        convolution and a `Constant` of the bias is then the layer's node).
      stride: 1 or 2.
      transposed: whether it is a transposed convolution (stride 2).
      mask: `np.ndarray` that broadcasts to the kernel, zero where the kernel
        is masked; kernel rows and columns it zeroes everywhere are trimmed.

    Returns:
      index of the new node.
    """
    in_rows, in_cols, _ = self.shapes[source]
    kernel = tf.convert_to_tensor(kernel)
    kh, kw = int(kernel.shape[0]), int(kernel.shape[1])
    if transposed:
      features = int(kernel.shape[2])
      pad_top, pad_left = max(kh - 2, 0) // 2, max(kw - 2, 0) // 2
      kernel, taps, row_offset, col_offset = _trim(kernel, mask, -pad_top,
                                                   -pad_left)
      bias, position_bias = _split_bias(bias)
      return self._add_bias(self.add(TransposedConv(
          source, kernel, bias, row_offset, col_offset,
          (2 * in_rows, 2 * in_cols, features), taps)), position_bias)
    out_rows, out_cols = -(-in_rows // stride), -(-in_cols // stride)
    pad_top = max((out_rows - 1) * stride + kh - in_rows, 0) // 2
    pad_left = max((out_cols - 1) * stride + kw - in_cols, 0) // 2
    kernel, taps, row_offset, col_offset = _trim(kernel, mask, -pad_top,
                                                 -pad_left)
    bias, position_bias = _split_bias(bias)
    return self._add_bias(self.add(Conv(
        source, kernel, bias, stride, row_offset, col_offset,
        (out_rows, out_cols, int(kernel.shape[3])), taps)), position_bias)

  def shifted_conv(self, source, kernel, bias, row_offset, col_offset,
                   mask=None):
    """Appends a stride-1 convolution whose window starts at a fixed offset
    from each output position (`gated_layers.ShiftedConv2D`).

    Args:
      source: index of the input node.
      kernel: masked kernel `[kh, kw, in, out]`.
      bias: as in `conv`.
      row_offset, col_offset: Python `int`s, the window's top-left tap
        relative to the output position.
      mask: as in `conv`.

    Returns:
      index of the new node.
    """
    height, width, _ = self.shapes[source]
    kernel, taps, row_offset, col_offset = _trim(
        tf.convert_to_tensor(kernel), mask, row_offset, col_offset)
    bias, position_bias = _split_bias(bias)
    return self._add_bias(self.add(Conv(
        source, kernel, bias, 1, row_offset, col_offset,
        (height, width, int(kernel.shape[3])), taps)), position_bias)

  def dense(self, source, kernel, bias):
    """Appends a per-position dense layer (`kernel` `[in, out]`)."""
    kernel = tf.convert_to_tensor(kernel)
    return self.conv(source, kernel[tf.newaxis, tf.newaxis], bias)

  def pointwise(self, fn, *sources, features=None, preserves_zero=True):
    """Appends `fn(*sources)` (see `Pointwise`); returns its index."""
    rows, cols, in_features = self.shapes[sources[0]]
    return self.add(Pointwise(fn, sources,
                              (rows, cols, features or in_features),
                              preserves_zero))

  def constant(self, values):
    """Appends a `Constant` of `[batch, rows, cols, F]` values; returns its
    index."""
    return self.add(Constant(tf.transpose(values, [1, 2, 0, 3])))

  def _add_bias(self, index, position_bias):
    """Node `index` plus a per-position bias `[batch, rows, cols, F]` (a
    new node), or node `index` itself without one."""
    if position_bias is None:
      return index
    rows, cols, features = self.shapes[index]
    if tuple(position_bias.shape[1:]) != (rows, cols, features):
      raise ValueError('A bias of shape {} does not fit a layer of {}x{}x{} '
                       'outputs.'.format(position_bias.shape.as_list(), rows,
                                         cols, features))
    return self.pointwise(tf.add, index, self.constant(position_bias))

  def evaluate_all(self, inputs):
    """Every node's whole activations, positions first.

    Args:
      inputs: `[H, W, batch, C]` network inputs.

    Returns:
      values: list of `[rows, cols, batch, F]` `Tensor`s, one per node.
    """
    values = [inputs]
    for node in self.nodes[1:]:
      values.append(node.evaluate([values[i] for i in node.inputs]))
    return values

  def evaluate(self, inputs):
    """Runs the whole graph on `[batch, H, W, C]` inputs; returns the output
    node's `[batch, H', W', F]` activations (a reference for tests)."""
    values = self.evaluate_all(tf.transpose(inputs, [1, 2, 0, 3]))
    return tf.transpose(values[self.output], [2, 0, 1, 3])


def conditioned_bias(bias, conditioning_bias):
  """A layer's `[F]` bias plus its conditioning bias (see
  `networks.map_conditioning`), as the bias of a `LayerGraph` layer.

  Args:
    bias: the layer's `[F]` bias.
    conditioning_bias: a label's `[batch, 1, 1, F]`, a map's
      `[batch, rows, cols, F]`, or `None`.

  Returns:
    bias: `bias` without a conditioning bias; with a label's, one per-image
      `[batch, F]` bias; with a map's, the per-position
      `[batch, rows, cols, F]` bias.
  """
  if conditioning_bias is None:
    return bias
  if tuple(conditioning_bias.shape[1:3]) == (1, 1):
    return bias + conditioning_bias[:, 0, 0]
  return bias + conditioning_bias


def _split_bias(bias):
  """A layer's bias as the convolution's (`[F]` or `[batch, F]`) and a
  per-position `[batch, rows, cols, F]` one (or `None`)."""
  if len(bias.shape) != 4:
    return bias, None
  return tf.zeros(bias.shape[-1:], bias.dtype), bias


def _trim(kernel, mask, row_offset, col_offset):
  """Drops the kernel rows and columns `mask` zeroes everywhere.

  Returns:
    kernel: the trimmed kernel.
    taps: bool `[kh', kw']`, the trimmed kernel's taps `mask` lets through.
    row_offset, col_offset: the offsets moved to the trimmed kernel's first
      row and column.
  """
  shape = kernel.shape.as_list()
  if mask is None:
    support = np.ones(shape[:2], bool)
  else:
    support = np.abs(np.broadcast_to(mask, shape)).sum(axis=(2, 3)) > 0
  if not support.any():
    support[0, 0] = True  # A kernel masked whole still has a (zero) tap.
  rows = np.flatnonzero(support.any(axis=1))
  cols = np.flatnonzero(support.any(axis=0))
  row0, row1, col0, col1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
  return (kernel[row0:row1, col0:col1], support[row0:row1, col0:col1],
          row_offset + int(row0), col_offset + int(col0))


def _flat_index(rows, cols, num_rows, num_cols):
  """`rows * num_cols + cols` where both are inside, `-1` elsewhere."""
  rows, cols = np.broadcast_arrays(rows, cols)
  inside = (rows >= 0) & (rows < num_rows) & (cols >= 0) & (cols < num_cols)
  return np.where(inside, rows * num_cols + cols, -1)


def _window(values, axis, start, size):
  """`values[start:start + size]` along `axis`, zeros outside the tensor
  (`start` and `size` are Python `int`s)."""
  length = int(values.shape[axis])
  before, after = max(0, -start), max(0, start + size - length)
  if before or after:
    paddings = [[0, 0]] * values.shape.rank
    paddings[axis] = [before, after]
    values = tf.pad(values, paddings)
  begin = [0] * values.shape.rank
  begin[axis] = start + before
  sizes = [-1] * values.shape.rank
  sizes[axis] = size
  return tf.slice(values, begin, sizes)
