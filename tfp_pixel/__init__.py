"""Autoregressive models as TensorFlow Probability distributions.

The public surface is this module's names; the code lives in sub-packages by
role (see the README's "Architecture"): `distributions`, `networks`,
`sampling`, `autoencoders` (VQ-VAE), `families` (the model registry),
`engine` (configurations, runs, training, scoring, generation) and `data`.
Names are imported on first use, so that `import tfp_pixel` (and the command
line's `--help`) does not load TensorFlow until a model is needed.
"""

import importlib

__version__ = '0.1.0'

# Public name -> (module, attribute).
_PUBLIC = {
    'CategoricalPixelCNN': ('tfp_pixel.distributions.categorical_pixel_cnn',
                            'CategoricalPixelCNN'),
    # The former name of `MaskedPixelCNNNetwork`, kept for existing code.
    'CategoricalPixelCNNNetwork': ('tfp_pixel.networks.masked_network',
                                   'MaskedPixelCNNNetwork'),
    'GatedPixelCNNNetwork': ('tfp_pixel.networks.gated_network',
                             'GatedPixelCNNNetwork'),
    'MaskedConv2D': ('tfp_pixel.networks.masked_layers', 'MaskedConv2D'),
    'MaskedPixelCNNNetwork': ('tfp_pixel.networks.masked_network',
                              'MaskedPixelCNNNetwork'),
    'PixelCNN': ('tfp_pixel.distributions.pixel_cnn', 'PixelCNN'),
    'PixelRNN': ('tfp_pixel.distributions.pixel_rnn', 'PixelRNN'),
    'PixelSNAIL': ('tfp_pixel.distributions.pixel_snail', 'PixelSNAIL'),
    'PixelSampler': ('tfp_pixel.sampling.pixel_sampler', 'PixelSampler'),
    'SequenceRNN': ('tfp_pixel.distributions.sequence_rnn', 'SequenceRNN'),
    'TwoStageModel': ('tfp_pixel.code_priors.two_stage', 'TwoStageModel'),
    'VQVAE': ('tfp_pixel.autoencoders.vqvae', 'VQVAE'),
    'bin_widths': ('tfp_pixel.quantization', 'bin_widths'),
    'build_model': ('tfp_pixel.engine.configs', 'build_model'),
    'causal_mask': ('tfp_pixel.networks.masks', 'causal_mask'),
    'complete': ('tfp_pixel.sampling.completion', 'complete'),
    'dequantize': ('tfp_pixel.quantization', 'dequantize'),
    'export': ('tfp_pixel.engine.exports', 'export'),
    'load': ('tfp_pixel.engine.loading', 'load'),
    'make_config': ('tfp_pixel.engine.configs', 'make_config'),
    'one_hot_labels': ('tfp_pixel.class_labels', 'one_hot_labels'),
    'per_pixel_log_prob': ('tfp_pixel.distributions.per_pixel',
                           'per_pixel_log_prob'),
    'quantize': ('tfp_pixel.quantization', 'quantize'),
    'score': ('tfp_pixel.engine.kinds.images.scoring', 'score'),
    'train': ('tfp_pixel.engine.training', 'train'),
}

__all__ = sorted(_PUBLIC)


def __getattr__(name):
  if name in _PUBLIC:
    module, attribute = _PUBLIC[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value
  try:
    return importlib.import_module('{}.{}'.format(__name__, name))
  except ModuleNotFoundError as error:
    if error.name != '{}.{}'.format(__name__, name):
      raise
    raise AttributeError('module {!r} has no attribute {!r}'.format(
        __name__, name)) from None


def __dir__():
  return sorted(set(globals()) | set(_PUBLIC))
