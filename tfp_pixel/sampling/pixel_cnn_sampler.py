"""The fast exact sampler of `tfp_pixel.PixelCNN` (logistic mixtures)."""

import tensorflow as tf

from tfp_pixel.networks import stock_pixel_cnn
from tfp_pixel.networks import mixture_head
from tfp_pixel.sampling import pixel_cnn_graph
from tfp_pixel.sampling import pixel_cached_sampler

__all__ = ['PixelCNNSampler']


class PixelCNNSampler(pixel_cached_sampler.PixelCachedSampler):
  """Draws PixelCNN++ pixels from incrementally evaluated network outputs.

  The network's weights are read once (weight norm and masks folded in) into
  a `LayerGraph` evaluated by a `PixelCache`; each pixel then costs about one
  position of each layer instead of a full pass. Pixels are drawn by
  `PixelCNN.draw_pixel_by_inverse_cdf`, the same code a full-pass sampler
  uses.
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
    _initialize_weight_norm(dist, self._image_shape, conditional_input)
    graph = pixel_cnn_graph.pixel_cnn_graph(dist.network, self._image_shape,
                                            conditional_input)
    super().__init__(graph, dist.network_inputs)

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
    return tf.get_static_value(self._dist.low)

  def draw_pixel(self, outputs, noise, known, known_mask):
    params = mixture_head.split_params(
        outputs, self._dist.num_logistic_mix, self._image_shape[-1])
    return self._dist.draw_pixel_by_inverse_cdf(params, noise, known,
                                                known_mask)


def _initialize_weight_norm(dist, image_shape, conditional_input):
  """Runs the network once if weight norm has not initialized it yet.

  The stock network initializes weight norm from the data of its first call;
  sampling before any `log_prob` makes that call on the empty canvas, as a
  full-pass sampler's first step would.
  """
  if stock_pixel_cnn.weight_norm_initialized(dist.network):
    return
  batch = 1 if conditional_input is None else tf.shape(conditional_input)[0]
  canvas = tf.fill(tf.stack([batch, *image_shape]),
                   tf.cast(dist.low, dist.dtype))
  dist.network_params(canvas, conditional_input)
