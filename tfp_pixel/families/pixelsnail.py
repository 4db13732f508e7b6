"""The `pixelsnail` family: `tfp_pixel.PixelSNAIL`, causal convolutions and
self-attention over every earlier pixel, with PixelCNN++'s logistic mixture
(`--mix K`) or a softmax over the levels (`--levels K` alone)."""

from tfp_pixel.families import model_size
from tfp_pixel.families import registry

__all__ = ['FAMILY']

_MODULE = 'tfp_pixel.distributions.pixel_snail'
_CLASS = 'PixelSNAIL'


def _build(config):
  from tfp_pixel.distributions import pixel_snail  # pylint: disable=g-import-not-at-top
  kwargs = registry.model_kwargs(config)
  if kwargs['num_logistic_mix'] is None:
    heads = dict(num_levels=config['num_levels'])
  else:
    heads = dict(high=config['num_levels'] - 1)
  return pixel_snail.PixelSNAIL(
      image_shape=tuple(config['image_shape']),
      **registry.condition_kwargs(config), **heads, **kwargs)


def _event_dtype(config):
  """The mixture's events are floats (as PixelCNN++'s), the softmax's ints."""
  return 'int32' if config['num_logistic_mix'] is None else 'float32'


def _estimate(config):
  height, width, channels = config['image_shape']
  filters, resnet = config['num_filters'], config['num_resnet']
  blocks, heads = config['num_blocks'], config['num_heads']
  keys, values = config['key_size'], config['value_size']
  levels, mix = config['num_levels'], config['num_logistic_mix']
  labels = config['num_classes'] or 0
  conv = model_size.conv_parameters
  embedding, inputs = (model_size.level_inputs_size(channels, levels)
                       if mix is None else (0, channels))
  positions = height * width

  def gated(features, taps, aux=0):
    """Parameters and activations per pixel of a gated residual."""
    parameters = (conv(taps, features, features) +
                  conv(taps, features, 2 * features) + labels * 2 * features +
                  (conv(1, aux, features) if aux else 0))
    return parameters, 8 * features + 2 * aux

  content, query = inputs + filters + 2, filters + 2
  parts = [gated(filters, 9) for _ in range(resnet)] + [
      gated(content, 1), (conv(1, content, heads * (keys + values)),
                          heads * (keys + values)),
      gated(query, 1), (conv(1, query, heads * keys), heads * keys),
      gated(filters, 1, heads * values),
      # The attention of a pixel over every position: its logits and its
      # weights (`bench/pixel_snail_memory.py` measures what training holds).
      (0, 2 * heads * positions)]
  parameters = conv(9, inputs, filters) + blocks * sum(p for p, _ in parts)
  features = inputs + filters + blocks * sum(a for _, a in parts)
  if mix is None:
    output_filters = config['num_output_filters'] or filters
    head, head_features = model_size.head_size(filters, output_filters,
                                               channels, levels)
    # The head's layer of the pixel's own channels (RGB).
    if channels > 1:
      head += conv(1, inputs, output_filters)
    parameters += head + embedding
  else:
    outputs = mix * (2 * channels + channels * (channels - 1) // 2 + 1)
    parameters += conv(1, filters, outputs)
    head_features = outputs + 12 * mix * channels
  return model_size.Estimate(
      parameters=int(parameters),
      activations=int(positions * (features + head_features)))


FAMILY = registry.register(registry.ModelFamily(
    name='pixelsnail',
    kind='images',
    summary='PixelSNAIL, causal convolutions and self-attention over every '
            'earlier pixel (tfp_pixel.PixelSNAIL; --arch pixelsnail, --mix K '
            'or --levels K, --blocks, --resnet, --heads)',
    defaults=registry.constructor_defaults(
        _MODULE, _CLASS, ('num_logistic_mix', 'num_blocks', 'num_resnet',
                          'num_filters', 'num_heads', 'key_size',
                          'value_size', 'num_output_filters', 'dropout_p')),
    options=(
        registry.Option('--mix', 'num_logistic_mix', minimum=1, metavar='K',
                        help='logistic components per pixel'),
        registry.filters_option(),
        registry.Option('--blocks', 'num_blocks', minimum=1,
                        help='blocks (pixelsnail: each ends in attention)'),
        registry.Option('--resnet', 'num_resnet', minimum=1,
                        help='residual layers per block'),
        registry.Option('--heads', 'num_heads', minimum=1,
                        help='attention heads'),
        registry.dropout_option('dropout_p'),
    ),
    # An architecture name that only picks the family.
    architectures={'pixelsnail': None},
    selected_by=('--heads',),
    estimate=_estimate,
    nullable={'num_logistic_mix': int, 'num_output_filters': int},
    build=_build,
    event_dtype=_event_dtype))
