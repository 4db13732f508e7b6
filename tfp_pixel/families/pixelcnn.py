"""The `pixelcnn` family: `tfp_pixel.PixelCNN`, PixelCNN++ with logistic
mixtures.

Its sizes default to the book example's (one residual layer per block, two
resolutions, 32 filters, 5 components, dropout 0.3: a model that trains on a
CPU), not to the constructor's, which keeps `tfd.PixelCNN`'s (the paper's
CIFAR-10 model: 5, 3, 160, 10, 0.5) so that `tfp_pixel.PixelCNN` stands in for
it.
"""

from tfp_pixel.families import model_size
from tfp_pixel.families import registry

__all__ = ['FAMILY']


def _build(config):
  from tfp_pixel.distributions import pixel_cnn  # pylint: disable=g-import-not-at-top
  kwargs = registry.model_kwargs(config)
  kwargs['receptive_field_dims'] = tuple(kwargs['receptive_field_dims'])
  return pixel_cnn.PixelCNN(
      image_shape=tuple(config['image_shape']), low=0,
      high=config['num_levels'] - 1, num_classes=config['num_classes'],
      **kwargs)


def _estimate(config):
  """The size of TFP's `_PixelCNNNetwork` (Salimans et al. 2017): a
  vertical and a horizontal stack of gated residual layers, `num_resnet` per
  resolution up, one more down, halving the resolution between them."""
  height, width, channels = config['image_shape']
  filters, resnet = config['num_filters'], config['num_resnet']
  hierarchies, mix = config['num_hierarchies'], config['num_logistic_mix']
  rows, cols = config['receptive_field_dims']
  doubled = 2 if config['resnet_activation'] == 'concat_elu' else 1
  conv = model_size.conv_parameters
  # Weight norm adds a scale per output: one more bias's worth.
  norm = 2 if config['use_weight_norm'] else 1

  def gated(taps, aux_inputs):
    return (conv(taps, doubled * filters, filters) +
            (conv(1, doubled * aux_inputs, filters) if aux_inputs else 0) +
            conv(taps, doubled * filters, 2 * filters) + norm * 3 * filters +
            (config['num_classes'] or 0) * 2 * filters)

  vertical, horizontal = (2 * rows - 3) * cols, 3 * cols
  parameters = (conv((2 * rows - 1) * cols, channels, filters) +
                2 * conv(horizontal, channels, filters) +
                4 * (hierarchies - 1) * conv(4 * cols, filters, filters))
  features, scale = 0, 1.
  for level in range(hierarchies):
    down = resnet + (level > 0)
    parameters += resnet * (gated(vertical, 0) + gated(horizontal, filters))
    parameters += down * (gated(vertical, filters) +
                          gated(horizontal, 2 * filters))
    # Per gated layer: both activations, the convolutions, the auxiliary
    # input, dropout, the gate and the residual sum.
    features += scale * 2 * (resnet + down) * (2 * doubled + 8) * filters
    scale /= 4
  outputs = mix * (2 * channels + channels * (channels - 1) // 2 + 1)
  parameters += conv(1, filters, outputs)
  # The mixture's log-likelihood: a dozen tensors of every component and
  # channel.
  features += channels + outputs + 12 * mix * channels
  return model_size.Estimate(parameters=int(parameters),
                             activations=int(height * width * features))


FAMILY = registry.register(registry.ModelFamily(
    name='pixelcnn',
    kind='images',
    summary='PixelCNN++, a discretized logistic mixture per pixel '
            '(tfp_pixel.PixelCNN; --mix K)',
    defaults=registry.constructor_defaults(
        'tfp_pixel.distributions.pixel_cnn', 'PixelCNN',
        ('num_resnet', 'num_hierarchies', 'num_filters', 'num_logistic_mix',
         'dropout_p', 'receptive_field_dims', 'resnet_activation',
         'use_weight_norm', 'use_data_init'),
        # The book example's sizes (see above).
        num_resnet=1, num_hierarchies=2, num_filters=32, num_logistic_mix=5,
        dropout_p=0.3),
    options=(
        registry.Option('--mix', 'num_logistic_mix', minimum=1, metavar='K',
                        help='logistic components per pixel'),
        registry.filters_option(),
        registry.Option('--resnet', 'num_resnet', minimum=1,
                        help='residual layers per block'),
        registry.Option('--hierarchies', 'num_hierarchies', minimum=1,
                        help='resolution levels'),
        registry.dropout_option('dropout_p'),
    ),
    selected_by=('--mix',),
    estimate=_estimate,
    build=_build,
    event_dtype='float32'))
