"""Incremental evaluation of a causal `LayerGraph` while pixels are written.

Sampling writes image row `r` (a pixel, or a whole row of guesses, see
`sampling.draw_images`) and then needs the network output in row `r`.
`RowCache` keeps every node's activations and, after a write into image row
`r`, recomputes only the rows of each node that both depend on image row `r`
and feed output row `r` (a band of one or two rows per node in PixelCNNs). When row `r` is complete it recomputes
the remaining rows that depend on it. Which rows those are is worked out once
from the graph's structure (row-to-row dependencies through every convolution),
so the cached activations always equal a full evaluation where it matters:

- rows that depend only on image rows `< r` and feed output rows `>= r` are
  final while row `r` is drawn;
- rows that feed output row `r` and depend on image row `r` are recomputed, in
  topological order, after every write into row `r` (`refresh`).

This is the activation caching of Ramachandran et al. (2017) at the granularity
of rows, which handles strided and transposed convolutions without special
cases.

#### References

[1]: Prajit Ramachandran, Tom Le Paine, Pooya Khorrami, Mohammad Babaeizadeh,
     Shiyu Chang, Yang Zhang, Mark A. Hasegawa-Johnson, Roy H. Campbell, and
     Thomas S. Huang. Fast Generation for Convolutional Autoregressive Models.
     In _ICLR Workshop_, 2017. https://arxiv.org/abs/1704.06001
"""

import numpy as np
import tensorflow as tf

from tfp_pixel.sampling import layer_graph

__all__ = ['RowCache']


class RowCache:
  """Keeps a `LayerGraph`'s activations up to date as pixels are written."""

  def __init__(self, graph):
    """Works out, for every node and image row, which rows to recompute.

    Args:
      graph: a `layer_graph.LayerGraph` whose output has the image's rows and
        whose output row `r` depends on no image row after `r`.

    Raises:
      ValueError: if the graph's output is not causal in rows.
    """
    self._graph = graph
    height = graph.shapes[0][0]
    if graph.shapes[graph.output][0] != height:
      raise ValueError('The output must have the {} rows of the image, got '
                       '{}.'.format(height, graph.shapes[graph.output][0]))
    depends, needed = _row_dependencies(graph)
    if np.triu(depends[graph.output], k=1).any():
      raise ValueError('Output rows depend on later image rows: the network '
                       'is not causal.')
    self._step_bands = {}
    self._end_bands = {}
    for index in range(1, len(graph.nodes)):
      aligned = isinstance(graph.nodes[index], layer_graph.TransposedConv)
      rows = graph.shapes[index][0]
      self._step_bands[index] = _band_table(
          needed[index] & depends[index].T, rows, aligned)
      self._end_bands[index] = _band_table(
          _final_after(depends[index], needed[index]), rows, aligned)
    self._margin = graph.margin(
        {i: max(self._step_bands[i][1], self._end_bands[i][1])
         for i in self._step_bands})
    self._margin = max(self._margin, 1)
    consumers = np.zeros(len(graph.nodes), int)
    for node in graph.nodes[1:]:
      for i in node.inputs:
        consumers[i] += 1
    # A pointwise node read by one other node is evaluated inside that read
    # instead of being stored (fewer ops per step).
    self._stored = [
        index for index, node in enumerate(graph.nodes)
        if not (isinstance(node, layer_graph.Pointwise) and
                node.preserves_zero and consumers[index] == 1 and
                index != graph.output)]
    self._slot = {index: slot for slot, index in enumerate(self._stored)}

  @property
  def graph(self):
    return self._graph

  def start(self, inputs):
    """Evaluates the whole graph on `[batch, H, W, C]` inputs.

    Returns:
      caches: list of the stored nodes' padded rows-first activations, as
        `tf.TensorArray`s of rows (a row is then written in place).
    """
    margin = self._margin
    values = [layer_graph.pad_rows_first(tf.transpose(inputs, [1, 0, 2, 3]),
                                         margin)]
    for node in self._graph.nodes[1:]:
      out = node.band([layer_graph.tensor_reader(values[i])
                       for i in node.inputs], tf.constant(0), node.shape[0],
                      margin)
      values.append(layer_graph.pad_rows_first(out, margin))
    return [tf.TensorArray(values[i].dtype, size=values[i].shape[0],
                           clear_after_read=False,
                           element_shape=values[i].shape[1:]).unstack(values[i])
            for i in self._stored]

  def write_row(self, caches, row, inputs):
    """Writes image row `row` (`[batch, W, C]` network inputs)."""
    margin = self._margin
    values = tf.pad(inputs, [[0, 0], [margin, margin], [0, 0]])
    return [caches[0].write(margin + row, values)] + list(caches[1:])

  def refresh(self, caches, row):
    """Recomputes what output row `row` needs after a write into `row`."""
    return self._recompute(caches, row, self._step_bands)

  def end_row(self, caches, row):
    """Recomputes the rows that become final with image row `row` and feed
    later output rows."""
    return self._recompute(caches, row, self._end_bands)

  def output_row(self, caches, row):
    """The output node's `[batch, W, F]` activations in row `row`."""
    margin = self._margin
    values = caches[self._slot[self._graph.output]].read(margin + row)
    return values[:, margin:margin + self._graph.shapes[0][1]]

  def _recompute(self, caches, row, bands):
    margin = self._margin
    caches = list(caches)
    for index in self._stored[1:]:
      starts, size = bands[index]
      if not size:
        continue
      node = self._graph.nodes[index]
      start = tf.gather(tf.constant(starts, tf.int32), row)
      out = node.band([self._reader(caches, i) for i in node.inputs], start,
                      size, margin)
      out = tf.pad(out, [[0, 0], [0, 0], [margin, margin], [0, 0]])
      slot = self._slot[index]
      caches[slot] = caches[slot].scatter(margin + start + tf.range(size), out)
    return caches

  def _reader(self, caches, index):
    """`read(first, count)` of node `index`: stored rows, or its pointwise
    function of its inputs' rows."""
    if index in self._slot:
      array = caches[self._slot[index]]
      return lambda first, count: array.gather(first + tf.range(count))
    node = self._graph.nodes[index]
    readers = [self._reader(caches, i) for i in node.inputs]
    return lambda first, count: node.fn(*[read(first, count)
                                          for read in readers])


def _row_dependencies(graph):
  """Boolean row relations of every node, computed from the kernels' shapes.

  Returns:
    depends: per node, `[node_rows, image_rows]`: row `x` of the node depends
      on image row `r`.
    needed: per node, `[image_rows, node_rows]`: output row `r` depends on row
      `x` of the node.
  """
  height = graph.shapes[0][0]
  used = [None]
  depends = [np.eye(height, dtype=bool)]
  for node in graph.nodes[1:]:
    rows = node.shape[0]
    node_used = [node.used_rows(rows, graph.shapes[i][0]) for i in node.inputs]
    used.append(node_used)
    dep = np.zeros([rows, height], bool)
    for i, u in zip(node.inputs, node_used):
      dep |= (u.astype(np.int64) @ depends[i].astype(np.int64)) > 0
    depends.append(dep)
  needed = [np.zeros([height, shape[0]], bool) for shape in graph.shapes]
  needed[graph.output] = np.eye(height, dtype=bool)
  for index in range(len(graph.nodes) - 1, 0, -1):
    for i, u in zip(graph.nodes[index].inputs, used[index]):
      needed[i] |= (needed[index].astype(np.int64) @ u.astype(np.int64)) > 0
  return depends, needed


def _final_after(depends, needed):
  """Boolean `[image_rows, node_rows]`: node rows whose last image row is `r`
  and that some output row after `r` needs."""
  height, rows = needed.shape
  last = np.where(depends.any(axis=1),
                  height - 1 - np.argmax(depends[:, ::-1], axis=1), -1)
  final = np.zeros([height, rows], bool)
  for r in range(height):
    final[r] = (last == r) & needed[r + 1:].any(axis=0)
  return final


def _band_table(rows_per_image_row, node_rows, aligned):
  """Covers each image row's set of node rows by one band of fixed size.

  Args:
    rows_per_image_row: boolean `[image_rows, node_rows]`.
    node_rows: Python `int`.
    aligned: whether bands must start on an even row and have even size.

  Returns:
    starts: int `np.ndarray` `[image_rows]`, first row of each band.
    size: Python `int`, rows per band (0 when no image row needs any).
  """
  spans = []
  for selected in rows_per_image_row:
    found = np.flatnonzero(selected)
    if found.size:
      first, stop = found[0], found[-1] + 1
      if aligned:
        first, stop = first - first % 2, stop + stop % 2
      spans.append((first, stop))
    else:
      spans.append(None)
  size = max([stop - first for first, stop in filter(None, spans)] or [0])
  size = int(min(size, node_rows))
  starts = np.array([min(span[0], node_rows - size) if span else 0
                     for span in spans], np.int32)
  return starts, size
