"""The `pixelcnn` family: `tfp_pixel.PixelCNN`, PixelCNN++ with logistic
mixtures (the defaults are the book example's)."""

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


FAMILY = registry.register(registry.ModelFamily(
    name='pixelcnn',
    summary='PixelCNN++, a discretized logistic mixture per pixel '
            '(tfp_pixel.PixelCNN; --mix K)',
    defaults={
        'num_resnet': 1,
        'num_hierarchies': 2,
        'num_filters': 32,
        'num_logistic_mix': 5,
        'dropout_p': 0.3,
        'receptive_field_dims': [3, 3],
        'resnet_activation': 'concat_elu',
        'use_weight_norm': True,
        'use_data_init': True,
    },
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
    build=_build,
    event_dtype='float32'))
