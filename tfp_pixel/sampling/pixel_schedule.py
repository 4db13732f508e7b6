"""When each activation of a causal `LayerGraph` is computed, pixel by pixel.

Sampling writes pixel `q` (raster order over `(row, column)`) and then needs
the network output at pixel `q + 1`. `pixel_cache.PixelCache` keeps the
activations of the graph's stored nodes and, after each write, computes a few
positions of every node: those this schedule assigns to the write's step. The
schedule is worked out once from the graph's structure, which input position
each output position reads through each kernel tap:

- release: pixel `q` is final from step `q` on, and a position is final once
  it is computed at or after the step at which everything it reads is final;
- deadline: the output at pixel `q` is read before pixel `q` is drawn, so it
  must be final at step `q - 1`, and so must everything it reads (a network
  whose output at `q` reads the earlier channels of pixel `q` itself, the
  categorical PixelCNN of RGB images, has its output at `q` due at step `q`
  and is written several times per pixel; see `self_dependent`);
- a node whose positions can all wait for the end of a row (a down-shifted
  stack's, which read only the rows above) is a row node: each position is
  computed, all at once, after the first row whose end releases it. Between
  rows, a layer of positions costs about as many operations as one position
  does within a row;
- each other node computes `capacity` positions per step, the fewest with
  which taking released positions earliest deadline first meets every
  deadline (earliest deadline first is optimal for unit tasks with release
  times). A PixelCNN layer mostly needs one: the position its next output
  needs.
- positions that read no pixel (the top row of a down-shifted stack, say,
  or a `Constant`: a map's conditioning bias) are computed once, when the
  cache starts; positions no output needs are never computed. Every other
  position is computed at its step before anything final reads it, so the
  cache may start with zeros elsewhere.

Computing a position at some other step as well is harmless: from final
inputs it gives the final value again, and from others a value that is
overwritten at the position's own step before anything final reads it. A step
with fewer positions than the node's capacity fills the rest with a scratch
position that nothing reads.

This is the activation caching of Fast PixelCNN++ (Ramachandran et al.,
2017), derived for any causal graph (strided and transposed convolutions
included) instead of written per layer type.

#### References

[1]: Prajit Ramachandran, Tom Le Paine, Pooya Khorrami, Mohammad Babaeizadeh,
     Shiyu Chang, Yang Zhang, Mark A. Hasegawa-Johnson, Roy H. Campbell, and
     Thomas S. Huang. Fast Generation for Convolutional Autoregressive Models.
     In _ICLR Workshop_, 2017. https://arxiv.org/abs/1704.06001
"""

import heapq

import numpy as np

from tfp_pixel.sampling import layer_graph

__all__ = ['Schedule', 'leaves', 'make_schedule', 'scratch', 'zero']

_NEVER = np.iinfo(np.int64).max // 2


class Schedule:
  """The positions each stored node computes at each step.

  A stored node with `P` positions keeps `P + 2` slots: its positions in
  raster order, then `zero(P)` (always zero: what taps outside the input
  read) and `scratch(P)` (written by padding, never read).

  Attributes:
    stored: indices of the nodes whose activations are kept, node 0 (the
      network input) first; the other nodes are pointwise and computed inside
      their one reader (see `_stored_nodes`).
    positions: `dict` from each pixel node (a stored node but 0 computed at
      pixel steps) to int32 `[steps, capacity]`, the slots computed at each
      step.
    sources: `dict` from each pixel node to int32 `[steps, capacity * taps]`,
      the input slots each computed slot reads, tap by tap (`taps` is 1 for a
      pointwise node: the same position of each input).
    row_positions, row_sources: the same for each row node (the other stored
      nodes but 0), `[height, ...]`: what is computed once row `r` is
      written, before the next row is drawn.
    start_positions: `dict` from each stored node but 0 to int32 `[m]`, the
      positions computed when the cache starts (they read no pixel).
    start_sources: `dict` from each stored node but 0 to int32 `[m * taps]`,
      the input slots those read.
    self_dependent: whether the output at pixel `q` reads pixel `q` (its
      earlier channels); then it is due at step `q`.
  """

  def __init__(self, stored, positions, sources, row_positions, row_sources,
               start_positions, start_sources, self_dependent):
    self.stored = stored
    self.positions = positions
    self.sources = sources
    self.row_positions = row_positions
    self.row_sources = row_sources
    self.start_positions = start_positions
    self.start_sources = start_sources
    self.self_dependent = self_dependent


def zero(num_positions):
  """The slot of a node with `num_positions` positions that stays zero."""
  return num_positions


def scratch(num_positions):
  """The slot padding writes to, read by nothing."""
  return num_positions + 1


def make_schedule(graph, row_nodes=True):
  """Works out the schedule of `graph`.

  Args:
    graph: a `layer_graph.LayerGraph` whose output has the image's height and
      width.
    row_nodes: Python `bool`, whether nodes whose positions can all wait for
      the end of a row are row nodes (else they are computed at pixel steps
      too).

  Returns:
    schedule: a `Schedule`.

  Raises:
    ValueError: if the output does not have the image's height and width, or
      its value at a pixel depends on a later pixel (the network is not
      causal).
  """
  height, width, _ = graph.shapes[0]
  if graph.shapes[graph.output][:2] != (height, width):
    raise ValueError('The output must have the {}x{} positions of the image, '
                     'got {}x{}.'.format(height, width,
                                         *graph.shapes[graph.output][:2]))
  steps = height * width
  stored = _stored_nodes(graph)
  reads = {index: _reads(graph, index) for index in stored[1:]}
  stored_reads = {index: [(leaves(graph, source, stored), sources)
                          for source, sources in read]
                  for index, read in reads.items()}
  pixels = np.arange(steps)
  # The last pixel each position depends on, from the kernels' taps.
  last = {0: pixels}
  for index in stored[1:]:
    last[index] = _release(stored_reads[index], last,
                           np.prod(graph.shapes[index][:2]))
  out = last[graph.output]
  if (out > pixels).any():
    raise ValueError('The output at a pixel depends on later pixels: the '
                     'network is not causal.')
  self_dependent = bool((out == pixels).any())
  # Times: step `q`'s pixel phase is `2 q`, the row phase after it (when `q`
  # ends a row) `2 q + 1`. The output at pixel `q` is read when pixel `q` is
  # drawn: after the row phase of step `q - 1`, or, self-dependent, during
  # step `q`'s pixel phase.
  deadline = _deadlines(graph, stored, stored_reads,
                        2 * pixels if self_dependent else 2 * pixels - 1)
  computed = {0: 2 * pixels}
  positions, sources, start_positions, start_sources = {}, {}, {}, {}
  row_positions, row_sources = {}, {}
  for index in stored[1:]:
    release = _release(stored_reads[index], computed,
                       np.prod(graph.shapes[index][:2]))
    due = deadline[index]
    computed[index] = np.where(release < 0, -1, _NEVER)
    tasks = np.flatnonzero((release >= 0) & (due < _NEVER))
    if (due[tasks] < release[tasks]).any():
      raise ValueError('Node {} is needed before its inputs are final: the '
                       'network is not causal.'.format(index))
    # The first row phase at or after each release: row `r`'s is at time
    # `2 W (r + 1) - 1`.
    rows = np.maximum(-(-(release[tasks] + 1) // (2 * width)) - 1, 0)
    row_times = 2 * width * (rows + 1) - 1
    in_rows = row_times <= due[tasks]
    if not (row_nodes and in_rows.all()):
      # Positions released by a row phase (an odd time, so that phase's) and
      # due before the next pixel phase (the first pixel of a row, reading
      # the row above) join that row phase; the rest take pixel phases.
      in_rows = (release[tasks] + 1) // 2 > due[tasks] // 2
    if in_rows.any():
      row_tasks = tasks[in_rows]
      computed[index][row_tasks] = row_times[in_rows]
      row_positions[index], row_sources[index] = _tables(
          graph, index, reads[index], row_tasks,
          _slots_by_step(rows[in_rows]), height)
    if not in_rows.all():
      # A pixel phase at or after the release, at or before the deadline.
      pixel_tasks = tasks[~in_rows]
      slots = _earliest_deadline_first((release[pixel_tasks] + 1) // 2,
                                       due[pixel_tasks] // 2, steps)
      computed[index][pixel_tasks] = [2 * step for step, _ in slots]
      positions[index], sources[index] = _tables(
          graph, index, reads[index], pixel_tasks, slots, steps)
    start_positions[index] = np.flatnonzero(
        (release < 0) & (due < _NEVER)).astype(np.int32)
    start_sources[index] = _source_slots(
        graph, reads[index], start_positions[index]).reshape(-1)
  return Schedule(stored, positions, sources, row_positions, row_sources,
                  start_positions, start_sources, self_dependent)


def _stored_nodes(graph):
  """Every node but the pointwise ones that their one reader computes on the
  fly: those it reads through one tap (a pointwise node or a 1x1
  convolution), so that each of their values is computed once per step. (A
  function of the few positions a wider kernel reads, such as the gated
  network's `tanh * sigmoid`, is cheaper stored.)"""
  readers = [[] for _ in graph.nodes]
  for index, node in enumerate(graph.nodes[1:], start=1):
    for source in node.inputs:
      readers[source].append(graph.nodes[index])

  def on_the_fly(index, node):
    if (not isinstance(node, layer_graph.Pointwise) or
        not node.preserves_zero or len(readers[index]) != 1 or
        index == graph.output):
      return False
    reader, = readers[index]
    return (isinstance(reader, layer_graph.Pointwise) or
            np.count_nonzero(reader.taps) == 1)

  return [index for index, node in enumerate(graph.nodes)
          if not on_the_fly(index, node)]


def _reads(graph, index):
  """`(input node, sources)` pairs: the flat input position (`-1`: none)
  each position of node `index` reads, `[positions, taps]` (none for a
  `Constant`)."""
  node = graph.nodes[index]
  if isinstance(node, layer_graph.Constant):
    return []
  if isinstance(node, layer_graph.Pointwise):
    count = np.prod(node.shape[:2])
    return [(source, np.arange(count)[:, np.newaxis])
            for source in node.inputs]
  source, = node.inputs
  sources = node.tap_sources(graph.shapes[source])
  return [(source, sources.reshape(-1, sources.shape[-1]))]


def leaves(graph, index, stored):
  """The stored nodes that node `index` is computed from at the same
  positions (itself when stored; `stored` is `Schedule.stored`)."""
  if index in stored:
    return [index]
  return [leaf for source in graph.nodes[index].inputs
          for leaf in leaves(graph, source, stored)]


def _release(reads, computed, count):
  """Per position of a node of `count` positions, the latest step at which
  something it reads is computed (`-1`: reads nothing computed after the
  start)."""
  release = np.full(count, -1)
  for leaves, sources in reads:
    for leaf in leaves:
      steps = np.where(sources >= 0, computed[leaf][np.maximum(sources, 0)],
                       -1).max(axis=1)
      release = np.maximum(release, steps)
  return release


def _deadlines(graph, stored, reads, output_due):
  """Per stored node and position, the step by which it must be final."""
  deadline = {index: np.full(np.prod(graph.shapes[index][:2]), _NEVER)
              for index in stored}
  deadline[graph.output] = output_due.astype(np.int64)
  for index in reversed(stored[1:]):
    due = deadline[index]
    for leaves, sources in reads[index]:
      valid = sources >= 0
      due_per_tap = np.broadcast_to(due[:, np.newaxis], sources.shape)[valid]
      for leaf in leaves:
        np.minimum.at(deadline[leaf], sources[valid], due_per_tap)
  return deadline


def _earliest_deadline_first(release, due, steps):
  """Assigns unit tasks to steps, the fewest per step that meet every
  deadline.

  Args:
    release: int `[tasks]`, first step of each task.
    due: int `[tasks]`, last step of each task (`>= release`).
    steps: Python `int`.

  Returns:
    slots: list of `(step, capacity slot)` per task.
  """
  order = np.argsort(release, kind='stable')
  for capacity in range(1, len(release) + 1):
    slots = [None] * len(release)
    waiting, next_task = [], 0
    for step in range(steps):
      while next_task < len(order) and release[order[next_task]] <= step:
        task = order[next_task]
        heapq.heappush(waiting, (due[task], task))
        next_task += 1
      for slot in range(min(capacity, len(waiting))):
        _, task = heapq.heappop(waiting)
        slots[task] = (step, slot)
      if waiting and waiting[0][0] <= step:
        break  # A task due now is left over.
    else:
      return slots
  return []


def _slots_by_step(steps):
  """`(step, slot)` per task: the tasks of each step numbered in order."""
  slots, used = [], {}
  for step in steps:
    slots.append((step, used.get(step, 0)))
    used[step] = slots[-1][1] + 1
  return slots


def _tables(graph, index, reads, tasks, slots, steps):
  """The `Schedule.positions` and `Schedule.sources` tables of a node."""
  count = int(np.prod(graph.shapes[index][:2]))
  capacity = max([slot for _, slot in slots] + [0]) + 1
  positions = np.full([steps, capacity], scratch(count), np.int32)
  for task, (step, slot) in zip(tasks, slots):
    positions[step, slot] = task
  sources = _source_slots(graph, reads, positions)
  return positions, sources.reshape(steps, -1)


def _source_slots(graph, reads, positions):
  """The input slots that a node's `positions` (slots, any shape) read, tap
  by tap: `[*positions.shape, taps]` (no taps for a `Constant`)."""
  if not reads:
    return np.zeros(np.shape(positions) + (0,), np.int32)
  source, sources = reads[0]
  in_count = int(np.prod(graph.shapes[source][:2]))
  # Scratch slots read zeros; so do taps outside the input.
  sources = np.concatenate(
      [sources, np.full([2, sources.shape[1]], -1)])[positions]
  return np.where(sources < 0, zero(in_count), sources).astype(np.int32)
