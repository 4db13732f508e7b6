"""The `categorical` family: `tfp_pixel.CategoricalPixelCNN`, a softmax over
`K` levels per channel, with the masked (`plain`) or the `gated` network."""

from tfp_pixel.families import registry

__all__ = ['FAMILY']


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
    build=registry.level_model_build(
        'tfp_pixel.distributions.categorical_pixel_cnn',
        'CategoricalPixelCNN')))
