"""What every network of a categorical image model shares: the output head.

A categorical network maps images, their levels mapped by its `level_inputs`
(scaled onto `[-1, 1]`, or embedded above 256 levels), to logits
`[batch, height, width, channels, num_levels]`; the logits of channel `c` at
pixel `(i, j)` may depend only on the pixels before `(i, j)` in raster order
and on the channels `< c` of `(i, j)`. `CategoricalNetwork` checks the
arguments every such network takes, holds its `LevelInputs` and its
`conditioning` (a label's, a map's or none: `map_conditioning`), which turns
a conditional network's `conditional_input` into what its layers' biases are
computed from; `make_head` and
`apply_head` are the 1x1 type-B layers that end every one of them (van den
Oord et al., 2016).
"""

import tensorflow as tf

from tfp_pixel import class_labels
from tfp_pixel import quantization
from tfp_pixel import shapes
from tfp_pixel.networks import level_inputs
from tfp_pixel.networks import map_conditioning
from tfp_pixel.networks import masked_layers

__all__ = ['CategoricalNetwork', 'apply_head', 'make_head']


class CategoricalNetwork(tf.Module):
  """Base of the networks of `CategoricalPixelCNN` (and later models).

  Subclasses create their layers in `__init__` after calling this one (the
  first one reads `level_inputs.num_features` features, one group per
  channel; a conditional layer's projection comes from
  `conditioning.projections`), and implement
  `_features(inputs, condition, training)`, returning the output layer's
  `[batch, height, width, channels * num_levels]` features given the
  `condition` (`conditioning.features`, or `None`).

  Attributes:
    image_shape: `(height, width, channels)`.
    num_levels: Python `int`, quantized levels per channel.
    level_inputs: the `level_inputs.LevelInputs` mapping levels to the
      network's inputs (with an embedding table above 256 levels).
    num_classes: Python `int` of a class-conditional network, or `None`.
    conditional_shape: `(height, width, features)` of a map-conditional
      network, or `None`.
    conditioning: its `map_conditioning.MapConditioning` or
      `LabelConditioning` (of `num_classes`, `None` when unconditional).
    dropout_rate: Python `float` in `[0, 1)`, active with `training=True`.
  """

  def __init__(self, image_shape, num_levels, num_classes=None,
               dropout_rate=0., dtype=tf.float32, name=None,
               conditional_shape=None, map_features=32):
    """Checks the arguments every categorical network takes.

    Args:
      image_shape: `(height, width, channels)` of the images.
      num_levels: Python `int`, quantized levels per channel.
      num_classes: Python `int`, the number of class labels of a
        class-conditional network, or `None`.
      dropout_rate: Python `float` in `[0, 1)`, dropout when called with
        `training=True`.
      dtype: float `tf.DType` of the variables.
      name: Python `str` name of the module.
      conditional_shape: `(height, width, features)` of the map of a
        map-conditional network (the image's height and width), or `None`;
        not with `num_classes`.
      map_features: Python `int`, features of a map's conditioning stack.

    Raises:
      ValueError: if an argument is out of range.
    """
    super().__init__(name=name)
    self.image_shape = shapes.check_image_shape(image_shape)
    self.num_levels = quantization.check_num_levels(num_levels)
    self.num_classes = class_labels.check_num_classes(num_classes)
    self.conditional_shape = map_conditioning.check_conditional_shape(
        conditional_shape, self.image_shape, self.num_classes)
    if not 0. <= dropout_rate < 1.:
      raise ValueError(
          '`dropout_rate` must be in [0, 1), got {}.'.format(dropout_rate))
    self.dropout_rate = float(dropout_rate)
    self._float_dtype = tf.as_dtype(dtype)
    self.level_inputs = level_inputs.LevelInputs(
        self.num_levels, self.image_shape[-1], dtype=self._float_dtype)
    self.conditioning = map_conditioning.make_conditioning(
        self.image_shape, self.num_classes, self.conditional_shape,
        map_features, self._float_dtype)

  @property
  def float_dtype(self):
    """Float `tf.DType` of the variables."""
    return self._float_dtype

  def network_inputs(self, levels):
    """Maps levels `[..., channels]` to the network's inputs
    `[..., level_inputs.num_features]`: scaled onto `[-1, 1]`, or embedded
    above 256 levels (`networks.level_inputs`)."""
    return self.level_inputs(levels)

  def condition(self, conditional_input):
    """Checks `conditional_input`; what the layers' conditioning biases are
    computed from (`conditioning.features`).

    Args:
      conditional_input: one-hot labels `[..., num_classes]`, a map
        `[..., height, width, features]`, or `None`.

    Returns:
      condition: the labels `[..., num_classes]`, the map's features
        `[batch, height, width, F]`, or `None`.

    Raises:
      ValueError: if it is missing for a conditional network, given to an
        unconditional one, or does not end in its shape.
    """
    return self.conditioning.features(conditional_input)

  def __call__(self, inputs, training=False, conditional_input=None):
    """Computes logits.

    Args:
      inputs: float `Tensor` of shape `[batch, height, width,
        level_inputs.num_features]`, the levels mapped by `level_inputs`.
      training: Python `bool`, whether dropout is active.
      conditional_input: float one-hot `Tensor` `[batch, num_classes]` (or
        `[num_classes]` for the whole batch) for a class-conditional network,
        a float map `[batch, height, width, features]` (or one map for the
        whole batch) for a map-conditional one, else `None`.

    Returns:
      logits: `Tensor` of shape `[batch, height, width, channels, num_levels]`.

    Raises:
      ValueError: if `conditional_input` does not fit the network.
    """
    features = self._features(inputs, self.condition(conditional_input),
                              training)
    height, width, channels = self.image_shape
    return tf.reshape(features,
                      [-1, height, width, channels, self.num_levels])

  def _features(self, inputs, labels, training):
    raise NotImplementedError


def make_head(num_features, num_output_filters, channels, num_levels,
              num_hidden=2, dtype=tf.float32, output_init_scale=1.):
  """The 1x1 type-B layers at the end of a categorical network.

  Args:
    num_features: Python `int`, features of the head's input.
    num_output_filters: Python `int`, features of the hidden layers.
    channels: Python `int`, the image's colour channels.
    num_levels: Python `int`, logits per channel.
    num_hidden: Python `int`, hidden layers before the output layer.
    dtype: float `tf.DType` of the variables.
    output_init_scale: Python `float`, a factor on the output layer's
      initial kernel (below 1: logits that start near uniform).

  Returns:
    head: list of `num_hidden + 1` `MaskedConv2D`s; the last has
      `channels * num_levels` outputs.
  """
  sizes = [num_features] + [num_output_filters] * num_hidden + [
      channels * num_levels]
  scales = [1.] * num_hidden + [output_init_scale]
  return [masked_layers.MaskedConv2D(i, o, num_groups=channels, dtype=dtype,
                                     init_scale=scale)
          for i, o, scale in zip(sizes[:-1], sizes[1:], scales)]


def apply_head(head, x, label_biases=None):
  """`ReLU` then each layer of `head`; a layer's conditioning bias is added
  to it.

  Args:
    head: list of `MaskedConv2D`, from `make_head`.
    x: `[batch, height, width, features]`.
    label_biases: `None`, or one conditioning bias (or `None`) per layer: a
      label's `[batch, 1, 1, features]`, a map's
      `[batch, height, width, features]`.

  Returns:
    features: the output layer's `[batch, height, width, channels * K]`.
  """
  for index, layer in enumerate(head):
    x = layer(tf.nn.relu(x))
    if label_biases is not None and label_biases[index] is not None:
      x += label_biases[index]
  return x
