"""The `categorical` family: `tfp_pixel.CategoricalPixelCNN`, a softmax over
`K` levels per channel, with the masked (`plain`) or the `gated` network."""

from tfp_pixel.families import model_size
from tfp_pixel.families import registry

__all__ = ['FAMILY']

_MODULE = 'tfp_pixel.distributions.categorical_pixel_cnn'
_CLASS = 'CategoricalPixelCNN'


def _estimate(config):
  height, width, channels = config['image_shape']
  filters = config['num_filters']
  blocks = config['num_residual_blocks']
  first, kernel = config['first_kernel_size'], config['kernel_size']
  conv = model_size.conv_parameters
  embedding, inputs = model_size.level_inputs_size(channels,
                                                   config['num_levels'])
  if config['architecture'] == 'plain':
    half = filters // 2
    layers = conv(first**2, inputs, filters) + blocks * (
        conv(1, filters, half) + conv(kernel**2, half, half) +
        conv(1, half, filters))
    features = inputs + filters + 5 * blocks * filters
    label_features = filters + 2 * blocks * filters
  else:

    def gated(inputs, size, residual):
      taps = size // 2 + 1
      return (conv(taps * size, inputs, 2 * filters) +
              conv(taps, inputs, 2 * filters) +
              conv(1, 2 * filters, 2 * filters) +
              (conv(1, filters, filters) if residual else 0))

    layers = gated(inputs, first, False) + blocks * gated(filters, kernel,
                                                          True)
    features = inputs + 16 * (blocks + 1) * filters
    label_features = 4 * (blocks + 1) * filters
  output_filters = config['num_output_filters'] or filters
  head, head_features = model_size.head_size(
      filters, output_filters, channels, config['num_levels'])
  labels = (config['num_classes'] or 0) * (
      label_features + 2 * output_filters + channels * config['num_levels'])
  return model_size.Estimate(parameters=embedding + layers + head + labels,
                             activations=height * width * (features +
                                                           head_features))


FAMILY = registry.register(registry.ModelFamily(
    name='categorical',
    kind='images',
    summary='PixelCNN with a softmax over K levels per channel '
            '(tfp_pixel.CategoricalPixelCNN; --levels K, --arch plain|gated)',
    defaults=registry.constructor_defaults(
        _MODULE, _CLASS, ('num_filters', 'num_residual_blocks',
                          'first_kernel_size', 'kernel_size',
                          'num_output_filters', 'dropout_rate',
                          'architecture')),
    options=(
        registry.filters_option(),
        registry.Option('--blocks', 'num_residual_blocks', minimum=0,
                        help='residual blocks (gated: gated layers)'),
        registry.dropout_option('dropout_rate'),
    ),
    architectures=registry.architectures_of(_MODULE),
    selected_by=('--blocks', '--levels'),
    estimate=_estimate,
    nullable={'num_output_filters': int},
    build=registry.level_model_build(_MODULE, _CLASS)))
