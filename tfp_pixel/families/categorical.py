"""The `categorical` family: `tfp_pixel.CategoricalPixelCNN`, a softmax over
`K` levels per channel, with the masked (`plain`) or the `gated` network."""

from tfp_pixel.families import registry

__all__ = ['FAMILY']


def _build(config):
  from tfp_pixel.distributions import categorical_pixel_cnn  # pylint: disable=g-import-not-at-top
  return categorical_pixel_cnn.CategoricalPixelCNN(
      image_shape=tuple(config['image_shape']),
      num_levels=config['num_levels'], num_classes=config['num_classes'],
      **registry.model_kwargs(config))


FAMILY = registry.register(registry.ModelFamily(
    name='categorical',
    summary='PixelCNN with a softmax over K levels per channel '
            '(tfp_pixel.CategoricalPixelCNN; --levels K, --arch plain|gated)',
    defaults={
        'num_filters': 64,
        'num_residual_blocks': 5,
        'first_kernel_size': 7,
        'kernel_size': 3,
        'num_output_filters': None,
        'dropout_rate': 0.,
        'architecture': 'plain',
    },
    options=(
        registry.filters_option(),
        registry.Option('--blocks', 'num_residual_blocks', minimum=0,
                        help='residual blocks (gated: gated layers)'),
        registry.dropout_option('dropout_rate'),
    ),
    architectures={'plain': 'plain', 'gated': 'gated'},
    selected_by=('--blocks', '--levels'),
    build=_build))
