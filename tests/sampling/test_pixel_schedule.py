"""Tests of the sampling schedule and the cache that follows it."""

import numpy as np
import pytest
import tensorflow as tf

import tfp_pixel
from tfp_pixel.sampling import layer_graph
from tfp_pixel.sampling import pixel_cache
from tfp_pixel.sampling import pixel_cnn_graph
from tfp_pixel.sampling import pixel_cnn_sampler
from tfp_pixel.sampling import pixel_schedule

_SHAPE = (4, 5, 1)
_window_layout = pixel_cache._window_layout  # pylint: disable=protected-access


def _two_stacks(first_kernel_rows=2):
  """A down-shifted stack (rows above) and a right-shifted one (the pixels
  to the left in the row), added: the shape of a PixelCNN's two stacks."""
  rng = np.random.RandomState(0)
  graph = layer_graph.LayerGraph(_SHAPE)
  above = graph.shifted_conv(
      0, rng.randn(first_kernel_rows, 3, 1, 3).astype(np.float32),
      rng.randn(3).astype(np.float32), row_offset=-first_kernel_rows,
      col_offset=-1)
  above = graph.pointwise(tf.nn.relu, above)
  above = graph.shifted_conv(above, rng.randn(2, 3, 3, 3).astype(np.float32),
                             rng.randn(3).astype(np.float32), row_offset=-1,
                             col_offset=-1)
  left = graph.shifted_conv(0, rng.randn(1, 2, 1, 3).astype(np.float32),
                            rng.randn(3).astype(np.float32), row_offset=0,
                            col_offset=-2)
  graph.pointwise(tf.add, above, left)
  return graph


def _two_stacks_given_a_map():
  """`_two_stacks` whose convolutions add per-position biases (a map's, for
  a batch of 3: `Constant` nodes)."""
  rng = np.random.RandomState(1)
  height, width, _ = _SHAPE
  bias = lambda: rng.randn(3, height, width, 3).astype(np.float32)  # pylint: disable=g-long-lambda
  graph = layer_graph.LayerGraph(_SHAPE)
  above = graph.shifted_conv(0, rng.randn(2, 3, 1, 3).astype(np.float32),
                             bias(), row_offset=-2, col_offset=-1)
  above = graph.shifted_conv(graph.pointwise(tf.nn.relu, above),
                             rng.randn(2, 3, 3, 3).astype(np.float32), bias(),
                             row_offset=-1, col_offset=-1)
  left = graph.conv(0, rng.randn(1, 3, 1, 3).astype(np.float32), bias(),
                    mask=np.array([1., 0., 0.])[None, :, None, None])
  graph.pointwise(tf.add, above, left)
  return graph


def _mixture_graph():
  dist = tfp_pixel.PixelCNN(image_shape=(6, 6, 1), num_resnet=1,
                            num_hierarchies=2, num_filters=4,
                            num_logistic_mix=2, dropout_p=0.)
  pixel_cnn_sampler._initialize_weight_norm(dist, (6, 6, 1), None)  # pylint: disable=protected-access
  return pixel_cnn_graph.pixel_cnn_graph(dist.network, (6, 6, 1), None)


def _computed_positions(graph, schedule, index):
  """Every position node `index` computes, with repeats."""
  count = np.prod(graph.shapes[index][:2])
  tables = [schedule.start_positions[index]]
  for table in (schedule.positions, schedule.row_positions):
    if index in table:
      tables.append(table[index][table[index] < count])
  return np.concatenate(tables)


class TestSchedule:

  @pytest.mark.parametrize('make_graph', [_two_stacks,
                                          _two_stacks_given_a_map,
                                          _mixture_graph])
  @pytest.mark.parametrize('row_nodes', [True, False])
  def test_each_position_is_computed_once(self, make_graph, row_nodes):
    graph = make_graph()
    schedule = pixel_schedule.make_schedule(graph, row_nodes=row_nodes)
    for index in schedule.stored[1:]:
      positions = _computed_positions(graph, schedule, index)
      assert len(np.unique(positions)) == len(positions), index
    output = _computed_positions(graph, schedule, graph.output)
    assert sorted(output) == list(range(np.prod(graph.shapes[0][:2])))

  def test_a_stack_of_the_rows_above_waits_for_the_row_ends(self):
    graph = _two_stacks()
    schedule = pixel_schedule.make_schedule(graph)
    above = [1, 3]  # The stored nodes of the down-shifted stack.
    assert all(index in schedule.row_positions and
               index not in schedule.positions for index in above)
    # The output at a row's first pixel reads only the rows above and the
    # zeros left of the image: it is computed with the row above's end.
    assert graph.output in schedule.row_positions
    without = pixel_schedule.make_schedule(graph, row_nodes=False)
    assert not without.row_positions

  def test_a_network_that_reads_a_later_pixel_is_refused(self):
    graph = layer_graph.LayerGraph(_SHAPE)
    graph.shifted_conv(0, np.ones([1, 2, 1, 1], np.float32),
                       np.zeros([1], np.float32), row_offset=0, col_offset=0)
    with pytest.raises(ValueError, match='not causal'):
      pixel_schedule.make_schedule(graph)


class TestPixelCache:

  @pytest.mark.parametrize('make_graph', [_two_stacks,
                                          _two_stacks_given_a_map,
                                          _mixture_graph])
  def test_outputs_equal_the_whole_graph(self, make_graph):
    # Pixel by pixel, the output at each pixel is read before the pixel is
    # written: it must already be the whole graph's output there.
    graph = make_graph()
    height, width, channels = graph.shapes[0]
    inputs = tf.random.stateless_uniform([3, height, width, channels], (1, 2),
                                         minval=-1.)
    expected = graph.evaluate(inputs)
    cache = pixel_cache.PixelCache(graph)
    state = cache.start(inputs)
    for row in range(height):
      for col in range(width):
        np.testing.assert_allclose(cache.output(state, row, col),
                                   expected[:, row, col], rtol=1e-5,
                                   atol=1e-5, err_msg=str((row, col)))
        if (row, col) != (height - 1, width - 1):
          state = cache.write(state, row, col, inputs[:, row, col])
      if row < height - 1:
        state = cache.end_row(state, row)

  def test_the_mixture_graph_uses_windows_and_fused_reads(self):
    # So that `test_outputs_equal_the_whole_graph` covers them.
    cache = pixel_cache.PixelCache(_mixture_graph())
    # pylint: disable=protected-access
    assert cache._windows
    # Its half-resolution layers make a run of the row phase skipped at
    # every other row.
    assert any(sparse for _, sparse in cache._row_segments)
    assert cache._fused and cache._row_fused
    assert cache._unwritten
    # pylint: enable=protected-access

  def test_no_write_runs_before_a_read_of_the_array_it_updates(self):
    # Such a write would copy the whole array.
    graph = _mixture_graph()
    cache = pixel_cache.PixelCache(graph)
    height, width, channels = graph.shapes[0]
    steps = [lambda state: cache.write(state, 1, 1, tf.zeros([2, channels])),
             lambda state: cache.end_row(state, 1)]
    for step in steps:
      # The start makes plain tensors into lists: every list operation is
      # the step's.
      operations = tf.function(
          lambda step=step: _stacked(step(cache.start(
              tf.zeros([2, height, width, channels])))),
          autograph=False).get_concrete_function().graph.get_operations()
      writes = [operation for operation in operations if operation.type in
                ('TensorListSetItem', 'TensorListScatterIntoExistingList')]
      assert len(writes) > 4
      for write in writes:
        before = _ancestors(write)
        for reader in write.inputs[0].consumers():
          if reader.type in ('TensorListGetItem', 'TensorListGather'):
            assert reader in before, (reader.name, write.name)


class TestWindowLayout:

  def test_a_row_of_three_taps_reads_each_input_once(self):
    # Two rows of a 1x3 convolution over 4 columns: row `r` reads input
    # positions `4 r` to `4 r + 3`; slot 8 is the zero slot.
    zero = 8
    sources = np.array([[[c - 1, c, c + 1] for c in range(4)],
                        [[c + 3, c + 4, c + 5] for c in range(4)]])
    sources[:, 0, 0] = sources[:, 3, 2] = zero
    offsets, windows = _window_layout(sources, np.ones([2, 4], bool), zero)
    assert offsets == [0, 1, 2]
    np.testing.assert_array_equal(windows, [[8, 0, 1, 2, 3, 8],
                                            [8, 4, 5, 6, 7, 8]])
    for tap, offset in enumerate(offsets):
      np.testing.assert_array_equal(windows[:, offset:offset + 4],
                                    sources[:, :, tap])

  def test_what_scratch_positions_read_does_not_matter(self):
    sources = np.array([[[c - 1, c, c + 1] for c in range(4)]])
    sources[0, 0, 0] = sources[0, 3, 2] = 8
    full = np.ones([1, 4], bool)
    # A second row that computes only its first position, whose reads
    # would not fit the layout of the first.
    sources = np.concatenate([sources, sources[:, ::-1]])
    real = np.concatenate([full, [[True, False, False, False]]])
    sources[1, 0] = sources[0, 0]
    offsets, windows = _window_layout(sources, real, 8)
    assert offsets == [0, 1, 2]
    np.testing.assert_array_equal(windows[1], [8, 0, 1, 8, 8, 8])

  def test_reads_without_shared_structure_are_gathered_tap_by_tap(self):
    sources = np.arange(12).reshape([1, 4, 3])
    assert _window_layout(sources, np.ones([1, 4], bool), 20) is None
    one_tap = np.arange(4).reshape([1, 4, 1])
    assert _window_layout(one_tap, np.ones([1, 4], bool), 20) is None


def _stacked(state):
  return [part.stack() if isinstance(part, tf.TensorArray) else part
          for part in state]


def _ancestors(operation):
  """The operations `operation` waits for: its inputs' and control inputs',
  recursively."""
  seen, stack = set(), [operation]
  while stack:
    current = stack.pop()
    for parent in [tensor.op for tensor in current.inputs] + list(
        current.control_inputs):
      if parent not in seen:
        seen.add(parent)
        stack.append(parent)
  return seen
