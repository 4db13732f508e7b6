"""The masked-convolution network of the PixelCNN (van den Oord et al., 2016)."""

import tensorflow as tf

from tfp_pixel.networks import categorical_network
from tfp_pixel.networks import masked_layers

__all__ = ['MaskedPixelCNNNetwork']


class MaskedPixelCNNNetwork(categorical_network.CategoricalNetwork):
  """Maps images to per-pixel, per-channel logits through masked convolutions.

  Layers: a type-A masked `first_kernel_size` convolution over the level
  inputs (`level_inputs`); residual blocks of (1x1 conv halving the
  filters, type-B masked `kernel_size` conv, 1x1 conv back, skip
  connection); two 1x1 type-B layers; a 1x1 output layer with
  `num_levels` logits per channel (`categorical_network.make_head`). ReLU
  activations. Every layer is masked so that the logits of channel `c` at pixel
  `(i, j)` depend only on pixels before `(i, j)` in raster order and on
  channels `< c` of pixel `(i, j)`. Stacked masked convolutions leave a blind
  spot above and to the right; `GatedPixelCNNNetwork` has none.

  With `num_classes`, the network is class-conditional: every layer adds a
  per-feature bias projected from the one-hot label
  (`label_projection.LabelProjection`, one per layer), the same at every pixel
  (van den Oord et al., 2016b). With `conditional_shape`, it is conditional
  on a map with the image's height and width: every layer adds a bias
  projected from the map's features at each pixel
  (`map_conditioning.MapConditioning`).
  """

  def __init__(self, image_shape, num_levels, num_filters=64,
               num_residual_blocks=5, first_kernel_size=7, kernel_size=3,
               num_output_filters=None, dropout_rate=0., num_classes=None,
               dtype=tf.float32, name=None, conditional_shape=None):
    """Creates the variables of the masked convolutions.

    The arguments every network takes (`image_shape`, `num_levels`,
    `num_classes`, `conditional_shape`, `dtype`, `name`, the range of
    `dropout_rate`) are `CategoricalNetwork`'s; a map's conditioning stack
    has `num_filters` features.

    Args:
      num_filters: Python `int`, feature maps of the residual stack.
      num_residual_blocks: Python `int`, residual blocks after the first layer.
      first_kernel_size: odd Python `int`, size of the type-A convolution.
      kernel_size: odd Python `int`, size of the masked convolution of each
        residual block.
      num_output_filters: Python `int`, feature maps of the two 1x1 layers
        before the output layer; defaults to `num_filters`.
      dropout_rate: dropout inside the residual blocks.

    Raises:
      ValueError: if a size is too small for the image's channel groups, or
        `num_classes` or `conditional_shape` is out of range.
    """
    super().__init__(image_shape, num_levels, num_classes, dropout_rate,
                     dtype, name, conditional_shape=conditional_shape,
                     map_features=num_filters)
    channels = self.image_shape[-1]
    num_output_filters = num_output_filters or num_filters
    half = num_filters // 2
    if half < channels or num_output_filters < channels:
      raise ValueError(
          '`num_filters` and `num_output_filters` must be at least {} for {} '
          'channel(s), got {} and {}.'.format(2 * channels, channels,
                                              num_filters, num_output_filters))
    conv = lambda i, o, k, t: masked_layers.MaskedConv2D(  # pylint: disable=g-long-lambda
        i, o, (k, k), num_groups=channels, mask_type=t, dtype=dtype)
    self.first = conv(self.level_inputs.num_features, num_filters,
                      first_kernel_size, 'A')
    self.blocks = [
        (conv(num_filters, half, 1, 'B'),
         conv(half, half, kernel_size, 'B'),
         conv(half, num_filters, 1, 'B'))
        for _ in range(num_residual_blocks)]
    self.head = categorical_network.make_head(
        num_filters, num_output_filters, channels, self.num_levels,
        dtype=dtype)
    # The conditioning's projections, one per layer (a label's keep their
    # checkpoint name).
    self.label_projections = self.conditioning.projections(
        [int(layer.bias.shape[0]) for layer in self.conv_layers()])

  def conv_layers(self):
    """Every `MaskedConv2D` of the network, first layer to output layer."""
    return [self.first] + [layer for block in self.blocks for layer in block
                           ] + list(self.head)

  def conditioning_biases(self, conditional_input):
    """The per-layer conditioning biases, in `conv_layers()` order.

    Args:
      conditional_input: float `Tensor` `[batch, num_classes]` (or
        `[num_classes]`, one label for the batch), a map
        `[batch, height, width, features]` (or one map for the batch), or
        `None`.

    Returns:
      biases: list of `[batch, 1, 1, features]` (a label's) or
        `[batch, height, width, features]` (a map's) `Tensor`s, one per
        layer of `conv_layers()`, or of `None`s for an unconditional network.

    Raises:
      ValueError: if `conditional_input` is missing for a conditional network,
        given to an unconditional one, or does not fit.
    """
    return self._conditioning_biases(self.condition(conditional_input))

  def _conditioning_biases(self, condition):
    if condition is None:
      return [None] * len(self.conv_layers())
    return [projection(condition) for projection in self.label_projections]

  def _features(self, inputs, condition, training):
    biases = dict(zip(map(id, self.conv_layers()),
                      self._conditioning_biases(condition)))

    def conv(layer, x):
      bias = biases[id(layer)]
      return layer(x) if bias is None else layer(x) + bias

    x = conv(self.first, inputs)
    for reduce, masked, expand in self.blocks:
      h = conv(expand, tf.nn.relu(conv(masked, tf.nn.relu(
          conv(reduce, tf.nn.relu(x))))))
      if training and self.dropout_rate > 0.:
        h = tf.nn.dropout(h, rate=self.dropout_rate)
      x = x + h
    return categorical_network.apply_head(
        self.head, x, [biases[id(layer)] for layer in self.head])
