"""What a model needs in memory, worked out from its configuration alone.

Every family declares an `estimate(config) -> Estimate`: the model's
parameters and the activations a training step keeps for one example
(counted in floats, from the configuration's sizes; nothing is built). `check`
is the one place where that is measured against the bound: the command line
calls it before loading any data, `configs.build_model` before every build
(runs loaded by `sample`, `score`, ... included), `training.train` at its
batch size. A size typed with a few zeros too many is then refused in one
line instead of allocating until the machine gives out.

#### Mathematical details

```none
bytes = 4 * (4 * parameters + 2 * batch_size * activations)
```

A training step holds four copies of the parameters (the weights, their
gradients and Adam's two moments) and the activations kept for the backward
pass with about as many gradients of them; 4 bytes a float. The estimates are
of the model's largest tensors, good to a small factor
(`tests/families/test_model_size.py` compares the parameters with built
models), which is all a bound for typos needs.

This module imports nothing heavy.
"""

import collections

from tfp_pixel import bounds
from tfp_pixel.families import registry

__all__ = ['DEFAULT_MAX_BYTES', 'EMBEDDING_SIZE', 'EMBEDDING_THRESHOLD',
           'MAX_BYTES_VARIABLE', 'Estimate', 'ModelTooLargeError', 'check',
           'conv_parameters', 'head_size', 'level_inputs_size', 'max_bytes',
           'training_bytes']

Estimate = collections.namedtuple('Estimate', ['parameters', 'activations'])
Estimate.__doc__ = """The size of a model, in floats.

Fields:
  parameters: Python `int`, the model's parameters.
  activations: Python `int`, the activations a training step keeps for one
    example (one image, one text of `max_length` tokens).
"""

DEFAULT_MAX_BYTES = 16 * 2**30
# The environment variable that sets another bound, in GiB (a bigger machine).
MAX_BYTES_VARIABLE = 'TFP_PIXEL_MAX_MODEL_GB'

# `networks.level_inputs`'s, read from its source without importing
# TensorFlow.
EMBEDDING_THRESHOLD = registry.module_constant(
    'tfp_pixel.networks.level_inputs', 'EMBEDDING_THRESHOLD')
EMBEDDING_SIZE = registry.module_constant('tfp_pixel.networks.level_inputs',
                                          'DEFAULT_EMBEDDING_SIZE')

_BYTES_PER_FLOAT = 4
_PARAMETER_COPIES = 4
_ACTIVATION_COPIES = 2


class ModelTooLargeError(ValueError):
  """A configuration needs more memory than the bound; the message says how
  much, and the bound."""


def max_bytes():
  """The bound: `TFP_PIXEL_MAX_MODEL_GB` GiB if set, else 16 GiB.

  Raises:
    ModelTooLargeError: if the environment variable is not a positive
      number.
  """
  try:
    gigabytes = bounds.environment_number(MAX_BYTES_VARIABLE, None, 'GiB')
  except ValueError as error:
    raise ModelTooLargeError(str(error)) from None
  return DEFAULT_MAX_BYTES if gigabytes is None else int(gigabytes * 2**30)


def training_bytes(estimate, batch_size=1):
  """Bytes a training step needs at `batch_size` (see the module docstring)."""
  return _BYTES_PER_FLOAT * (_PARAMETER_COPIES * estimate.parameters +
                             _ACTIVATION_COPIES * batch_size *
                             estimate.activations)


def check(config, batch_size=1):
  """Refuses a configuration that needs more memory than the bound.

  Args:
    config: a complete model configuration (`configs.complete_config`).
    batch_size: Python `int`, examples per training step.

  Returns:
    needed: Python `int`, the bytes a training step needs.

  Raises:
    ModelTooLargeError: one line saying how much it needs and the bound.
  """
  estimate = registry.family(config['model']).estimate(config)
  needed = training_bytes(estimate, batch_size)
  bound = max_bytes()
  if needed > bound:
    raise ModelTooLargeError(
        'This {} model needs about {} to train at batch size {} ({:.3g} '
        'parameters, {:.3g} activations per example), over the bound of {}: '
        'choose smaller sizes (or set {} to raise the bound).'.format(
            config['model'], bounds.format_bytes(needed), batch_size,
            float(estimate.parameters), float(estimate.activations),
            bounds.format_bytes(bound), MAX_BYTES_VARIABLE))
  return needed


def conv_parameters(taps, inputs, outputs):
  """Parameters of a convolution (or dense layer, `taps=1`) with a bias."""
  return taps * inputs * outputs + outputs


def head_size(features, output_filters, channels, num_levels):
  """`(parameters, activations per pixel)` of the softmax head of the
  categorical networks (`categorical_network.make_head`): two 1x1 layers of
  `output_filters` and the logits, each after a ReLU, then the softmax and the
  gradient of the logits."""
  logits = channels * num_levels
  parameters = (conv_parameters(1, features, output_filters) +
                conv_parameters(1, output_filters, output_filters) +
                conv_parameters(1, output_filters, logits))
  return parameters, features + 4 * output_filters + 4 * logits


def level_inputs_size(channels, num_levels):
  """`(parameters, features per pixel)` of the inputs of a categorical
  network (`networks.level_inputs.LevelInputs`): one scaled feature per
  channel up to `EMBEDDING_THRESHOLD` levels, above it a learned vector of
  `EMBEDDING_SIZE` per channel, from one table of `num_levels` per
  channel."""
  if num_levels <= EMBEDDING_THRESHOLD:
    return 0, channels
  return (channels * num_levels * EMBEDDING_SIZE,
          channels * EMBEDDING_SIZE)
