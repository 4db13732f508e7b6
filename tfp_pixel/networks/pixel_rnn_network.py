"""The networks of PixelRNN: Row LSTM and Diagonal BiLSTM stacks (van den
Oord et al., 2016)."""

import collections

import tensorflow as tf

from tfp_pixel.networks import categorical_network
from tfp_pixel.networks import diagonal_bilstm
from tfp_pixel.networks import masked_layers
from tfp_pixel.networks import row_lstm

__all__ = ['ConditioningBiases', 'DiagonalBiLSTMNetwork', 'PixelRNNNetwork',
           'RowLSTMNetwork']

ConditioningBiases = collections.namedtuple('ConditioningBiases',
                                            ['first', 'layers', 'head'])
ConditioningBiases.__doc__ = """Per-layer conditioning biases, a label's
`[batch, 1, 1, features]` or a map's `[batch, height, width, features]` each
(or `None`s): the first layer's, one per LSTM layer (added to its gate
pre-activations) and one per head layer."""


class PixelRNNNetwork(categorical_network.CategoricalNetwork):
  """Maps images to per-pixel, per-channel logits through LSTM layers.

  Layers: a `first_kernel_size` convolution with mask A from the level
  inputs (`level_inputs`) to `2h` features (`h = hidden_units`);
  `num_layers` residual LSTM layers (`layer_class`: `row_lstm.RowLSTMLayer`
  or `diagonal_bilstm.DiagonalBiLSTMLayer`), each with `2h` features in and
  out and a state of `h`; the ReLU + 1x1 mask-B head
  (`categorical_network.make_head`) ending in `num_levels` logits per
  channel. Every masked layer splits its features into the image's channel
  groups, so that the logits of channel `c` at `(i, j)` depend only on the
  pixels before `(i, j)` and on the channels `< c` of `(i, j)`.

  With `num_classes`, the first layer, every LSTM layer's gates and every
  head layer add a bias projected from the one-hot label
  (`label_projection.LabelProjection`), the same at every pixel; with
  `conditional_shape`, a bias projected from a map's features at each pixel
  (`map_conditioning.MapConditioning`).

  #### References

  [1]: Aaron van den Oord, Nal Kalchbrenner, Koray Kavukcuoglu. Pixel
       Recurrent Neural Networks. In _International Conference on Machine
       Learning_, 2016. https://arxiv.org/abs/1601.06759
  """

  layer_class = None

  def __init__(self, image_shape, num_levels, num_layers=7, hidden_units=16,
               first_kernel_size=7, num_output_filters=None, dropout_rate=0.,
               num_classes=None, dtype=tf.float32, name=None,
               conditional_shape=None):
    """Creates the network's variables.

    Args:
      image_shape: `(height, width, channels)` of the images.
      num_levels: Python `int`, quantized levels per channel.
      num_layers: Python `int >= 1`, LSTM layers.
      hidden_units: Python `int`, features of each LSTM state (`h`); the
        layers' inputs and outputs have `2h`.
      first_kernel_size: odd Python `int >= 3`, size of the mask-A
        convolution.
      num_output_filters: Python `int`, features of the head's hidden layers;
        defaults to `2 * hidden_units`.
      dropout_rate: Python `float` in `[0, 1)`, dropout on every LSTM layer's
        residual branch when called with `training=True`.
      num_classes: Python `int` or `None`, classes of a class-conditional
        network.
      dtype: float `tf.DType` of the variables.
      name: Python `str` name of the module.
      conditional_shape: `(height, width, features)` of the map of a
        map-conditional network, or `None` (see `CategoricalNetwork`); its
        conditioning stack has `2 * hidden_units` features.

    Raises:
      ValueError: if a size is out of range or too small for the image's
        channel groups.
    """
    super().__init__(image_shape, num_levels, num_classes, dropout_rate,
                     dtype, name, conditional_shape=conditional_shape,
                     map_features=2 * hidden_units)
    channels = self.image_shape[-1]
    features = 2 * hidden_units
    num_output_filters = num_output_filters or features
    if num_layers < 1:
      raise ValueError('`num_layers` must be at least 1, got {}.'.format(
          num_layers))
    if hidden_units < channels or num_output_filters < channels:
      raise ValueError(
          '`hidden_units` and `num_output_filters` must be at least {} for {} '
          'channel(s), got {} and {}.'.format(channels, channels, hidden_units,
                                              num_output_filters))
    if first_kernel_size < 3 or first_kernel_size % 2 == 0:
      raise ValueError('`first_kernel_size` must be odd and at least 3, got '
                       '{}.'.format(first_kernel_size))
    self.num_layers = int(num_layers)
    self.hidden_units = int(hidden_units)
    self.first = self._first_layer(self.level_inputs.num_features, features,
                                   first_kernel_size, dtype)
    self.layers = [self.layer_class(features, hidden_units, channels, dtype)
                   for _ in range(num_layers)]
    self.head = categorical_network.make_head(
        features, num_output_filters, channels, self.num_levels, dtype=dtype)
    self.label_projections = self.conditioning.projections(
        [features] + [layer.gate_features for layer in self.layers] +
        [int(layer.bias.shape[0]) for layer in self.head])

  def conditioning_biases(self, conditional_input):
    """The conditioning bias of every layer.

    Args:
      conditional_input: float one-hot `[batch, num_classes]` (or
        `[num_classes]` for the whole batch), a map
        `[batch, height, width, features]` (or one for the whole batch), or
        `None`.

    Returns:
      biases: a `ConditioningBiases`, of `None`s for an unconditional
        network.

    Raises:
      ValueError: if `conditional_input` does not fit the network.
    """
    return self._conditioning_biases(self.condition(conditional_input))

  def _conditioning_biases(self, condition):
    if condition is None:
      return ConditioningBiases(None, [None] * self.num_layers,
                                [None] * len(self.head))
    biases = [projection(condition)
              for projection in self.label_projections]
    return ConditioningBiases(biases[0], biases[1:1 + self.num_layers],
                              biases[1 + self.num_layers:])

  def _features(self, inputs, condition, training):
    biases = self._conditioning_biases(condition)
    x = self.first(inputs)
    if biases.first is not None:
      x += biases.first
    dropout_rate = self.dropout_rate if training else 0.
    state_inputs = self._first_state_inputs(inputs, x)
    for layer, bias in zip(self.layers, biases.layers):
      x = layer(x, gate_bias=bias, dropout_rate=dropout_rate, **state_inputs)
      state_inputs = {}
    return categorical_network.apply_head(self.head, x, biases.head)

  def _first_layer(self, in_features, features, kernel_size, dtype):
    """The first layer: a `kernel_size` convolution with mask A from the
    `in_features` level inputs."""
    return masked_layers.MaskedConv2D(
        in_features, features, (kernel_size, kernel_size),
        num_groups=self.image_shape[-1], mask_type='A', dtype=dtype)

  def _first_state_inputs(self, inputs, x):
    """Further inputs of the first LSTM layer's `layer_states` (a `dict`),
    from the network's `inputs` and the first layer's output `x`."""
    del inputs, x
    return {}


class RowLSTMNetwork(PixelRNNNetwork):
  """`PixelRNNNetwork` of Row LSTM layers (a triangular receptive field)."""

  layer_class = row_lstm.RowLSTMLayer


class DiagonalBiLSTMNetwork(PixelRNNNetwork):
  """`PixelRNNNetwork` of Diagonal BiLSTM layers (every earlier pixel).

  The first layer is a `diagonal_bilstm.OpenCentreConv2D`: the first LSTM
  layer's right-to-left direction reads it with its centre tap open, so that
  the right-to-left states of a row hold the row's last pixel (see
  `diagonal_bilstm`).
  """

  layer_class = diagonal_bilstm.DiagonalBiLSTMLayer

  def _first_layer(self, in_features, features, kernel_size, dtype):
    return diagonal_bilstm.OpenCentreConv2D(
        in_features, features, (kernel_size, kernel_size),
        num_groups=self.image_shape[-1], dtype=dtype)

  def _first_state_inputs(self, inputs, x):
    return {'backward_inputs': self.first.open_centre(inputs, x)}
