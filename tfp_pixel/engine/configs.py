"""Model configurations: the JSON-able description of a model, and its build.

A configuration is a `dict` such as

```python
{'model': 'pixelcnn', 'image_shape': [32, 32, 1], 'num_levels': 256,
 'num_classes': None, 'num_resnet': 1, 'num_hierarchies': 2,
 'num_filters': 32, 'num_logistic_mix': 5, 'dropout_p': 0.3, ...}
```

`model` names a registered family (`tfp_pixel.families`); the family's kind
of data (`tfp_pixel.engine.kinds`) adds the keys that describe the data: for
images `image_shape`, `num_levels` (8-bit images are quantized to that many
levels, `tfp_pixel.quantize`; above 256 levels the data are the levels
themselves, `levels_are_data`) and `num_classes` (`None`, or the classes of a
class-conditional model `p(x | y)`, which takes the label as a one-hot
`conditional_input`; configurations written before it existed read as
`None`); texts have none. The other keys are the family's constructor
arguments, completed from its defaults. `complete_config` is the one place a
configuration is checked and completed, whether it comes from a caller, the
command line or a run's `config.json`.
"""

import numpy as np
import tensorflow as tf

from tfp_pixel import interface
from tfp_pixel import quantization
from tfp_pixel.engine import kinds
from tfp_pixel.families import model_size
from tfp_pixel.families import registry

DEFAULT_MODEL = registry.DEFAULT_FAMILY

__all__ = [
    'DEFAULT_MODEL',
    'build_model',
    'complete_config',
    'events_to_images',
    'images_to_events',
    'levels_are_data',
    'make_config',
    'resumed_config',
]


def make_config(model, image_shape=None, num_levels=None, num_classes=None,
                **model_kwargs):
  """Returns a complete, checked configuration.

  Args:
    model: the name of a registered family (`'pixelcnn'`, `'categorical'`,
      ...; see `tfp_pixel.families.registry.family_names()`).
    image_shape: `(height, width, channels)` of an image model.
    num_levels: Python `int` in `[2, 2**16]`, levels per channel of an image
      model; `None` for 256. Above 256 the model trains on arrays of levels
      (`levels_are_data`).
    num_classes: `None`, or the Python `int` of classes of a class-conditional
      image model.
    **model_kwargs: constructor arguments of the model; `None` values and the
      rest take the family's defaults.

  Returns:
    config: `dict` of JSON types.

  Raises:
    ValueError: one line, if `model`, a shape, a level count or a keyword is
      invalid (of another type than the family's default, or outside the
      range of its command-line option), or image arguments are given to a
      model of other data.
  """
  family = registry.family(model)
  kind = kinds.kind_named(family.kind)
  extra = {key: model_kwargs.pop(key) for key in kind.EXTRA_DATA_KEYS
           if key in model_kwargs}
  unknown = sorted(set(model_kwargs) - set(family.defaults))
  if unknown:
    raise ValueError('Unknown option(s) for the {} model: {}.'.format(
        model, ', '.join(unknown)))
  config = {'model': family.name}
  config.update(kind.data_config(family, image_shape, num_levels,
                                 num_classes, **extra))
  config.update(family.defaults)
  config.update({k: _as_json(v) for k, v in model_kwargs.items()
                 if v is not None})
  for key in family.defaults:
    _check_value(family, key, config[key])
  architecture = config.get('architecture')
  if family.architectures and architecture not in family.architectures.values():
    raise ValueError('`architecture` of the {} model must be one of {}, got '
                     '{!r}.'.format(family.name, ', '.join(
                         family.architectures.values()), architecture))
  return config


def complete_config(config):
  """Checks a configuration `dict` and completes it from its family.

  Args:
    config: `dict` with a `model` key, as from `make_config` or a run's
      `config.json` (possibly written by an older version).

  Returns:
    config: the complete configuration.

  Raises:
    ValueError: one line, if it is not a valid configuration.
  """
  if not isinstance(config, dict) or 'model' not in config:
    raise ValueError('A model configuration must be a dict with a `model` '
                     'key, got {!r}.'.format(config))
  rest = dict(config)
  return make_config(rest.pop('model'), rest.pop('image_shape', None),
                     rest.pop('num_levels', None), **rest)


def resumed_config(run_dir, stored, options):
  """The stored configuration of a run being resumed, checked against the
  model options a resume gives.

  An option left out keeps the run's value; one given must equal it (a run's
  model cannot change), and only the options that differ are named.

  Args:
    run_dir: the run folder, for the message.
    stored: the run's complete configuration.
    options: `dict` of the options given (`model` and configuration keys);
      `None` values count as not given.

  Returns:
    config: `stored`.

  Raises:
    ValueError: one line naming each given option that differs from the
      run's, or that the run's model does not have.
  """
  given = {key: _as_json(value) for key, value in (options or {}).items()
           if value is not None}
  unknown = sorted(set(given) - set(stored))
  if unknown:
    raise ValueError('{} is a run of the {} model, which has no {}.'.format(
        run_dir, stored['model'], ', '.join(unknown)))
  differ = sorted(key for key, value in given.items() if value != stored[key])
  if differ:
    raise ValueError(
        '{} was trained with {}; a run\'s model cannot change: leave {} out '
        'to resume it, or train a new run.'.format(
            run_dir, interface.differences(stored, given, differ),
            'that option' if len(differ) == 1 else 'those options'))
  return stored


def build_model(config):
  """Builds the (untrained) distribution that `config` describes.

  Args:
    config: `dict`, as from `make_config` or a run's `config.json`.

  Returns:
    dist: the family's distribution over quantized levels (for example
      `tfp_pixel.PixelCNN` over float levels in `[0, num_levels - 1]`, or
      `tfp_pixel.CategoricalPixelCNN` over int levels in `[0, num_levels)`).

  Raises:
    ValueError: if `config` is invalid.
    ModelTooLargeError: one line, if the model would need more memory than
      the bound (`model_size.check`), before anything is allocated.
  """
  config = complete_config(config)
  model_size.check(config)
  return registry.family(config['model']).build(config)


def levels_are_data(config):
  """Whether the model `config` describes reads its levels from the data.

  8-bit images quantize to at most 256 levels (`tfp_pixel.quantize`); a model
  of more, and a prior over the codes of a VQ-VAE (`code_prior`), trains on
  integer arrays of levels in `[0, num_levels)`, used as they are
  (`tfp_pixel.data.load_levels`).
  """
  return (not quantization.are_image_levels(config['num_levels']) or
          config.get('code_prior') is not None)


def images_to_events(images, config):
  """Maps 8-bit images to the events of the model `config` describes.

  Args:
    images: uint8 (or integer-valued) `Tensor` `[..., height, width,
      channels]`; for a model whose `levels_are_data`, its levels.
    config: model configuration `dict`.

  Returns:
    events: the quantized levels, in the family's `event_dtype`.
  """
  if not levels_are_data(config):
    images = quantization.quantize(images, config['num_levels'])
  return tf.cast(images, registry.event_dtype(config))


def events_to_images(events, config):
  """Maps samples of the model `config` describes to uint8 `np.ndarray`s.

  Levels of at most 256 show their representative 8-bit value
  (`tfp_pixel.dequantize`); level `l` of `K > 256` shows
  `round(l * 255 / (K - 1))`.
  """
  levels = tf.cast(tf.round(tf.cast(events, tf.float32)), tf.int32)
  num_levels = config['num_levels']
  if levels_are_data(config):
    levels = np.clip(np.asarray(levels), 0, num_levels - 1).astype(np.float64)
    return np.round(levels * 255. / (num_levels - 1)).astype(np.uint8)
  return np.asarray(quantization.dequantize(levels, num_levels))


def _check_value(family, key, value):
  """Raises a one-line `ValueError` unless `value` has the type of `key`'s
  default (or `family.nullable`'s) and is in the range of its option."""
  default = family.defaults[key]
  if default is None:
    if value is None:
      return
    default = family.nullable[key]()
  if isinstance(default, list):
    fits = isinstance(value, list) and len(value) == len(default) and all(
        _has_type_of(item, default[0]) for item in value)
    expected = 'a list of {} {}'.format(len(default),
                                         _TYPE_NAMES[type(default[0])][1])
  else:
    fits = _has_type_of(value, default)
    expected = _TYPE_NAMES[type(default)][0]
  if not fits:
    raise ValueError('`{}` of the {} model must be {}, got {!r}.'.format(
        key, family.name, expected, value))
  for option in family.options:
    if option.key == key and not _in_range(value, option):
      raise ValueError('`{}` of the {} model must be {}, got {!r}.'.format(
          key, family.name, _range_text(option), value))


# What a value of each type is called: alone, and in a list.
_TYPE_NAMES = {bool: ('true or false', 'booleans'),
               int: ('an integer', 'integers'),
               float: ('a finite number', 'finite numbers'),
               str: ('a string', 'strings')}


def _has_type_of(value, default):
  """Whether `value` may stand where `default` does: the same JSON type (an
  integer for a float too), never a `bool` for a number."""
  if isinstance(default, bool):
    return isinstance(value, bool)
  if isinstance(default, int):
    return isinstance(value, (int, np.integer)) and not isinstance(value,
                                                                   bool)
  if isinstance(default, float):
    return isinstance(value, (int, float, np.integer, np.floating)) and (
        not isinstance(value, bool)) and bool(np.isfinite(value))
  return isinstance(value, type(default))


def _in_range(value, option):
  if option.choices:
    return value in option.choices
  if option.minimum is not None and value < option.minimum:
    return False
  if option.maximum is None:
    return True
  return value < option.maximum or (value == option.maximum and
                                    not option.maximum_open)


def _range_text(option):
  if option.choices:
    return 'one of ' + ', '.join(option.choices)
  if option.maximum is None:
    return 'at least {}'.format(option.minimum)
  return 'in [{}, {}{}'.format(option.minimum, option.maximum,
                               ')' if option.maximum_open else ']')


def _as_json(value):
  """Tuples as lists, so that a configuration equals its JSON round trip."""
  return list(value) if isinstance(value, tuple) else value
