"""A `PixelWalkSampler` whose network outputs come from a `PixelCache`."""

from tfp_pixel.sampling import pixel_cache
from tfp_pixel.sampling import pixel_sampler

__all__ = ['PixelCachedSampler']


class PixelCachedSampler(pixel_sampler.PixelWalkSampler):
  """Keeps a `LayerGraph`'s activations in a `PixelCache` while pixels are
  drawn.

  `start`, `pixel_outputs`, `write_pixel` and `end_row` hand the state to
  the cache: after each pixel is written, and after each row, only the
  positions of each layer that the cache's schedule assigns to it are
  computed. A subclass passes its graph
  and a function from pixel values to network inputs, and implements the rest
  of the `PixelWalkSampler` interface (`draw_pixel` and the properties).
  """

  def __init__(self, graph, network_inputs):
    """Prepares the cache of `graph`.

    Args:
      graph: a `layer_graph.LayerGraph` from network inputs to the outputs
        `draw_pixel` reads.
      network_inputs: callable mapping pixel values `[..., C]` to the
        graph's inputs.
    """
    self._cache = pixel_cache.PixelCache(graph)
    self._network_inputs = network_inputs

  @property
  def sweeps_per_pixel(self):
    return self.image_shape[-1] + 1 if self._cache.self_dependent else 1

  def start(self, images):
    return self._cache.start(self._network_inputs(images))

  def pixel_outputs(self, state, row, col):
    return self._cache.output(state, row, col)

  def write_pixel(self, state, row, col, pixel):
    return self._cache.write(state, row, col, self._network_inputs(pixel))

  def end_row(self, state, row):
    return self._cache.end_row(state, row)
