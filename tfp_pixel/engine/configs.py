"""Model configurations: the JSON-able description of a model, and its build.

A configuration is a `dict` such as

```python
{'model': 'pixelcnn', 'image_shape': [32, 32, 1], 'num_levels': 256,
 'num_classes': None, 'num_resnet': 1, 'num_hierarchies': 2,
 'num_filters': 32, 'num_logistic_mix': 5, 'dropout_p': 0.3}
```

`model` is `'pixelcnn'` (`tfp_pixel.PixelCNN`, a discretized logistic mixture)
or `'categorical'` (`tfp_pixel.CategoricalPixelCNN`, a softmax per channel,
with the `architecture` `'plain'` or `'gated'`).
Both model 8-bit images quantized to `num_levels` levels
(`tfp_pixel.quantize`). `num_classes` is `None` for a model of images, or the
number of classes of a class-conditional model `p(x | y)`, which takes the
label as a one-hot `conditional_input` (see `tfp_pixel.run_labels`);
configurations written before it existed read as `None`. The other keys are
the model's constructor arguments.
"""

import numpy as np
import tensorflow as tf

from tfp_pixel import categorical_pixel_cnn
from tfp_pixel import pixel_cnn
from tfp_pixel import quantization
from tfp_pixel import shapes

__all__ = [
    'MODELS',
    'MODEL_DEFAULTS',
    'build_model',
    'events_to_images',
    'images_to_events',
    'make_config',
]

MODELS = ('pixelcnn', 'categorical')

MODEL_DEFAULTS = {
    'pixelcnn': {
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
    'categorical': {
        'num_filters': 64,
        'num_residual_blocks': 5,
        'first_kernel_size': 7,
        'kernel_size': 3,
        'num_output_filters': None,
        'dropout_rate': 0.,
        'architecture': 'plain',
    },
}


def make_config(model, image_shape, num_levels=quantization.MAX_LEVELS,
                num_classes=None, **model_kwargs):
  """Returns a complete, checked configuration.

  Args:
    model: `'pixelcnn'` or `'categorical'`.
    image_shape: `(height, width, channels)`.
    num_levels: Python `int` in `[2, 256]`, levels per channel.
    num_classes: `None`, or the Python `int` (at least 2) of classes of a
      class-conditional model.
    **model_kwargs: constructor arguments of the model; the rest take
      `MODEL_DEFAULTS[model]`.

  Returns:
    config: `dict` of JSON types.

  Raises:
    ValueError: if `model`, a shape, a level count or a keyword is invalid.
  """
  if model not in MODELS:
    raise ValueError('`model` must be one of {}, got {!r}.'.format(
        ', '.join(MODELS), model))
  unknown = sorted(set(model_kwargs) - set(MODEL_DEFAULTS[model]))
  if unknown:
    raise ValueError('Unknown option(s) for the {} model: {}.'.format(
        model, ', '.join(unknown)))
  num_levels = int(num_levels)
  if not 2 <= num_levels <= quantization.MAX_LEVELS:
    raise ValueError('`num_levels` must be in [2, {}], got {}.'.format(
        quantization.MAX_LEVELS, num_levels))
  config = {'model': model,
            'image_shape': list(shapes.check_image_shape(image_shape)),
            'num_levels': num_levels,
            'num_classes': _checked_num_classes(num_classes)}
  config.update(MODEL_DEFAULTS[model])
  config.update({k: v for k, v in model_kwargs.items() if v is not None})
  architecture = config.get('architecture', 'plain')
  if architecture not in categorical_pixel_cnn.ARCHITECTURES:
    raise ValueError('`architecture` must be one of {}, got {!r}.'.format(
        ', '.join(categorical_pixel_cnn.ARCHITECTURES), architecture))
  if isinstance(config.get('receptive_field_dims'), tuple):
    config['receptive_field_dims'] = list(config['receptive_field_dims'])
  return config


def build_model(config):
  """Builds the (untrained) distribution that `config` describes.

  Args:
    config: `dict`, as from `make_config` or a run's `config.json`.

  Returns:
    dist: `tfp_pixel.PixelCNN` over float levels in `[0, num_levels - 1]`, or
      `tfp_pixel.CategoricalPixelCNN` over int levels in `[0, num_levels)`.

  Raises:
    ValueError: if `config` is invalid.
  """
  config = _checked(config)
  kwargs = {k: v for k, v in config.items()
            if k not in ('model', 'image_shape', 'num_levels', 'num_classes')}
  image_shape = tuple(config['image_shape'])
  kwargs['num_classes'] = config['num_classes']
  if config['model'] == 'pixelcnn':
    kwargs['receptive_field_dims'] = tuple(kwargs['receptive_field_dims'])
    return pixel_cnn.PixelCNN(image_shape=image_shape, low=0,
                              high=config['num_levels'] - 1, **kwargs)
  return categorical_pixel_cnn.CategoricalPixelCNN(
      image_shape=image_shape, num_levels=config['num_levels'], **kwargs)


def images_to_events(images, config):
  """Maps 8-bit images to the events of the model `config` describes.

  Args:
    images: uint8 (or integer-valued) `Tensor` `[..., height, width, channels]`.
    config: model configuration `dict`.

  Returns:
    events: the quantized levels, float32 for `'pixelcnn'`, int32 for
      `'categorical'`.
  """
  levels = quantization.quantize(images, config['num_levels'])
  if config['model'] == 'pixelcnn':
    return tf.cast(levels, tf.float32)
  return levels


def events_to_images(events, config):
  """Maps samples of the model `config` describes to uint8 `np.ndarray`s."""
  levels = tf.cast(tf.round(tf.cast(events, tf.float32)), tf.int32)
  return np.asarray(quantization.dequantize(levels, config['num_levels']))


def _checked_num_classes(num_classes):
  if num_classes is None:
    return None
  if isinstance(num_classes, bool) or not isinstance(
      num_classes, (int, np.integer)) or num_classes < 2:
    raise ValueError('`num_classes` must be None or an integer of at least 2, '
                     'got {!r}.'.format(num_classes))
  return int(num_classes)


def _checked(config):
  if not isinstance(config, dict) or 'model' not in config:
    raise ValueError('A model configuration must be a dict with a `model` '
                     'key, got {!r}.'.format(config))
  rest = dict(config)
  return make_config(rest.pop('model'), rest.pop('image_shape', None),
                     rest.pop('num_levels', quantization.MAX_LEVELS), **rest)
