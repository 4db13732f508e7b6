"""A causal `LayerGraph`'s activations, kept up to date as pixels are written.

`PixelCache` evaluates the graph once on the starting canvas and then, after
each pixel is written, computes the few positions of each layer that
`pixel_schedule` assigns to that pixel's step, and after each row the
positions of the row nodes (a down-shifted stack's next row, at once): the
outputs at the next pixel are then final, and every layer did about one
position's work per pixel.

Activations are kept one `[batch, F]` element per position in
`tf.TensorArray`s, which TensorFlow and XLA both write in place. Computing a
convolution's positions is one gather of the inputs they read, tap by tap,
one matrix product with the kernel over its taps and one write per position;
the slots each step reads and writes come from one table row per step.
Three things keep a step's copies and operations few:

- a value read at the step that computes it (a pointwise layer of the
  convolution just computed, say) is passed on, not read back, and a node
  that nothing reads back is not written (`_fused_reads`);
- a row of a convolution reads shifted copies of a few input rows: the row
  phase gathers them once, as a window in which each tap's inputs are one
  contiguous block, and takes one product per tap (`_window_layout`);
- a write of an array waits for the step's reads of it: run while a read of
  the old array is still to run, it would copy the whole array (TensorFlow
  otherwise runs independent operations in any order).

A sampling loop runs thousands of such small steps, so what they cost beyond
their arithmetic matters, and it differs between the two runtimes (measured
on a 2-core CPU). The cache lays itself out for the one that runs the loop:

- run by TensorFlow, all stored nodes of one width `F` share one array (an
  arena), and kernels of one shape are stacked: every value a loop carries,
  and a captured tensor is one, costs TensorFlow a few operations per step.
  (Biases are stacked by shape and broadcast to the batch in either case.)
  One slot is read without a gather, and gathered taps are laid side by side
  by concatenation (a small transpose costs more than the matrix product).
  Row nodes take the work of most of a PixelCNN's layers out of the pixel
  steps (a row of a layer costs about as many operations as one position),
  and runs of layers that compute at few steps or rows (the lower
  resolutions) are skipped at the others (`tf.cond`);
- compiled by XLA, each node has its own array (XLA copies a whole array
  that is written while an earlier version of it is still to be read), each
  kernel is its own tensor (XLA fuses a slice of a stack into the matrix
  product, which then runs as a plain loop), and taps are gathered and
  transposed, which XLA fuses. A compiled step costs about its arithmetic,
  so there are no row nodes (unrolled, they would triple the compile time).
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
    self._compiled = implementation_selection.is_xla()
    # Compiled, a step costs about its arithmetic, and unrolled row phases
    # would triple the compile time.
    self._schedule = schedule or pixel_schedule.make_schedule(
        graph, row_nodes=not self._compiled)
    self._width = graph.shapes[0][1]
    self._places, self._arena_sizes = _arenas(
        graph, self._schedule.stored, shared=not self._compiled)
    self._windows, row_sources = self._row_windows()
    (self._segments, self._fused, self._table,
     self._columns) = self._step_plan(self._schedule.positions,
                                      self._schedule.sources)
    (self._row_segments, self._row_fused, self._row_table,
     self._row_columns) = self._step_plan(self._schedule.row_positions,
                                          row_sources)
    self._unwritten = self._unwritten_nodes(row_sources)
    kernels, biases = {}, {}
    for index in self._schedule.stored[1:]:
      node = graph.nodes[index]
      if not isinstance(node, (layer_graph.Pointwise, layer_graph.Constant)):
        kernels[index] = node.matmul_kernel()
        biases[index] = tf.convert_to_tensor(node.bias)
    # Read once, outside the sampling loop; `start` broadcasts the biases.
    self._kernels, self._kernel_places = _group_by_shape(kernels)
    if not self._compiled:
      self._kernels = [tf.stack(group) for group in self._kernels]
    self._biases, self._bias_places = _group_by_shape(biases)
    self._biases = [tf.stack(group) for group in self._biases]

  @property
  def self_dependent(self):
    """Whether the output at a pixel reads that pixel's earlier channels."""
    return self._schedule.self_dependent

  def start(self, inputs):
    """Starts the cache for drawing `[batch, H, W, C]` images.

    Only the positions that read no pixel are computed now (see
    `pixel_schedule`), and every position of a `Constant`; every other slot
    starts at zero.

    Args:
      inputs: `[batch, H, W, C]` network inputs of the starting canvas (only
        its batch size and dtype matter: each pixel is written at its step).

    Returns:
      state: list of `tf.TensorArray`s, the arenas, then the biases of each
        shape, `[count, batch, F]` `Tensor`s.
    """
    batch = tf.shape(inputs)[0]
    # Biases broadcast to the batch once: TensorFlow adds a `[F]` bias to
    # `[batch, F]` values several times slower than a `[batch, F]` one.
    biases = [tf.broadcast_to(
        stack[:, tf.newaxis] if stack.shape.rank == 2 else stack,
        tf.stack([stack.shape[0], batch, stack.shape[-1]]))
              for stack in self._biases]
    parameters = self._parameters(biases)
    # Per stored node, its slots: positions, zero, scratch.
    values = {}
    for index in self._schedule.stored:
      rows, cols, features = self._graph.shapes[index]
      node = self._graph.nodes[index]
      if isinstance(node, layer_graph.Constant):
        values[index] = tf.pad(
            tf.reshape(tf.cast(node.values, inputs.dtype),
                       tf.stack([rows * cols, batch, features])),
            [[0, 2], [0, 0], [0, 0]])
        continue
      values[index] = tf.zeros(tf.stack([rows * cols + 2, batch, features]),
                               inputs.dtype)
      positions = self._schedule.start_positions.get(index, ())
      if len(positions):
        sources = self._schedule.start_sources[index]
        computed = self._evaluate(
            index, lambda leaf: tf.gather(values[leaf], sources),  # pylint: disable=cell-var-from-loop
            len(positions), parameters)
        values[index] = tf.tensor_scatter_nd_update(
            values[index], positions[:, np.newaxis], computed)
    arenas = [[] for _ in self._arena_sizes]
    for index in self._schedule.stored:
      place = self._places[index]
      arenas[place.arena].append(values[index][:place.positions])
    return [_array(arena) for arena in arenas] + biases

  def write(self, state, row, col, inputs):
    """Writes the network inputs of pixel `(row, col)` and computes what that
    pixel's step computes.

    Args:
      state: the list of `start`.
      row, col: int32 scalars.
      inputs: `[batch, C]` network inputs of the pixel.

    Returns:
      state: the new list.
    """
    step = row * self._width + col
    state = list(state)
    place = self._places[0]
    state[place.arena] = state[place.arena].write(place.offset + step, inputs)
    # The table is a constant of the loop's body, not a captured tensor (one
    # more value the loop would carry).
    slots = _Slots(tf.gather(self._table, step), self._columns,
                   scalars=not self._compiled)
    return self._compute(state, self._segments, slots, fused=self._fused)

  def end_row(self, state, row):
    """Computes what is computed once row `row` is written (the row nodes of
    the schedule) and returns the new state."""
    if not self._row_segments:
      return state
    slots = _Slots(tf.gather(self._row_table, row), self._row_columns,
                   scalars=False)
    return self._compute(list(state), self._row_segments, slots,
                         self._windows, self._row_fused)

  def _compute(self, state, segments, slots, windows=None, fused=()):
    """Computes the slots of one row of a step table.

    Args:
      state: the list of `start` (a new list: it is updated in place).
      segments: list of `(nodes, sparse)`: the table's nodes in order, cut
        into runs; a `sparse` run is computed only at the steps whose
        `('active', run number)` column is set.
      slots: the table's row, a `_Slots`.
      windows: `dict` from the nodes whose sources the table gives as a
        window (see `_row_windows`) to their taps' offsets in it.
      fused: the table's `_fused_reads`.

    Returns:
      state: the list.
    """
    parameters = self._parameters(state[len(self._arena_sizes):])
    # Per arena, what was read from it since it was last written: a write
    # that runs while a read of the array it updates is still to run copies
    # the whole array (the read keeps the old one alive), so it waits.
    reads = collections.defaultdict(list)
    for number, (nodes, sparse) in enumerate(segments):
      if not sparse:
        state = self._compute_nodes(state, nodes, slots, parameters, reads,
                                    windows, fused)
        continue
      arenas = sorted({self._places[index].arena for index in nodes})

      def compute(nodes=nodes, arenas=arenas):
        computed = self._compute_nodes(
            list(state), nodes, slots, parameters,
            collections.defaultdict(list), windows, fused)
        return [computed[arena] for arena in arenas]

      # Skipping a run costs a few operations; computing it, a few per node.
      # (The run is not ordered after the reads before it, nor the writes
      # after it after its reads: it would wait at every step.)
      arrays = tf.cond(tf.not_equal(slots.get('active', number), 0), compute,
                       lambda arenas=arenas: [state[arena] for arena in arenas])
      for arena, array in zip(arenas, arrays):
        state[arena] = array
    return state

  def _compute_nodes(self, state, nodes, slots, parameters, reads,
                     windows=None, fused=()):
    """Computes `nodes`' slots of a step table's row into `state` (a list,
    updated in place and returned), each write after the `reads` (a `dict`
    from arena to values read from it, updated) of its arena."""
    computed = {}

    def read(reader, leaf):
      if (reader, leaf) in fused:
        return computed[leaf]
      values = self._read(state, reader, leaf, slots)
      reads[self._places[leaf].arena].append(values)
      return values

    for index in nodes:
      positions = slots.get('positions', index)
      capacity = positions.shape[0] if positions.shape.rank else None
      values = self._evaluate(
          index, lambda leaf: read(index, leaf),  # pylint: disable=cell-var-from-loop
          capacity, parameters, (windows or {}).get(index))
      computed[index] = values
      if index in self._unwritten:
        continue
      place = self._places[index]
      with tf.control_dependencies(reads.pop(place.arena, [])):
        state[place.arena] = self._write(state[place.arena], positions,
                                         values, capacity)
    return state

  def _write(self, array, positions, values, capacity):
    """`array` with `values` written at `positions` (see `_compute_nodes`)."""
    if capacity is None:
      return array.write(positions, values)
    if capacity > 1 and not self._compiled:
      # One operation (XLA has no kernel for it: it writes slot by slot).
      return array.scatter(positions, values)
    for slot in range(capacity):
      array = array.write(positions[slot], values[slot])
    return array

  def _step_plan(self, positions, sources):
    """What `_compute` needs of a step table: its runs, fused reads, table
    and columns (with an `('active', run number)` column per sparse run).

    Args:
      positions, sources: a step table's `Schedule.positions` and `sources`
        (the row phase's with its windows, see `_row_windows`).

    Returns:
      segments, fused, table, columns.
    """
    segments, active = self._segments_of(positions)
    segment_of = {index: number
                  for number, (nodes, _) in enumerate(segments)
                  for index in nodes}
    fused = self._fused_reads(positions, sources, segment_of)
    table, columns = self._step_table(positions, sources, fused)
    for number, mask in active.items():
      columns[('active', number)] = (table.shape[1], table.shape[1] + 1)
      table = np.concatenate(
          [table, mask[:, np.newaxis].astype(np.int32)], axis=1)
    return segments, fused, table, columns

  def _segments_of(self, positions):
    """The nodes of a step table in order, cut into runs for `_compute`.

    Run by TensorFlow, a node with positions at no more than half the steps
    (or rows: a layer at a lower resolution, say) is sparse, and consecutive
    sparse nodes form a run that is skipped at the steps where none of them
    computes a position. XLA compiles the whole step (it runs both branches'
    bookkeeping either way).

    Args:
      positions: a step table's `Schedule.positions`.

    Returns:
      segments: list of `(nodes, sparse)` (empty when the table has none).
      active: `dict` from the number of each sparse run to bool `[steps]`,
        the steps at which it computes.
    """
    nodes = self._table_nodes(positions)
    if not nodes:
      return [], {}
    if self._compiled:
      return [(nodes, False)], {}
    segments, active = [], {}
    for index in nodes:
      rows, cols, _ = self._graph.shapes[index]
      computes = (positions[index] < rows * cols).any(axis=1)
      sparse = computes.mean() <= .5
      if not segments or segments[-1][1] != sparse:
        segments.append(([], sparse))
        if sparse:
          active[len(segments) - 1] = np.zeros_like(computes)
      segments[-1][0].append(index)
      if sparse:
        active[len(segments) - 1] |= computes
    return segments, active

  def _fused_reads(self, positions, sources, group_of):
    """The reads of a step table that take a value computed at the same
    step instead of reading it back.

    Node `reader` reads stored node `leaf` through one tap, and at every step
    the slots its real positions read are the slots `leaf` computes at that
    step: the values just computed are then those in the arena.

    Args:
      positions, sources: a step table's `Schedule.positions` and `sources`.
      group_of: `dict` from each node of the table to the run it is computed
        in (values are passed on within a run only).

    Returns:
      fused: `frozenset` of `(reader, leaf)`.
    """
    fused = set()
    for reader, reader_positions in positions.items():
      real = reader_positions < np.prod(self._graph.shapes[reader][:2])
      for leaf in self._stored_reads(reader):
        # One tap, the same positions (a window has more slots).
        if (group_of.get(leaf) == group_of[reader] and
            sources[reader].shape == reader_positions.shape ==
            positions[leaf].shape and
            (sources[reader] == positions[leaf])[real].all()):
          fused.add((reader, leaf))
    return frozenset(fused)

  def _unwritten_nodes(self, row_sources):
    """The stored nodes that nothing reads back from the arena: every read
    of them is fused (the output is read by `output`)."""
    read_back = {0, self._graph.output}
    for table, fused in ((self._schedule.positions, self._fused),
                         (row_sources, self._row_fused)):
      for reader in table:
        read_back.update(leaf for leaf in self._stored_reads(reader)
                         if (reader, leaf) not in fused)
    return frozenset(self._schedule.stored) - read_back

  def _row_windows(self):
    """The row nodes whose inputs are read as a window, and the row
    phase's source tables.

    A row of a convolution reads, through its taps, shifted copies of about
    the same input positions (a stride-1 convolution's row reads `kh` input
    rows, `kw` times each). Gathering them tap by tap copies each input
    `taps` times; a window, the input positions once, each tap's in one
    contiguous block of it (`_window_layout`), costs a product per tap but
    about `taps` times fewer copies.

    Returns:
      windows: `dict` from each row node read as a window to its taps'
        offsets in the window.
      sources: `Schedule.row_sources` with each such node's table replaced
        by its windows, `[height, length]`.
    """
    windows, sources = {}, dict(self._schedule.row_sources)
    for index, positions in self._schedule.row_positions.items():
      node = self._graph.nodes[index]
      if isinstance(node, layer_graph.Pointwise):
        continue
      source_count = int(np.prod(self._graph.shapes[node.inputs[0]][:2]))
      layout = _window_layout(sources[index].reshape(*positions.shape, -1),
                              positions < np.prod(node.shape[:2]),
                              pixel_schedule.zero(source_count))
      if layout is not None:
        windows[index], sources[index] = layout
    return windows, sources

  def _stored_reads(self, index):
    """The stored nodes that node `index` reads (its inputs' leaves)."""
    return [leaf for source in self._graph.nodes[index].inputs
            for leaf in pixel_schedule.leaves(self._graph, source,
                                              self._schedule.stored)]

  def _table_nodes(self, positions):
    """The stored nodes in `positions` (a step table's), in order."""
    return [index for index in self._schedule.stored if index in positions]

  def output(self, state, row, col):
    """The output node's `[batch, F]` activations at pixel `(row, col)`."""
    place = self._places[self._graph.output]
    return state[place.arena].read(place.offset + row * self._width + col)

  def _evaluate(self, index, read, count, parameters, window=None):
    """Node `index` at `count` positions, from its stored inputs' values.

    Args:
      index: a stored node.
      read: callable from a stored node to its values at the slots the
        positions read, tap by tap: `[count * taps, batch, F]` (`[batch, F]`
        when `count` is `None`), or the window of slots `[length, batch, F]`
        when `window` is given.
      count: Python `int`, or `None` for one position read by TensorFlow
        without a gather.
      parameters: `_parameters(...)`.
      window: optional list of each tap's offset in the window: tap `t` of
        the positions reads `window[t]` to `window[t] + count - 1`.

    Returns:
      values: `[count, batch, F]` (`[batch, F]` when `count` is `None`).
    """
    node = self._graph.nodes[index]

    def source(index):
      if index in self._places:
        return read(index)
      return self._graph.nodes[index].fn(
          *[source(input_index) for input_index in
            self._graph.nodes[index].inputs])

    if isinstance(node, layer_graph.Pointwise):
      return node.fn(*[source(input_index) for input_index in node.inputs])
    inputs = source(node.inputs[0])
    kernels, biases = parameters
    kernel = _pick(kernels, self._kernel_places[index])
    bias = _pick(biases, self._bias_places[index])
    taps = kernel.shape[0] // inputs.shape[-1]
    if window is not None:
      # One product per tap, of a contiguous block of the window (no copy).
      tap_kernels = tf.unstack(tf.reshape(kernel, [taps, inputs.shape[-1],
                                                   -1]))
      values = tf.add_n([
          tf.matmul(tf.reshape(inputs[offset:offset + count],
                               [-1, inputs.shape[-1]]), tap_kernel)
          for offset, tap_kernel in zip(window, tap_kernels)])
    else:
      if taps > 1:
        inputs = self._side_by_side(inputs, count, taps)
      if inputs.shape.rank != 2:
        inputs = tf.reshape(inputs, [-1, kernel.shape[0]])
      values = tf.matmul(inputs, kernel)
    if count is not None:
      # `[count, batch, F]`, so that a per-image bias `[batch, F]`
      # broadcasts.
      values = tf.reshape(values, [count, -1, node.shape[2]])
    return values + bias

  def _read(self, state, reader, index, slots):
    """Stored node `index`'s activations at the slots node `reader` reads
    this step: `[n, batch, F]` (`[batch, F]` for one slot read by
    TensorFlow)."""
    sources = slots.get('sources', reader, index)
    array = state[self._places[index].arena]
    return array.gather(sources) if sources.shape.rank else array.read(sources)

  def _parameters(self, biases):
    """Every kernel and (broadcast) bias, grouped by shape (one unstacking of
    each stack: no copies).

    Args:
      biases: the bias stacks of the state, `[count, batch, F]` each.

    Returns:
      kernels, biases: lists (one per shape) of lists of `Tensor`s.
    """
    kernels = self._kernels
    if not self._compiled:
      kernels = [tf.unstack(stack) for stack in kernels]
    return kernels, [tf.unstack(stack) for stack in biases]

  def _side_by_side(self, inputs, capacity, taps):
    """`[k * taps, batch, F]` gathered inputs as `[k, batch, taps * F]`
    (`[batch, taps * F]` when `capacity` is `None`), tap-major as in
    `matmul_kernel`."""
    if capacity is None:
      return tf.concat(tf.unstack(inputs), -1)
    inputs = tf.reshape(inputs, [capacity, taps, -1, inputs.shape[-1]])
    if self._compiled:
      return tf.transpose(inputs, [0, 2, 1, 3])
    return tf.concat(tf.unstack(inputs, axis=1), -1)

  def _step_table(self, positions, sources, fused=()):
    """The arena slots a step table's nodes write and read, one row per step
    (or row).

    Args:
      positions, sources: `Schedule.positions` and `Schedule.sources` (or
        their `row_` counterparts).

    Returns:
      table: int32 `np.ndarray` `[steps, columns]`.
      columns: `dict` from `('positions', node)` (the slots the node writes)
        and `('sources', node, leaf)` (the slots of stored node `leaf` it
        reads, tap by tap) to their `(start, stop)` columns.
    """
    blocks, columns, start = [], {}, 0
    for index in self._schedule.stored[1:]:
      if index not in positions:
        continue
      keys_and_tables = [(('positions', index), index, positions[index])]
      keys_and_tables += [(('sources', index, leaf), leaf, sources[index])
                          for leaf in self._stored_reads(index)]
      for key, owner, table in keys_and_tables:
        if key in columns or key[1:] in fused:
          continue
        blocks.append(self._arena_slots(table, owner))
        columns[key] = (start, start + table.shape[1])
        start += table.shape[1]
    if not blocks:
      return np.zeros([1, 0], np.int32), columns
    return np.concatenate(blocks, axis=1).astype(np.int32), columns

  def _arena_slots(self, table, index):
    """A table of node `index`'s slots as slots of its arena."""
    place = self._places[index]
    size = self._arena_sizes[place.arena]
    # Past its positions, a node's zero and scratch slots are the arena's.
    return np.where(table < place.positions, table + place.offset,
                    table - place.positions + size - 2)


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
    if self._scalars is None:
      return self._row[start:stop]
    if stop - start == 1:
      return self._scalars[start]
    return tf.stack(self._scalars[start:stop])


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


def _window_layout(sources, real, zero):
  """Lays out the slots that positions read tap by tap as one window per
  row, each tap's slots a contiguous block of it.

  Args:
    sources: int `[rows, capacity, taps]`, the slot each position of a row
      reads through each tap.
    real: bool `[rows, capacity]`, the positions computed (the others are
      scratch: what they read does not matter).
    zero: the zero slot, for the window's slots that no real position reads.

  Returns:
    `None` when a window would not hold at most half the slots of a
    tap-by-tap gather (one tap, or reads with no shared structure); else
    `(offsets, windows)`: each tap's offset, and int `[rows, length]` the
    windows. Every real position `p` of row `r` reads through tap `t`
    `windows[r, offsets[t] + p]`.
  """
  _, capacity, taps = sources.shape
  full = np.flatnonzero(real.all(axis=1))
  if taps == 1 or not len(full):
    return None
  # The layout of a full row (the last: rows near the top read zero rows),
  # each tap placed at the first offset that agrees with the window so far.
  template = sources[full[-1]]
  window, offsets = list(template[:, 0]), [0]
  for tap in range(1, taps):
    column = list(template[:, tap])
    offset = next(offset for offset in range(len(window) + 1)
                  if window[offset:offset + capacity] ==
                  column[:len(window) - offset])
    window += column[len(window) - offset:]
    offsets.append(offset)
  if 2 * len(window) > capacity * taps:
    return None
  windows = np.full([len(sources), len(window)], -1, np.int64)
  for tap, offset in enumerate(offsets):
    block = windows[:, offset:offset + capacity]
    wanted = np.where(real, sources[:, :, tap], -1)
    if ((block >= 0) & (wanted >= 0) & (block != wanted)).any():
      return None  # Another row does not fit the layout.
    np.copyto(block, wanted, where=wanted >= 0)
  return offsets, np.where(windows < 0, zero, windows).astype(np.int32)


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


def _pick(groups, place):
  group, position = place
  return groups[group][position]


def _array(slots):
  """The `[positions, batch, F]` values of an arena's nodes as a
  `tf.TensorArray`, with its zero and scratch slots after them."""
  zeros = tf.zeros_like(slots[0][:1])
  flat = tf.concat(slots + [zeros, zeros], 0)
  return tf.TensorArray(flat.dtype, size=flat.shape[0], clear_after_read=False,
                        element_shape=flat.shape[1:]).unstack(flat)
