"""The network of the categorical PixelCNN (van den Oord et al., 2016)."""

import tensorflow as tf

from tfp_pixel import layers

__all__ = ['CategoricalPixelCNNNetwork']


class CategoricalPixelCNNNetwork(tf.Module):
  """Maps images to per-pixel, per-channel logits over quantized levels.

  Layers: a type-A masked `first_kernel_size` convolution; residual blocks of
  (1x1 conv halving the filters, type-B masked `kernel_size` conv, 1x1 conv
  back, skip connection); two 1x1 type-B layers; a 1x1 output layer with
  `num_levels` logits per channel. ReLU activations. Every layer is masked so
  that the logits of channel `c` at pixel `(i, j)` depend only on pixels before
  `(i, j)` in raster order and on channels `< c` of pixel `(i, j)`.

  With `num_classes`, the network is class-conditional: every layer adds a
  per-feature bias projected from the one-hot label (`layers.LabelProjection`,
  one per layer), the same at every pixel (van den Oord et al., 2016b).
  """

  def __init__(self, image_shape, num_levels, num_filters=64,
               num_residual_blocks=5, first_kernel_size=7, kernel_size=3,
               num_output_filters=None, dropout_rate=0., num_classes=None,
               dtype=tf.float32, name=None):
    """Creates the network's variables.

    Args:
      image_shape: `(height, width, channels)` of the images.
      num_levels: Python `int`, quantized levels per channel.
      num_filters: Python `int`, feature maps of the residual stack.
      num_residual_blocks: Python `int`, residual blocks after the first layer.
      first_kernel_size: odd Python `int`, size of the type-A convolution.
      kernel_size: odd Python `int`, size of the masked convolution of each
        residual block.
      num_output_filters: Python `int`, feature maps of the two 1x1 layers
        before the output layer; defaults to `num_filters`.
      dropout_rate: Python `float` in `[0, 1)`, dropout inside residual blocks
        when called with `training=True`.
      num_classes: Python `int`, the number of class labels of a
        class-conditional network, or `None` for an unconditional one.
      dtype: float `tf.DType` of the variables.
      name: Python `str` name of the module.

    Raises:
      ValueError: if a size is too small for the image's channel groups, or
        `num_classes` is not a positive integer.
    """
    super().__init__(name=name)
    _, _, channels = image_shape
    num_output_filters = num_output_filters or num_filters
    half = num_filters // 2
    if half < channels or num_output_filters < channels:
      raise ValueError(
          '`num_filters` and `num_output_filters` must be at least {} for {} '
          'channel(s), got {} and {}.'.format(2 * channels, channels,
                                              num_filters, num_output_filters))
    if not 0. <= dropout_rate < 1.:
      raise ValueError(
          '`dropout_rate` must be in [0, 1), got {}.'.format(dropout_rate))
    if num_classes is not None and (
        isinstance(num_classes, bool) or int(num_classes) != num_classes or
        num_classes < 1):
      raise ValueError('`num_classes` must be a positive integer or None, got '
                       '{!r}.'.format(num_classes))
    self.image_shape = tuple(image_shape)
    self.num_classes = None if num_classes is None else int(num_classes)
    self.num_levels = num_levels
    self.dropout_rate = dropout_rate
    conv = lambda i, o, k, t: layers.MaskedConv2D(  # pylint: disable=g-long-lambda
        i, o, (k, k), num_groups=channels, mask_type=t, dtype=dtype)
    self.first = conv(channels, num_filters, first_kernel_size, 'A')
    self.blocks = [
        (conv(num_filters, half, 1, 'B'),
         conv(half, half, kernel_size, 'B'),
         conv(half, num_filters, 1, 'B'))
        for _ in range(num_residual_blocks)]
    self.head = [
        conv(num_filters, num_output_filters, 1, 'B'),
        conv(num_output_filters, num_output_filters, 1, 'B'),
        conv(num_output_filters, channels * num_levels, 1, 'B')]
    self.label_projections = None
    if self.num_classes is not None:
      self.label_projections = [
          layers.LabelProjection(self.num_classes, int(layer.bias.shape[0]),
                                 dtype=dtype)
          for layer in self.conv_layers()]

  def conv_layers(self):
    """Every `MaskedConv2D` of the network, first layer to output layer."""
    return [self.first] + [layer for block in self.blocks for layer in block
                           ] + list(self.head)

  def label_biases(self, conditional_input):
    """The per-layer biases of the labels, in `conv_layers()` order.

    Args:
      conditional_input: float `Tensor` `[batch, num_classes]` (or
        `[num_classes]`, one label for the batch), or `None`.

    Returns:
      biases: list of `[batch, 1, 1, features]` `Tensor`s, one per layer of
        `conv_layers()`, or of `None`s for an unconditional network.

    Raises:
      ValueError: if `conditional_input` is missing for a conditional network
        or given to an unconditional one.
    """
    labels = layers.network_labels(conditional_input, self.num_classes,
                                   self.head[0].bias.dtype)
    if labels is None:
      return [None] * len(self.conv_layers())
    return [projection(labels)
            for projection in self.label_projections]

  def __call__(self, inputs, training=False, conditional_input=None):
    """Computes logits.

    Args:
      inputs: float `Tensor` of shape `[batch, height, width, channels]`, the
        levels mapped onto `[-1, 1]`.
      training: Python `bool`, whether dropout is active.
      conditional_input: float one-hot `Tensor` `[batch, num_classes]` (or
        `[num_classes]` for the whole batch) for a conditional network, else
        `None`.

    Returns:
      logits: `Tensor` of shape `[batch, height, width, channels, num_levels]`.

    Raises:
      ValueError: if `conditional_input` does not match `num_classes`.
    """
    biases = dict(zip(map(id, self.conv_layers()),
                      self.label_biases(conditional_input)))

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
    hidden_1, hidden_2, output = self.head
    x = tf.nn.relu(conv(hidden_2, tf.nn.relu(conv(hidden_1, tf.nn.relu(x)))))
    logits = conv(output, x)
    height, width, channels = self.image_shape
    return tf.reshape(
        logits, [-1, height, width, channels, self.num_levels])
