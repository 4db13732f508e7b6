"""The `pixelrnn` family: `tfp_pixel.PixelRNN`, Row LSTM or Diagonal BiLSTM
layers with a softmax over `K` levels per channel."""

from tfp_pixel.families import model_size
from tfp_pixel.families import registry

__all__ = ['FAMILY']

_MODULE = 'tfp_pixel.distributions.pixel_rnn'
_CLASS = 'PixelRNN'


def _estimate(config):
  height, width, channels = config['image_shape']
  units, layers = config['hidden_units'], config['num_layers']
  features = 2 * units
  conv = model_size.conv_parameters
  embedding, inputs = model_size.level_inputs_size(channels,
                                                   config['num_levels'])
  if config['architecture'] == 'row_lstm':
    # One cell: a 1x3 input-to-state and a 1x3 state-to-state convolution.
    directions, input_taps, state_taps = 1, 3, 3
  else:
    # Two cells, each 1x1 input-to-state and two state-to-state taps, over
    # the skewed map (up to twice as wide).
    directions, input_taps, state_taps = 2, 1, 2
  cell = (conv(input_taps, features, 4 * units) +
          state_taps * units * 4 * units)
  layer = directions * cell + conv(1, units, features)
  # Pre-activations, gates, c, tanh(c) and h per direction, skewed;
  # the output and the residual sum.
  layer_features = directions**2 * 11 * units + 2 * features
  output_filters = config['num_output_filters'] or features
  head, head_features = model_size.head_size(
      features, output_filters, channels, config['num_levels'])
  labels = (config['num_classes'] or 0) * (
      features + layers * directions * 4 * units + 2 * output_filters +
      channels * config['num_levels'])
  return model_size.Estimate(
      parameters=(embedding +
                  conv(config['first_kernel_size']**2, inputs, features) +
                  layers * layer + head + labels),
      activations=height * width * (inputs + features +
                                    layers * layer_features + head_features))


FAMILY = registry.register(registry.ModelFamily(
    name='pixelrnn',
    kind='images',
    summary='PixelRNN, LSTM layers with a softmax over K levels per channel '
            '(tfp_pixel.PixelRNN; --arch row-lstm|diagonal-bilstm, '
            '--layers N, --hidden N)',
    defaults=registry.constructor_defaults(
        _MODULE, _CLASS, ('architecture', 'num_layers', 'hidden_units',
                          'first_kernel_size', 'num_output_filters',
                          'dropout_rate')),
    options=(
        registry.Option('--layers', 'num_layers', minimum=1,
                        help='LSTM layers'),
        registry.Option('--hidden', 'hidden_units', minimum=1,
                        help='units of each LSTM state (layers carry twice '
                             'as many features)'),
        registry.dropout_option('dropout_rate'),
    ),
    architectures=registry.architectures_of(_MODULE),
    selected_by=('--layers', '--hidden'),
    estimate=_estimate,
    nullable={'num_output_filters': int},
    build=registry.level_model_build(_MODULE, _CLASS)))
