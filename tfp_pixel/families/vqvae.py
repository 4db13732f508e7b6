"""The `vqvae` family: `tfp_pixel.VQVAE`, an autoencoder of 8-bit images to
grids of discrete codes (VQ-VAE; `--hierarchy 2`: VQ-VAE-2), trained with
`tfp-pixel vqvae train`; the priors over its codes are the categorical
families (`tfp-pixel train --prior-for RUN`)."""

import math

from tfp_pixel.families import model_size
from tfp_pixel.families import registry

__all__ = ['FAMILY']

_MODULE = 'tfp_pixel.autoencoders.vqvae'
_CLASS = 'VQVAE'


def _build(config):
  from tfp_pixel.autoencoders import vqvae  # pylint: disable=g-import-not-at-top
  return vqvae.VQVAE(image_shape=tuple(config['image_shape']),
                     **registry.model_kwargs(config))


def _estimate(config):
  height, width, channels = config['image_shape']
  filters, residual = config['num_filters'], config['num_residual']
  codes, downsample = config['code_dim'], config['downsample']
  conv = model_size.conv_parameters
  steps = int(round(math.log2(downsample)))
  stack = residual * (conv(9, filters, filters) + conv(1, filters, filters))
  # `networks.vqvae_network`: strided 4x4 convolutions down, a 3x3 one and a
  # residual stack; the decoder the other way round.
  encoder = (conv(16, channels, filters) +
             (steps - 1) * conv(16, filters, filters) +
             conv(9, filters, filters) + stack)
  decoder_in, bottom_in = codes, filters
  top = 0
  if config['hierarchy'] == 2:
    top = (conv(16, filters, filters) + conv(9, filters, filters) + stack +
           conv(1, filters, codes) + conv(9, codes, filters) + stack +
           conv(16, filters, codes) + conv(16, codes, codes))
    decoder_in, bottom_in = 2 * codes, filters + codes
  decoder = (conv(9, decoder_in, filters) + stack +
             (steps - 1) * conv(16, filters, filters) +
             conv(16, filters, 2 * channels))
  parameters = encoder + top + conv(1, bottom_in, codes) + decoder
  # Activations: each strided level's map on both sides (a few copies each:
  # the convolution, its ReLU, the residual branches at the grid), and the
  # image and the decoder's two outputs per channel.
  grid = height * width // downsample**2
  activations = sum(2 * 3 * filters * height * width // 4**k
                    for k in range(1, steps + 1))
  activations += grid * (2 * (2 * residual + 2) * filters + 4 * codes)
  activations += height * width * channels * 6
  return model_size.Estimate(parameters=int(parameters),
                             activations=int(activations))


FAMILY = registry.register(registry.ModelFamily(
    name='vqvae',
    kind='autoencoder',
    summary='VQ-VAE, images to grids of discrete codes (tfp_pixel.VQVAE; '
            '--codes, --code-dim, --downsample, --hierarchy 2 for VQ-VAE-2)',
    defaults=registry.constructor_defaults(
        _MODULE, _CLASS, ('num_codes', 'code_dim', 'downsample',
                          'num_filters', 'num_residual', 'commitment',
                          'ema_decay', 'hierarchy')),
    options=(
        registry.Option('--codes', 'num_codes', minimum=2, maximum=65536,
                        metavar='K', help='codes in the codebook'),
        registry.Option('--code-dim', 'code_dim', minimum=1,
                        help='dimensions of a code vector'),
        registry.Option('--downsample', 'downsample', minimum=2, maximum=8,
                        help='image side / bottom grid side: 2, 4 or 8'),
        registry.Option('--hierarchy', 'hierarchy', minimum=1, maximum=2,
                        help='grids of codes: 2 is VQ-VAE-2 (a top grid at '
                             'half the bottom one\'s resolution)'),
        registry.filters_option(),
        registry.Option('--residual', 'num_residual', minimum=0,
                        help='residual blocks on each side'),
        registry.Option('--commitment', 'commitment', value_type='float',
                        minimum=0., metavar='BETA',
                        help='weight of the commitment loss'),
        registry.Option('--ema-decay', 'ema_decay', value_type='float',
                        minimum=0., maximum=1., maximum_open=True,
                        metavar='D',
                        help='decay of the codebook\'s moving averages'),
    ),
    estimate=_estimate,
    build=_build,
    event_dtype='float32'))
