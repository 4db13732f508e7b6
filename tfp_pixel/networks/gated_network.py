"""The gated network of the categorical PixelCNN (van den Oord et al., 2016)."""

import tensorflow as tf

from tfp_pixel import gated_layers
from tfp_pixel import layers

__all__ = ['GatedPixelCNNNetwork']


class GatedPixelCNNNetwork(tf.Module):
  """Maps images to per-pixel, per-channel logits through gated layers.

  A drop-in alternative to `CategoricalPixelCNNNetwork` (same arguments, same
  outputs) without its blind spot: stacked masked convolutions never see the
  pixels above and to the right beyond the first layer's reach, while the
  vertical stack here sees every row above within its reach (see
  `gated_layers`).

  Layers: a first `GatedLayer` over the image with `first_kernel_size`
  windows; `num_residual_blocks` gated residual layers with `kernel_size`
  windows; two 1x1 type-B layers over the horizontal stack; a 1x1 output
  layer with `num_levels` logits per channel. The logits of channel `c` at
  pixel `(i, j)` depend only on pixels before `(i, j)` in raster order and on
  channels `< c` of pixel `(i, j)`.

  With `num_classes`, every layer adds a bias projected from a one-hot label
  (`conditional_input`) to its pre-activations.

  #### References

  [1]: Aaron van den Oord, Nal Kalchbrenner, Oriol Vinyals, Lasse Espeholt,
       Alex Graves, Koray Kavukcuoglu. Conditional Image Generation with
       PixelCNN Decoders. In _Neural Information Processing Systems_, 2016.
       https://arxiv.org/abs/1606.05328
  """

  def __init__(self, image_shape, num_levels, num_filters=64,
               num_residual_blocks=5, first_kernel_size=7, kernel_size=3,
               num_output_filters=None, dropout_rate=0., num_classes=None,
               dtype=tf.float32, name=None):
    """Creates the network's variables.

    Args:
      image_shape: `(height, width, channels)` of the images.
      num_levels: Python `int`, quantized levels per channel.
      num_filters: Python `int`, feature maps of each stack.
      num_residual_blocks: Python `int`, gated layers after the first one.
      first_kernel_size: odd Python `int`, window width of the first layer.
      kernel_size: odd Python `int`, window width of the later layers.
      num_output_filters: Python `int`, feature maps of the two 1x1 layers
        before the output layer; defaults to `num_filters`.
      dropout_rate: Python `float` in `[0, 1)`, dropout on the residual
        branches when called with `training=True`.
      num_classes: Python `int` or `None`, number of class labels.
      dtype: float `tf.DType` of the variables.
      name: Python `str` name of the module.

    Raises:
      ValueError: if a size is too small for the image's channel groups, a
        kernel size is not odd, or `dropout_rate` or `num_classes` is out of
        range.
    """
    super().__init__(name=name)
    _, _, channels = image_shape
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
    if not 0. <= dropout_rate < 1.:
      raise ValueError(
          '`dropout_rate` must be in [0, 1), got {}.'.format(dropout_rate))
    if num_classes is not None and num_classes < 1:
      raise ValueError(
          '`num_classes` must be a positive int, got {}.'.format(num_classes))
    self.image_shape = tuple(image_shape)
    self.num_levels = num_levels
    self.num_classes = num_classes
    self.dropout_rate = dropout_rate
    gated = lambda i, k, first: gated_layers.GatedLayer(  # pylint: disable=g-long-lambda
        i, num_filters, k, channels, first=first, num_classes=num_classes,
        dtype=dtype)
    self.first = gated(channels, first_kernel_size, True)
    self.blocks = [gated(num_filters, kernel_size, False)
                   for _ in range(num_residual_blocks)]
    conv = lambda i, o: layers.MaskedConv2D(  # pylint: disable=g-long-lambda
        i, o, num_groups=channels, dtype=dtype)
    self.head = [conv(num_filters, num_output_filters),
                 conv(num_output_filters, num_output_filters),
                 conv(num_output_filters, channels * num_levels)]
    self.head_labels = None
    if num_classes:
      self.head_labels = [
          layers.LabelProjection(num_classes, layer.bias.shape[0], dtype)
          for layer in self.head]

  def __call__(self, inputs, training=False, conditional_input=None):
    """Computes logits.

    Args:
      inputs: float `Tensor` of shape `[batch, height, width, channels]`, the
        levels mapped onto `[-1, 1]`.
      training: Python `bool`, whether dropout is active.
      conditional_input: float one-hot labels `[batch, num_classes]` (or
        `[num_classes]`, one label for all) when the network has
        `num_classes`, else `None`.

    Returns:
      logits: `Tensor` of shape `[batch, height, width, channels, num_levels]`.

    Raises:
      ValueError: if `conditional_input` is missing for a conditional network
        or given to an unconditional one.
    """
    labels = self.labels(conditional_input)
    dropout_rate = self.dropout_rate if training else 0.
    vertical, horizontal = self.first(inputs, inputs, labels)
    for block in self.blocks:
      vertical, horizontal = block(vertical, horizontal, labels, dropout_rate)
    x = horizontal
    for index, layer in enumerate(self.head):
      x = layer(tf.nn.relu(x))
      if labels is not None:
        x += self.head_labels[index](labels)
    height, width, channels = self.image_shape
    return tf.reshape(x, [-1, height, width, channels, self.num_levels])

  def labels(self, conditional_input):
    """Checks `conditional_input` against `num_classes`.

    Args:
      conditional_input: one-hot labels `[..., num_classes]`, or `None`.

    Returns:
      labels: float `Tensor` `[..., num_classes]`, or `None`.

    Raises:
      ValueError: if it is missing for a conditional network, given to an
        unconditional one, or its last dimension is not `num_classes`.
    """
    return layers.network_labels(conditional_input, self.num_classes,
                                 self.head[0].bias.dtype)
