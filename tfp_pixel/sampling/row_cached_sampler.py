"""A `RowSweepSampler` whose network outputs come from a `RowCache`."""

from tfp_pixel.sampling import pixel_sampler
from tfp_pixel.sampling import row_cache

__all__ = ['RowCachedSampler']


class RowCachedSampler(pixel_sampler.RowSweepSampler):
  """Keeps a `LayerGraph`'s activations in a `RowCache` while rows are drawn.

  `start`, `row_outputs`, `write_row` and `end_row` hand the state to the
  cache: after each write into a row, only the rows of each layer that the
  row's outputs need are recomputed. A subclass passes its graph and a
  function from pixel values to network inputs, and implements the rest of
  the `RowSweepSampler` interface (`draw_row` and the properties).
  """

  def __init__(self, graph, network_inputs):
    """Prepares the cache of `graph`.

    Args:
      graph: a `layer_graph.LayerGraph` from network inputs to the outputs
        `draw_row` reads.
      network_inputs: callable mapping pixel values `[..., C]` to the
        graph's inputs.
    """
    self._cache = row_cache.RowCache(graph)
    self._network_inputs = network_inputs

  def start(self, images):
    return self._cache.start(self._network_inputs(images))

  def row_outputs(self, state, row):
    return self._cache.output_row(state, row)

  def write_row(self, state, row, pixels):
    state = self._cache.write_row(state, row, self._network_inputs(pixels))
    return self._cache.refresh(state, row)

  def end_row(self, state, row):
    return self._cache.end_row(state, row)
