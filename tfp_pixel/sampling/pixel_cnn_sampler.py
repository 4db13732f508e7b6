"""The fast exact sampler of `tfp_pixel.PixelCNN` (logistic mixtures)."""

import tensorflow as tf

from tfp_pixel import pixel_cnn_graph
from tfp_pixel import row_cache
from tfp_pixel import sampling

__all__ = ['MixtureSampler']


class MixtureSampler(sampling.PixelSampler):
  """Draws PixelCNN++ pixels from incrementally evaluated network outputs.

  The network's weights are read once (weight norm and masks folded in) into
  a `LayerGraph` evaluated by a `RowCache`; each sweep over a row then costs
  one band of rows per layer instead of a full pass. Pixels are drawn by
  `PixelCNN.draw_pixel`, the same code a full-pass sampler would use.
  """

  def __init__(self, dist, batch_size, conditional_input=None):
    """Reads the weights of `dist`'s network.

    Args:
      dist: a `tfp_pixel.PixelCNN`.
      batch_size: Python `int` or int32 scalar, images drawn at once.
      conditional_input: `[batch_size, *conditional_shape]` `Tensor` or
        `None`.
    """
    self._dist = dist
    self._image_shape = tuple(dist.image_shape.as_list())
    self._batch_size = batch_size
    _initialize_weight_norm(dist, self._image_shape, conditional_input)
    graph = pixel_cnn_graph.mixture_graph(dist.network, self._image_shape,
                                          conditional_input)
    self._cache = row_cache.RowCache(graph)

  @property
  def image_shape(self):
    return self._image_shape

  @property
  def dtype(self):
    return self._dist.dtype

  @property
  def noise_size(self):
    return 2 * self._image_shape[-1]

  @property
  def noise_dtype(self):
    return self._dist.dtype

  @property
  def fill_value(self):
    return tf.get_static_value(self._dist._low)  # pylint: disable=protected-access

  def start(self, images):
    return self._cache.start(self._network_inputs(images))

  def row_outputs(self, state, row):
    return self._cache.output_row(state, row)

  def draw_pixels(self, outputs, noise, known, known_mask):
    channels = self._image_shape[-1]
    params = pixel_cnn_graph.split_params(
        tf.reshape(outputs, [-1, outputs.shape[-1]]),
        self._dist._num_logistic_mix, channels)  # pylint: disable=protected-access
    pixels = self._dist.draw_pixel(
        params, tf.reshape(noise, [-1, 2 * channels]),
        tf.reshape(known, [-1, channels]),
        tf.reshape(known_mask, [-1, channels]))
    return tf.reshape(pixels, tf.shape(known))

  def write_row(self, state, row, pixels):
    state = self._cache.write_row(state, row, self._network_inputs(pixels))
    return self._cache.refresh(state, row)

  def end_row(self, state, row):
    return self._cache.end_row(state, row)

  def _network_inputs(self, values):
    low, high = self._dist._low, self._dist._high  # pylint: disable=protected-access
    return 2. * (values - low) / (high - low) - 1.


def _initialize_weight_norm(dist, image_shape, conditional_input):
  """Runs the network once if weight norm has not initialized it yet.

  The stock network initializes weight norm from the data of its first call;
  sampling before any `log_prob` makes that call on the empty canvas, as a
  full-pass sampler's first step would.
  """
  layers = dist.network._network.layers  # pylint: disable=protected-access
  flags = [layer.initialized for layer in layers
           if hasattr(layer, 'initialized')]
  if not flags:
    return
  if tf.executing_eagerly() and all(bool(flag) for flag in flags):
    return
  batch = 1 if conditional_input is None else tf.shape(conditional_input)[0]
  canvas = tf.fill(tf.stack([batch, *image_shape]),
                   tf.cast(dist._low, dist.dtype))  # pylint: disable=protected-access
  dist.network_params(canvas, conditional_input)
