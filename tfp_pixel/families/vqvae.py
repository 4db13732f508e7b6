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
  code_dim, downsample = config['code_dim'], config['downsample']
  conv = model_size.conv_parameters
  steps = int(round(math.log2(downsample)))
  levels = config['hierarchy']
  # Per level of codes: strided 4x4 convolutions down and transposed ones
  # up, residual blocks (3x3 then 1x1) on both sides, 1x1 maps to and from
  # the codes.
  block = conv(9, filters, filters) + conv(1, filters, filters)
  side = steps * conv(16, filters, filters) + residual * block
  parameters = levels * (2 * side + conv(1, filters, code_dim) +
                         conv(9, code_dim, filters)) + (
                             conv(16, channels, filters) +
                             conv(16, filters, 2 * channels))
  # Activations: the full-resolution maps of the first and last layers and
  # every residual map, on both sides, at each resolution.
  activations = sum(
      (height * width) // 4**k * filters * (4 + 4 * residual)
      for k in range(1, steps + levels))
  activations += height * width * (filters + 4 * channels) * 2
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
