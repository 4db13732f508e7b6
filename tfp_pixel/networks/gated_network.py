"""The gated network of the categorical PixelCNN (van den Oord et al., 2016)."""

import tensorflow as tf

from tfp_pixel.networks import categorical_network
from tfp_pixel.networks import gated_layers

__all__ = ['GatedPixelCNNNetwork']


class GatedPixelCNNNetwork(categorical_network.CategoricalNetwork):
  """Maps images to per-pixel, per-channel logits through gated layers.

  A drop-in alternative to `MaskedPixelCNNNetwork` (same arguments, same
  outputs) without its blind spot: stacked masked convolutions never see the
  pixels above and to the right beyond the first layer's reach, while the
  vertical stack here sees every row above within its reach (see
  `gated_layers`).

  Layers: a first `GatedLayer` over the level inputs (`level_inputs`) with
  `first_kernel_size` windows; `num_residual_blocks` gated residual layers
  with `kernel_size` windows; two 1x1 type-B layers over the horizontal
  stack; a 1x1 output layer with `num_levels` logits per channel. The
  logits of channel `c` at pixel `(i, j)` depend only on pixels before
  `(i, j)` in raster order and on channels `< c` of pixel `(i, j)`.

  With `num_classes`, every layer adds a bias projected from a one-hot label
  (`conditional_input`) to its pre-activations; with `conditional_shape`, a
  bias projected from a map's features at each pixel
  (`map_conditioning.MapConditioning`).

  #### References

  [1]: Aaron van den Oord, Nal Kalchbrenner, Oriol Vinyals, Lasse Espeholt,
       Alex Graves, Koray Kavukcuoglu. Conditional Image Generation with
       PixelCNN Decoders. In _Neural Information Processing Systems_, 2016.
       https://arxiv.org/abs/1606.05328
  """

  def __init__(self, image_shape, num_levels, num_filters=64,
               num_residual_blocks=5, first_kernel_size=7, kernel_size=3,
               num_output_filters=None, dropout_rate=0., num_classes=None,
               dtype=tf.float32, name=None, conditional_shape=None):
    """Creates the variables of the vertical and horizontal stacks.

    See `CategoricalNetwork` for `image_shape`, `num_levels`, `num_classes`,
    `conditional_shape`, `dtype`, `name` and the range of `dropout_rate`; a
    map's conditioning stack has `num_filters` features.

    Args:
      num_filters: Python `int`, feature maps of each stack.
      num_residual_blocks: Python `int`, gated layers after the first one.
      first_kernel_size: odd Python `int`, window width of the first layer.
      kernel_size: odd Python `int`, window width of the later layers.
      num_output_filters: Python `int`, feature maps of the two 1x1 layers
        before the output layer; defaults to `num_filters`.
      dropout_rate: dropout on the residual branches.

    Raises:
      ValueError: if a size is too small for the image's channel groups, a
        kernel size is not odd, or `dropout_rate`, `num_classes` or
        `conditional_shape` is out of range.
    """
    super().__init__(image_shape, num_levels, num_classes, dropout_rate,
                     dtype, name, conditional_shape=conditional_shape,
                     map_features=num_filters)
    channels = self.image_shape[-1]
    num_output_filters = num_output_filters or num_filters
    if num_filters < channels or num_output_filters < channels:
      raise ValueError(
          '`num_filters` and `num_output_filters` must be at least {} for {} '
          'channel(s), got {} and {}.'.format(channels, channels, num_filters,
                                              num_output_filters))
    for arg, size in (('first_kernel_size', first_kernel_size),
                      ('kernel_size', kernel_size)):
      if size < 1 or size % 2 == 0:
        raise ValueError('`{}` must be a positive odd int, got {}.'.format(
            arg, size))
    gated = lambda i, k, first: gated_layers.GatedLayer(  # pylint: disable=g-long-lambda
        i, num_filters, k, channels, first=first,
        conditioning=self.conditioning, dtype=dtype)
    self.first = gated(self.level_inputs.num_features, first_kernel_size,
                       True)
    self.blocks = [gated(num_filters, kernel_size, False)
                   for _ in range(num_residual_blocks)]
    self.head = categorical_network.make_head(
        num_filters, num_output_filters, channels, self.num_levels,
        dtype=dtype)
    self.head_labels = self.conditioning.projections(
        [int(layer.bias.shape[0]) for layer in self.head])

  def _features(self, inputs, condition, training):
    dropout_rate = self.dropout_rate if training else 0.
    vertical, horizontal = self.first(inputs, inputs, condition)
    for block in self.blocks:
      vertical, horizontal = block(vertical, horizontal, condition,
                                   dropout_rate)
    biases = None if condition is None else [
        projection(condition) for projection in self.head_labels]
    return categorical_network.apply_head(self.head, horizontal, biases)
