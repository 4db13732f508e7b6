"""A network as a list of plain layers that can be evaluated a few rows at a time.

Fast sampling evaluates a network incrementally (`row_cache.RowCache`). To do
so it describes the network as a `LayerGraph`: nodes in topological order, each
a convolution (plain, strided or transposed, its kernel trimmed to the rows and
columns its causal mask lets through) or a pointwise function of earlier nodes.
Every node can compute any band of its output rows from its inputs' full
activations, which are kept in a "rows-first" layout `[rows, batch, cols, F]`
with `margin` zero rows and columns around them, so that bands need no padding,
and read through `read(first_row, count)` functions.
"""

import numpy as np
import tensorflow as tf

__all__ = ['Conv', 'LayerGraph', 'Pointwise', 'TransposedConv',
           'pad_rows_first', 'per_image_bias', 'tensor_reader']


class Conv:
  """`out[x, y] = bias + sum_{k, j} in[x*s + row_offset + k,
  y*s + col_offset + j] * kernel[k, j]` (a 'same' convolution re-indexed)."""

  def __init__(self, source, kernel, bias, stride, row_offset, col_offset,
               shape):
    self.inputs = (source,)
    self.kernel, self.bias = kernel, bias
    self.stride = stride
    self.row_offset, self.col_offset = row_offset, col_offset
    self.shape = shape
    self.kernel_rows = int(kernel.shape[0])
    self.kernel_cols = int(kernel.shape[1])

  def used_rows(self, out_rows, in_rows):
    """Boolean `[out_rows, in_rows]`: which input rows each output row reads."""
    used = np.zeros([out_rows, in_rows], bool)
    for x in range(out_rows):
      for k in range(self.kernel_rows):
        i = x * self.stride + self.row_offset + k
        if 0 <= i < in_rows:
          used[x, i] = True
    return used

  def margin_needed(self, in_rows, in_cols, band):
    rows = [s * self.stride + self.row_offset for s in
            (0, self.shape[0] - band)]
    low = min(rows)
    high = max(rows) + (band - 1) * self.stride + self.kernel_rows - in_rows
    cols_end = ((self.shape[1] - 1) * self.stride + self.kernel_cols +
                self.col_offset - in_cols)
    return max(0, -low, high, -self.col_offset, cols_end)

  def band(self, sources, start, size, margin):
    """Output rows `[start, start + size)` of the node.

    Args:
      sources: one `read(first, count)` per input, returning padded
        rows-first rows (see `tensor_reader`).
      start: int32 scalar, first output row.
      size: Python `int`, output rows.
      margin: Python `int`, zero rows and columns around the inputs.

    Returns:
      `[size, batch, cols, features]` activations (no margins).
    """
    read, = sources
    rows = (size - 1) * self.stride + self.kernel_rows
    cols = (self.shape[1] - 1) * self.stride + self.kernel_cols
    first_col = margin + self.col_offset
    window = read(margin + start * self.stride + self.row_offset,
                  rows)[:, :, first_col:first_col + cols]
    outputs = tf.nn.conv2d(tf.transpose(window, [1, 0, 2, 3]), self.kernel,
                           strides=self.stride, padding='VALID')
    return tf.transpose(outputs, [1, 0, 2, 3]) + self.bias


class TransposedConv:
  """Stride-2 transposed convolution:
  `out[t, u] = bias + sum in[y, v] * kernel[k, j]` over
  `t == 2*y + row_offset + k` and `u == 2*v + col_offset + j`."""

  def __init__(self, source, kernel, bias, row_offset, col_offset, shape):
    self.inputs = (source,)
    self.kernel, self.bias = kernel, bias
    self.stride = 2
    self.row_offset, self.col_offset = row_offset, col_offset
    self.shape = shape
    self.kernel_rows = int(kernel.shape[0])
    self.kernel_cols = int(kernel.shape[1])

  def used_rows(self, out_rows, in_rows):
    used = np.zeros([out_rows, in_rows], bool)
    for y in range(in_rows):
      for k in range(self.kernel_rows):
        t = 2 * y + self.row_offset + k
        if 0 <= t < out_rows:
          used[t, y] = True
    return used

  def _window(self, size, offset, kernel_size):
    """Input start (relative to `start / 2`), input length and output crop."""
    first = (1 - offset - kernel_size) // 2
    crop = -2 * first - offset
    length = max(-(-(crop + size - kernel_size) // 2) + 1, 1)
    return first, length, crop

  def margin_needed(self, in_rows, in_cols, band):
    first, length, _ = self._window(band, self.row_offset, self.kernel_rows)
    last_start = (self.shape[0] - band) // 2
    first_c, length_c, _ = self._window(self.shape[1], self.col_offset,
                                        self.kernel_cols)
    return max(0, -first, last_start + first + length - in_rows, -first_c,
               first_c + length_c - in_cols)

  def band(self, sources, start, size, margin):
    """Output rows `[start, start + size)`; `start` and `size` are even."""
    read, = sources
    first, length, crop = self._window(size, self.row_offset,
                                       self.kernel_rows)
    first_c, length_c, crop_c = self._window(self.shape[1], self.col_offset,
                                             self.kernel_cols)
    window = read(margin + start // 2 + first, length)
    window = window[:, :, margin + first_c:margin + first_c + length_c]
    window = tf.transpose(window, [1, 0, 2, 3])
    out_shape = tf.stack([
        tf.shape(window)[0], 2 * (length - 1) + self.kernel_rows,
        2 * (length_c - 1) + self.kernel_cols, self.shape[2]])
    outputs = tf.nn.conv2d_transpose(window, self.kernel, out_shape,
                                     strides=2, padding='VALID')
    outputs = outputs[:, crop:crop + size, crop_c:crop_c + self.shape[1]]
    return tf.transpose(outputs, [1, 0, 2, 3]) + self.bias


class Pointwise:
  """`fn(*inputs)` applied position by position to `[rows, batch, cols, F]`
  inputs; `preserves_zero` says that zero inputs give zero outputs."""

  def __init__(self, fn, inputs, shape, preserves_zero=True):
    self.fn = fn
    self.inputs = tuple(inputs)
    self.shape = shape
    self.preserves_zero = preserves_zero

  def used_rows(self, out_rows, in_rows):
    del in_rows
    return np.eye(out_rows, dtype=bool)

  def margin_needed(self, in_rows, in_cols, band):
    del in_rows, in_cols, band
    return 0

  def band(self, sources, start, size, margin):
    cols = slice(margin, margin + self.shape[1])
    return self.fn(*[read(margin + start, size)[:, :, cols]
                     for read in sources])


class LayerGraph:
  """Nodes in topological order; node 0 is the network input.

  Attributes:
    nodes: list of `Conv`, `TransposedConv`, `Pointwise`; index 0 is `None`
      (the input).
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
      bias: `[out]`.
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
    if mask is None:
      mask = np.ones([kh, kw, 1, 1])
    (row0, row1), (col0, col1) = _nonzero_span(
        np.broadcast_to(mask, kernel.shape))
    trimmed = kernel[row0:row1, col0:col1]
    if transposed:
      features = int(kernel.shape[2])
      pad_top, pad_left = max(kh - 2, 0) // 2, max(kw - 2, 0) // 2
      shape = (2 * in_rows, 2 * in_cols, features)
      return self.add(TransposedConv(source, trimmed, bias, row0 - pad_top,
                                     col0 - pad_left, shape))
    features = int(kernel.shape[3])
    out_rows, out_cols = -(-in_rows // stride), -(-in_cols // stride)
    pad_top = max((out_rows - 1) * stride + kh - in_rows, 0) // 2
    pad_left = max((out_cols - 1) * stride + kw - in_cols, 0) // 2
    return self.add(Conv(source, trimmed, bias, stride, row0 - pad_top,
                         col0 - pad_left, (out_rows, out_cols, features)))

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

  def evaluate(self, inputs):
    """Runs the whole graph on `[batch, H, W, C]` inputs; returns the output
    node's `[batch, H', W', F]` activations (a reference for tests)."""
    margin = self.margin()
    values = [pad_rows_first(tf.transpose(inputs, [1, 0, 2, 3]), margin)]
    for node in self.nodes[1:]:
      sources = [tensor_reader(values[i]) for i in node.inputs]
      out = node.band(sources, tf.constant(0), node.shape[0], margin)
      values.append(pad_rows_first(out, margin))
    out = values[self.output][margin:-margin, :, margin:-margin]
    return tf.transpose(out, [1, 0, 2, 3])

  def margin(self, bands=None):
    """Zero rows and columns kept around every activation."""
    margin = 0
    for index, node in enumerate(self.nodes[1:], start=1):
      in_rows, in_cols, _ = self.shapes[node.inputs[0]]
      sizes = [node.shape[0]] + ([bands[index]] if bands else [])
      for size in sizes:
        if size:
          margin = max(margin, node.margin_needed(in_rows, in_cols, size))
    return margin


def tensor_reader(values):
  """`read(first, count)`: rows `[first, first + count)` of a rows-first
  `Tensor`, the way nodes read their inputs."""
  return lambda first, count: tf.slice(values, tf.stack([first, 0, 0, 0]),
                                       [count, -1, -1, -1])


def per_image_bias(bias, label_bias):
  """A layer's `[F]` bias plus a per-image `[batch, 1, 1, F]` label bias, in
  the graph's rows-first layout `[1, batch, 1, F]` (just `bias` without one)."""
  if label_bias is None:
    return bias
  return tf.transpose(bias + label_bias, [1, 0, 2, 3])


def pad_rows_first(values, margin):
  """Adds `margin` zero rows and columns around `[rows, batch, cols, F]`."""
  return tf.pad(values, [[margin, margin], [0, 0], [margin, margin], [0, 0]])


def _nonzero_span(mask):
  """Kernel rows and columns `[start, stop)` that `mask` does not zero."""
  nonzero = np.abs(np.asarray(mask)).sum(axis=(2, 3)) > 0
  if not nonzero.any():
    return (0, 1), (0, 1)
  rows = np.flatnonzero(nonzero.any(axis=1))
  cols = np.flatnonzero(nonzero.any(axis=0))
  return (int(rows[0]), int(rows[-1]) + 1), (int(cols[0]), int(cols[-1]) + 1)
