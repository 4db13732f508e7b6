"""A causal `LayerGraph`'s activations, kept up to date as pixels are written.

`PixelCache` evaluates the graph once on the starting canvas and then, after
each pixel is written, computes the few positions of each layer that
`pixel_schedule` assigns to that pixel's step: the outputs at the next pixel
are then final, and every layer did about one position's work per pixel.

Activations are kept one `[batch, F]` element per position in
`tf.TensorArray`s, which TensorFlow and XLA both write in place. Computing a
convolution's positions is one gather of the inputs they read, tap by tap,
one matrix product with the kernel over its taps and one write per position;
the slots each step reads and writes come from one table row per step.

A sampling loop runs thousands of such small steps, so what they cost beyond
their arithmetic matters, and it differs between the two runtimes (measured
on a 2-core CPU). The cache lays itself out for the one that runs the loop:

- run by TensorFlow, all stored nodes of one width `F` share one array (an
  arena), and kernels and biases of one shape are stacked: every value a loop
  carries, and a captured tensor is one, costs TensorFlow a few operations
  per step. One slot is read without a gather, and gathered taps are laid
  side by side by concatenation (a small transpose costs more than the
  matrix product);
- compiled by XLA, each node has its own array (XLA copies a whole array
  that is written while an earlier version of it is still to be read), each
  kernel is its own tensor (XLA fuses a slice of a stack into the matrix
  product, which then runs as a plain loop), and taps are gathered and
  transposed, which XLA fuses.
"""

import collections

import numpy as np
import tensorflow as tf
from tensorflow_probability.python.internal import implementation_selection

from tfp_pixel.sampling import layer_graph
from tfp_pixel.sampling import pixel_schedule

__all__ = ['PixelCache']

# Where a stored node's slots live: `arena` (index into the state), `offset`
# of its first slot there, `positions` (its number of positions).
_Place = collections.namedtuple('_Place', ['arena', 'offset', 'positions'])


class PixelCache:
  """Keeps a `LayerGraph`'s activations as pixels are written one by one."""

  def __init__(self, graph, schedule=None):
    """Reads the graph's kernels and lays out its arrays and tables.

    Call it where the sampling loop is built (inside a `tf.function` compiled
    by XLA, if it is): the layout depends on which runtime runs the loop.

    Args:
      graph: a causal `layer_graph.LayerGraph` (see
        `pixel_schedule.make_schedule`).
      schedule: its `pixel_schedule.Schedule`, or `None` to work it out.
    """
    self._graph = graph
    self._schedule = schedule or pixel_schedule.make_schedule(graph)
    self._width = graph.shapes[0][1]
    self._compiled = implementation_selection.is_xla()
    self._places, self._arena_sizes = _arenas(
        graph, self._schedule.stored, shared=not self._compiled)
    self._table, self._columns = self._step_table()
    parameters = {}
    for index in self._schedule.stored[1:]:
      node = graph.nodes[index]
      if not isinstance(node, layer_graph.Pointwise):
        parameters['kernel', index] = node.matmul_kernel()
        parameters['bias', index] = tf.convert_to_tensor(node.bias)
    # Read once, outside the sampling loop.
    self._stacks, self._in_stack = _group_by_shape(parameters)
    if not self._compiled:
      self._stacks = [tf.stack(group) for group in self._stacks]

  @property
  def self_dependent(self):
    """Whether the output at a pixel reads that pixel's earlier channels."""
    return self._schedule.self_dependent

  def start(self, inputs):
    """Evaluates the whole graph on `[batch, H, W, C]` network inputs.

    Returns:
      state: list of `tf.TensorArray`s, the arenas.
    """
    values = self._graph.evaluate_all(tf.transpose(inputs, [1, 2, 0, 3]))
    slots = [[] for _ in self._arena_sizes]
    for index in self._schedule.stored:
      place = self._places[index]
      slots[place.arena].append(tf.reshape(
          values[index], [place.positions, -1, self._graph.shapes[index][2]]))
    return [_array(arena) for arena in slots]

  def write(self, state, row, col, inputs):
    """Writes the network inputs of pixel `(row, col)` and computes what that
    pixel's step computes.

    Args:
      state: the arenas of `start`.
      row, col: int32 scalars.
      inputs: `[batch, C]` network inputs of the pixel.

    Returns:
      state: the new arenas.
    """
    step = row * self._width + col
    state = list(state)
    place = self._places[0]
    state[place.arena] = state[place.arena].write(place.offset + step, inputs)
    # The table is a constant of the loop's body, not a captured tensor (one
    # more value the loop would carry).
    slots = tf.gather(self._table, step)
    slots = _Slots(slots, self._columns, scalars=not self._compiled)
    # One unstacking of each stack gives every kernel and bias (no copies).
    parameters = self._stacks if self._compiled else [
        tf.unstack(stack) for stack in self._stacks]
    for index in self._schedule.stored[1:]:
      self._compute(state, index, slots, parameters)
    return state

  def output(self, state, row, col):
    """The output node's `[batch, F]` activations at pixel `(row, col)`."""
    place = self._places[self._graph.output]
    return state[place.arena].read(place.offset + row * self._width + col)

  def _compute(self, state, index, slots, parameters):
    """Computes node `index`'s positions of the step into `state`."""
    node = self._graph.nodes[index]
    positions = slots.get('positions', index)
    if isinstance(node, layer_graph.Pointwise):
      values = node.fn(*[self._read(state, index, source, slots)
                         for source in node.inputs])
    else:
      inputs = self._read(state, index, node.inputs[0], slots)
      capacity = self._schedule.positions[index].shape[1]
      taps = self._schedule.sources[index].shape[1] // capacity
      if taps > 1:
        inputs = self._side_by_side(inputs, capacity, taps)
      kernel, bias = [parameters[stack][position] for stack, position in (
          self._in_stack['kernel', index], self._in_stack['bias', index])]
      if inputs.shape.rank != 2:
        inputs = tf.reshape(inputs, [-1, kernel.shape[0]])
      values = tf.matmul(inputs, kernel)
      if positions.shape.rank:
        # `[k, batch, F]`, so that a per-image bias `[batch, F]` broadcasts.
        values = tf.reshape(values, [positions.shape[0], -1, node.shape[2]])
      values += bias
    place = self._places[index]
    array = state[place.arena]
    if not positions.shape.rank:
      state[place.arena] = array.write(positions, values)
      return
    for slot in range(positions.shape[0]):
      array = array.write(positions[slot], values[slot])
    state[place.arena] = array

  def _read(self, state, reader, index, slots):
    """Node `index`'s activations at the slots node `reader` reads this step:
    `[n, batch, F]` (`[batch, F]` for one slot, run by TensorFlow)."""
    if index not in self._places:
      node = self._graph.nodes[index]
      return node.fn(*[self._read(state, reader, source, slots)
                       for source in node.inputs])
    sources = slots.get('sources', reader, index)
    array = state[self._places[index].arena]
    return array.gather(sources) if sources.shape.rank else array.read(sources)

  def _side_by_side(self, inputs, capacity, taps):
    """`[k * taps, batch, F]` gathered inputs as `[k, batch, taps * F]`,
    tap-major as in `matmul_kernel`."""
    inputs = tf.reshape(inputs, [capacity, taps, -1, inputs.shape[-1]])
    if self._compiled:
      return tf.transpose(inputs, [0, 2, 1, 3])
    return tf.concat(tf.unstack(inputs, axis=1), -1)

  def _step_table(self):
    """The arena slots every step writes and reads, one row per step.

    Returns:
      table: int32 `np.ndarray` `[steps, columns]`.
      columns: `dict` from `('positions', node)` (the slots the node writes)
        and `('sources', node, leaf)` (the slots of stored node `leaf` it
        reads, tap by tap) to their `(start, stop)` columns.
    """
    blocks, columns, start = [], {}, 0
    for index in self._schedule.stored[1:]:
      node = self._graph.nodes[index]
      keys_and_tables = [(('positions', index), index,
                          self._schedule.positions[index])]
      for source in node.inputs:
        for leaf in self._leaves(source):
          keys_and_tables.append((('sources', index, leaf), leaf,
                                  self._schedule.sources[index]))
      for key, owner, table in keys_and_tables:
        if key in columns:
          continue
        blocks.append(self._arena_slots(table, owner))
        columns[key] = (start, start + table.shape[1])
        start += table.shape[1]
    return np.concatenate(blocks, axis=1).astype(np.int32), columns

  def _arena_slots(self, table, index):
    """A table of node `index`'s slots as slots of its arena."""
    place = self._places[index]
    size = self._arena_sizes[place.arena]
    # Past its positions, a node's zero and scratch slots are the arena's.
    return np.where(table < place.positions, table + place.offset,
                    table - place.positions + size - 2)

  def _leaves(self, index):
    """The stored nodes node `index` is computed from, position by
    position (itself when stored)."""
    if index in self._places:
      return [index]
    return [leaf for source in self._graph.nodes[index].inputs
            for leaf in self._leaves(source)]


class _Slots:
  """One step's row of the step table, cut into its columns."""

  def __init__(self, row, columns, scalars):
    """Cuts `row`.

    Args:
      row: int32 `[columns]` `Tensor`.
      columns: the `columns` of `PixelCache._step_table`.
      scalars: Python `bool`, whether a one-column entry is a scalar (read
        rather than gathered).
    """
    self._row, self._columns = row, columns
    self._scalars = tf.unstack(row) if scalars else None

  def get(self, *key):
    start, stop = self._columns[key]
    if self._scalars is not None and stop - start == 1:
      return self._scalars[start]
    return self._row[start:stop]


def _arenas(graph, stored, shared):
  """Assigns the stored nodes' slots to arenas.

  Args:
    graph: the `LayerGraph`.
    stored: its stored nodes.
    shared: Python `bool`, whether nodes of one width share an arena (else
      each node has its own).

  Returns:
    places: `dict` from stored node to its `_Place`.
    sizes: list of arena sizes: the slots of its nodes, then a zero slot and
      a scratch slot (`pixel_schedule.zero`, `pixel_schedule.scratch`).
  """
  arenas, places, sizes = {}, {}, []
  for index in stored:
    rows, cols, features = graph.shapes[index]
    arena = arenas.setdefault(features if shared else index, len(arenas))
    if arena == len(sizes):
      sizes.append(2)
    places[index] = _Place(arena, sizes[arena] - 2, rows * cols)
    sizes[arena] += rows * cols
  return places, sizes


def _group_by_shape(tensors):
  """Groups the `tensors` (a `dict`) by shape.

  Returns:
    groups: list of lists of `Tensor`s of one shape.
    positions: `dict` from each key of `tensors` to its `(group, index)`.
  """
  keys_by_shape = collections.defaultdict(list)
  for key, tensor in tensors.items():
    keys_by_shape[tuple(tensor.shape.as_list())].append(key)
  groups, positions = [], {}
  for keys in keys_by_shape.values():
    for position, key in enumerate(keys):
      positions[key] = (len(groups), position)
    groups.append([tensors[key] for key in keys])
  return groups, positions


def _array(slots):
  """The `[n, batch, F]` slots of an arena's nodes as a `tf.TensorArray`,
  with its zero and scratch slots after them."""
  zeros = tf.zeros_like(slots[0][:1])
  flat = tf.concat(slots + [zeros, zeros], 0)
  return tf.TensorArray(flat.dtype, size=flat.shape[0], clear_after_read=False,
                        element_shape=flat.shape[1:]).unstack(flat)
