"""The PixelSNAIL network (Chen et al., 2018): causal convolutions and causal
self-attention over every earlier pixel.

```none
inputs --A--> s --[num_resnet x gated residual 3x3]--> u --attention--> s ...
                                                          (num_blocks times)
```

`inputs` are the pixels in the network's units (`network_inputs`), `A` a
3x3 masked convolution that sees only earlier pixels, and every later
convolution a 3x3 masked one of type B over one group (the pixels above and
to the left, and the position itself: PixelCNN++'s down and down-right
shifted convolutions in one kernel). So the features at pixel `t` depend
only on the pixels before `t` in raster order. Each block ends in an
attention layer: the queries come from the block's output `u` and a
positional background `(row, column)`, the keys and values from the pixels
`inputs`, `u` and the background (as in the paper, the pixel values
themselves, so that a pixel can read any earlier one directly). Attention is
masked so that position `t` reads positions `s < t` only
(`causal_attention`), and its output enters a gated residual of 1x1 layers
on `u`. Every gated residual adds the condition's bias in a conditional
network: a label's, the same at every pixel, or a map's, with the image's
height and width, at each pixel (`map_conditioning`).

The output head turns the features of a pixel into its distribution:
`CategoricalHead`, logits over `num_levels` per channel in channel order
(channel `c` also reads the pixel's channels `< c` through a 1x1 type-A
layer, then the categorical models' own 1x1 type-B layers,
`categorical_network.make_head`), or `mixture_head.MixtureHead`, the
parameters of PixelCNN++'s discretized logistic mixture.
"""

import numpy as np
import tensorflow as tf

from tfp_pixel import class_labels
from tfp_pixel import quantization
from tfp_pixel import shapes
from tfp_pixel.networks import categorical_network
from tfp_pixel.networks import causal_attention
from tfp_pixel.networks import level_inputs
from tfp_pixel.networks import map_conditioning
from tfp_pixel.networks import masked_layers
from tfp_pixel.networks import mixture_head

__all__ = ['AttentionBlock', 'Block', 'CategoricalHead', 'GatedResidual',
           'PixelSNAILNetwork', 'background', 'check_arguments']

KERNEL_SIZE = (3, 3)
# The last layers of every residual branch and of the head start small
# (their kernels times this): each block starts near the identity and the
# head near uniform, which trains faster and steadier than full-size
# kernels through the unnormalized stack (`bench/pixel_snail_quality.py`).
RESIDUAL_INIT_SCALE = 0.1


class GatedResidual(tf.Module):
  """`x + a * sigmoid(b)`, `[a, b] = W2 dropout(elu(W1 elu(x) [+ V elu(aux)]))
  [+ conditioning bias]`, the gated residual of PixelCNN++ (Salimans et al.).

  `W1` and `W2` are masked convolutions of type B over one group (3x3 in the
  convolution stack, 1x1 in the attention layers); `V` a 1x1 layer of an
  auxiliary input. `W2` starts small (`RESIDUAL_INIT_SCALE`).
  """

  def __init__(self, features, kernel_size, aux_features=0, conditioning=None,
               dtype=tf.float32, name=None):
    super().__init__(name=name)
    self.first = masked_layers.MaskedConv2D(features, features, kernel_size,
                                            dtype=dtype)
    self.second = masked_layers.MaskedConv2D(features, 2 * features,
                                             kernel_size, dtype=dtype,
                                             init_scale=RESIDUAL_INIT_SCALE)
    self.aux = (masked_layers.MaskedConv2D(aux_features, features,
                                           dtype=dtype)
                if aux_features else None)
    projections = (None if conditioning is None else
                   conditioning.projections([2 * features]))
    self.label = projections[0] if projections else None

  def hidden(self, x, aux=None, training=False, dropout_rate=0.):
    """`dropout(elu(W1 elu(x) + V elu(aux)))`, the second layer's input."""
    hidden = self.first(tf.nn.elu(x))
    if self.aux is not None:
      hidden += self.aux(tf.nn.elu(aux))
    hidden = tf.nn.elu(hidden)
    if training and dropout_rate > 0.:
      hidden = tf.nn.dropout(hidden, rate=dropout_rate)
    return hidden

  def gate(self, x, second, condition=None):
    """`x + a * sigmoid(b)` from the second layer's output `second`, given
    the network's condition (`conditioning.features`, or at the positions
    of `x`: `conditioning.position`)."""
    if self.label is not None:
      second += self.label(condition)
    value, gate = tf.split(second, 2, axis=-1)
    return x + value * tf.sigmoid(gate)

  def __call__(self, x, aux=None, condition=None, training=False,
               dropout_rate=0.):
    hidden = self.hidden(x, aux, training, dropout_rate)
    return self.gate(x, self.second(hidden), condition)


class AttentionBlock(tf.Module):
  """The attention layer that ends a block (see the module docstring)."""

  def __init__(self, input_features, num_filters, num_heads, key_size,
               value_size, conditioning, dtype, name=None):
    super().__init__(name=name)
    self.num_heads = num_heads
    self.key_size = key_size
    self.value_size = value_size
    content = input_features + num_filters + 2
    query = num_filters + 2
    self.content = GatedResidual(content, (1, 1), conditioning=conditioning,
                                 dtype=dtype)
    self.keys_values = masked_layers.MaskedConv2D(
        content, num_heads * (key_size + value_size), dtype=dtype)
    self.query = GatedResidual(query, (1, 1), conditioning=conditioning,
                               dtype=dtype)
    self.queries = masked_layers.MaskedConv2D(query, num_heads * key_size,
                                              dtype=dtype)
    self.output = GatedResidual(num_filters, (1, 1),
                                aux_features=num_heads * value_size,
                                conditioning=conditioning, dtype=dtype)

  def keys_and_values(self, inputs, block_output, background_features,
                      condition=None):
    """Keys `[..., heads * key_size]` and values `[..., heads * value_size]`
    of positions from their pixels, block outputs and backgrounds."""
    content = tf.concat([inputs, block_output, background_features], -1)
    projected = self.keys_values(self.content(content, condition=condition))
    return tf.split(projected, [self.num_heads * self.key_size,
                                self.num_heads * self.value_size], -1)

  def queries_of(self, block_output, background_features, condition=None):
    """Queries `[..., heads * key_size]` of positions."""
    query = tf.concat([block_output, background_features], -1)
    return self.queries(self.query(query, condition=condition))

  def __call__(self, inputs, block_output, background_features,
               condition=None, training=False, dropout_rate=0.):
    batch_size = tf.shape(block_output)[0]
    height, width = block_output.shape[1:3]
    background_features = tf.broadcast_to(
        background_features, tf.stack([batch_size, height, width, 2]))
    keys, values = self.keys_and_values(inputs, block_output,
                                        background_features, condition)
    queries = self.queries_of(block_output, background_features, condition)
    flat = [tf.reshape(t, [-1, height * width, t.shape[-1]])
            for t in (queries, keys, values)]
    attended = tf.reshape(causal_attention.attend(*flat, self.num_heads),
                          [-1, height, width, self.num_heads * self.value_size])
    return self.output(block_output, aux=attended, condition=condition,
                       training=training, dropout_rate=dropout_rate)


class Block(tf.Module):
  """`num_resnet` gated residuals of 3x3 convolutions, then attention."""

  def __init__(self, num_resnet, input_features, num_filters, num_heads,
               key_size, value_size, conditioning, dtype, name=None):
    super().__init__(name=name)
    self.residuals = [GatedResidual(num_filters, KERNEL_SIZE,
                                    conditioning=conditioning, dtype=dtype)
                      for _ in range(num_resnet)]
    self.attention = AttentionBlock(input_features, num_filters, num_heads,
                                    key_size, value_size, conditioning, dtype)


class CategoricalHead(tf.Module):
  """Logits `[..., C, num_levels]` of a pixel from its features and its own
  earlier channels (see the module docstring)."""

  def __init__(self, num_filters, input_features, channels, num_levels,
               num_output_filters, dtype, name=None):
    super().__init__(name=name)
    self.channels = channels
    self.num_levels = num_levels
    self.features = masked_layers.MaskedConv2D(num_filters,
                                               num_output_filters,
                                               dtype=dtype)
    # Channel c reads the pixel's channels < c; one channel reads none.
    self.own = (masked_layers.MaskedConv2D(
        input_features, num_output_filters, num_groups=channels,
        mask_type='A', dtype=dtype) if channels > 1 else None)
    self.layers = categorical_network.make_head(
        num_output_filters, num_output_filters, channels, num_levels,
        num_hidden=1, dtype=dtype, output_init_scale=RESIDUAL_INIT_SCALE)

  def __call__(self, features, inputs):
    """Logits from features `[..., F]` and the pixels' inputs `[..., Fin]`
    (rank 4: `[batch, H, W, .]`)."""
    hidden = self.features(tf.nn.elu(features))
    if self.own is not None:
      hidden += self.own(inputs)
    logits = categorical_network.apply_head(self.layers, hidden)
    return tf.reshape(logits, tf.concat(
        [tf.shape(logits)[:-1], [self.channels, self.num_levels]], 0))


class PixelSNAILNetwork(tf.Module):
  """Maps images to the parameters of each pixel's conditional.

  Attributes:
    image_shape: `(height, width, channels)`.
    num_levels: Python `int` of a categorical network, else `None`.
    num_logistic_mix: Python `int` of a mixture network, else `None`.
    num_classes: Python `int` of a class-conditional network, or `None`.
    conditional_shape: `(height, width, features)` of a map-conditional
      network, or `None`.
    conditioning: its `map_conditioning.MapConditioning` or
      `LabelConditioning` (of `num_classes`, `None` when unconditional).
    dropout_rate: Python `float`, active with `training=True`.
  """

  def __init__(self, image_shape, num_levels=None, num_logistic_mix=None,
               high=255, num_blocks=2, num_resnet=2, num_filters=64,
               num_heads=1, key_size=16, value_size=32,
               num_output_filters=None, dropout_p=0., num_classes=None,
               dtype=tf.float32, name=None, conditional_shape=None):
    """Creates the layers.

    Args:
      image_shape: `(height, width, channels)`.
      num_levels: Python `int`, levels per channel of a categorical head.
      num_logistic_mix: Python `int`, components of a mixture head (give
        exactly one of the two).
      high: Python `int`, the largest value of a mixture head's pixels
        (in `[0, high]`).
      num_blocks: Python `int`, blocks of convolutions and attention.
      num_resnet: Python `int`, gated residuals of 3x3 convolutions per
        block.
      num_filters: Python `int`, features of the convolution stack.
      num_heads: Python `int`, attention heads.
      key_size: Python `int`, features of each head's keys and queries.
      value_size: Python `int`, features of each head's values.
      num_output_filters: Python `int`, features of a categorical head's
        hidden layers; `None` for `num_filters`.
      dropout_p: Python `float` in `[0, 1)`, the dropout rate.
      num_classes: Python `int` of a class-conditional network, or `None`.
      dtype: float `tf.DType` of the variables.
      name: Python `str` name of the module.
      conditional_shape: `(height, width, features)` of the map of a
        map-conditional network (the image's height and width), or `None`;
        not with `num_classes`. Its conditioning stack has `num_filters`
        features.

    Raises:
      ValueError: one line naming the argument, if one is out of range.
    """
    super().__init__(name=name)
    check_arguments(image_shape, num_levels, num_logistic_mix, high,
                    num_blocks, num_resnet, num_filters, num_heads, key_size,
                    value_size, num_output_filters, dropout_p, num_classes,
                    conditional_shape)
    self.image_shape = shapes.check_image_shape(image_shape)
    channels = self.image_shape[-1]
    dtype = tf.as_dtype(dtype)
    self.num_classes = class_labels.check_num_classes(num_classes)
    self.conditional_shape = map_conditioning.check_conditional_shape(
        conditional_shape, self.image_shape, self.num_classes)
    self.num_levels = (None if num_levels is None else
                       quantization.check_num_levels(num_levels))
    self.num_logistic_mix = num_logistic_mix
    self.dropout_rate = float(dropout_p)
    self._float_dtype = dtype
    if self.num_levels is not None:
      self.level_inputs = level_inputs.LevelInputs(self.num_levels, channels,
                                                   dtype=dtype)
      input_features = self.level_inputs.num_features
    else:
      self.level_inputs = None
      self.high = int(high)
      input_features = channels
    self.input_features = input_features
    self.first = masked_layers.MaskedConv2D(input_features, num_filters,
                                            KERNEL_SIZE, mask_type='A',
                                            dtype=dtype)
    self.conditioning = map_conditioning.make_conditioning(
        self.image_shape, self.num_classes, self.conditional_shape,
        num_filters, dtype)
    self.blocks = [
        Block(num_resnet, input_features, num_filters, num_heads, key_size,
              value_size, self.conditioning, dtype)
        for _ in range(num_blocks)]
    if self.num_levels is not None:
      self.head = CategoricalHead(num_filters, input_features, channels,
                                  self.num_levels,
                                  num_output_filters or num_filters, dtype)
    else:
      self.head = mixture_head.MixtureHead(
          num_filters, channels, num_logistic_mix, dtype,
          init_scale=RESIDUAL_INIT_SCALE)

  @property
  def float_dtype(self):
    return self._float_dtype

  def network_inputs(self, values):
    """Maps pixels `[..., C]` to the network's inputs `[..., Fin]`: levels
    through `level_inputs`, mixture values in `[0, high]` onto `[-1, 1]` (as
    `CategoricalNetwork.network_inputs`)."""
    if self.level_inputs is not None:
      return self.level_inputs(values)
    return quantization.to_unit_interval(values, 0, self.high,
                                         self._float_dtype)

  def condition(self, conditional_input):
    """Checks `conditional_input`; what the gated residuals' conditioning
    biases are computed from (`conditioning.features`, as
    `CategoricalNetwork.condition`)."""
    return self.conditioning.features(conditional_input)

  def features(self, inputs, training=False, conditional_input=None):
    """The last block's features `[batch, H, W, num_filters]`; those at pixel
    `t` depend only on the inputs before `t` (and on the whole map of a
    map-conditional network)."""
    condition = self.condition(conditional_input)
    height, width, _ = self.image_shape
    grid = tf.cast(background(height, width), self._float_dtype)
    stream = self.first(inputs)
    for block in self.blocks:
      for residual in block.residuals:
        stream = residual(stream, condition=condition, training=training,
                          dropout_rate=self.dropout_rate)
      stream = block.attention(inputs, stream, grid, condition=condition,
                               training=training,
                               dropout_rate=self.dropout_rate)
    return stream

  def __call__(self, inputs, training=False, conditional_input=None):
    """The head's outputs at every pixel.

    Args:
      inputs: float `[batch, H, W, input_features]`, from `network_inputs`.
      training: Python `bool`, whether dropout is active.
      conditional_input: one-hot `[batch, num_classes]` (or `[num_classes]`)
        for a class-conditional network, a map `[batch, H, W, features]` (or
        `[H, W, features]`) for a map-conditional one, else `None`.

    Returns:
      A categorical network's logits `[batch, H, W, C, num_levels]`, or a
      mixture network's `mixture_head.split_params` list.
    """
    return self.head(self.features(inputs, training, conditional_input),
                     inputs)


def check_arguments(image_shape, num_levels, num_logistic_mix, high,
                    num_blocks, num_resnet, num_filters, num_heads, key_size,
                    value_size, num_output_filters, dropout_p,
                    num_classes, conditional_shape=None):
  """Checks the arguments of a `PixelSNAILNetwork` (see its constructor).

  Raises:
    ValueError: one line naming the first argument out of range.
  """
  shapes.check_image_shape(image_shape)
  if (num_levels is None) == (num_logistic_mix is None):
    raise ValueError('Give exactly one of `num_levels` (a softmax over '
                     'levels) and `num_logistic_mix` (a logistic mixture), '
                     'got num_levels={!r} and num_logistic_mix={!r}.'.format(
                         num_levels, num_logistic_mix))
  if num_levels is not None:
    quantization.check_num_levels(num_levels)
  else:
    shapes.check_size(num_logistic_mix, 'num_logistic_mix')
    quantization.check_value_range(0, high)
  sizes = dict(num_blocks=num_blocks, num_filters=num_filters,
               num_heads=num_heads, key_size=key_size, value_size=value_size)
  if num_output_filters is not None:
    sizes['num_output_filters'] = num_output_filters
  for key, value in sizes.items():
    shapes.check_size(value, key)
  shapes.check_size(num_resnet, 'num_resnet', minimum=0)
  if not 0. <= dropout_p < 1.:
    raise ValueError('`dropout_p` must be in [0, 1), got {!r}.'.format(
        dropout_p))
  map_conditioning.check_conditional_shape(
      conditional_shape, image_shape,
      class_labels.check_num_classes(num_classes))


def background(height, width):
  """The positional background `[1, H, W, 2]`: each pixel's row and column,
  centred and scaled to `[-1/2, 1/2)`."""
  rows = (np.arange(height) - height / 2.) / height
  cols = (np.arange(width) - width / 2.) / width
  grid = np.stack(np.meshgrid(rows, cols, indexing='ij'), axis=-1)
  return tf.constant(grid[np.newaxis], tf.float32)

