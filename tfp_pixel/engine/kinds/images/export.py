"""The SavedModel of an image model: what `tfp_pixel.export` writes for it.

Signatures (`N` images of the model's `[H, W, C]`; `labels` only for a
class-conditional model, one class id per image):

```none
log_prob            images uint8 [N, H, W, C], labels int32 [N]
  (serving_default) -> log_prob float32 [N]: of the 8-bit images, in nats
                       (what `tfp-pixel score` reports, negated);
                     bits_per_dim float32 [N]: -log_prob / (H*W*C ln 2);
                     log_prob_levels float32 [N]: the model's own, of the
                       quantized levels (`dist.log_prob` of them).
per_pixel_log_prob  images, labels
                     -> per_pixel_log_prob float32 [N, H, W, C]: each
                       channel's chain-rule term, summing to log_prob_levels.
sample              num_samples int32 [], seed int32 [2], temperature
                     float32 [], labels int32 [num_samples]
                     -> images uint8 [num_samples, H, W, C]
complete            images, known bool [N, H, W, C], seed int32 [2], labels
                     -> images uint8 [N, H, W, C]: the unknown pixels drawn,
                       the known ones kept (quantized).
```

A model of more than 256 levels (`configs.levels_are_data`) reads and draws
its int32 levels (`levels` instead of `images`, no `log_prob_levels`, no
`complete`).

`sample` runs the model's fast sampler, and draws what `dist.sample(
num_samples, seed=seed)` draws (of `dist.copy(temperature=temperature)`);
`complete` what `tfp_pixel.complete(dist, levels, known, seed=seed)` does.
A call takes or draws at most `MAX_SCORE_VALUES` image values (`log_prob`,
`per_pixel_log_prob`) or `MAX_SAMPLE_VALUES` (`sample`, `complete`): four of
the commands' batches (`bounds`); a larger request fails with
`InvalidArgumentError`. Ask for more in several calls, each with its own
seed.
"""

import math

import numpy as np
import tensorflow as tf

from tfp_pixel import bounds
from tfp_pixel import class_labels
from tfp_pixel import quantization
from tfp_pixel.distributions import base
from tfp_pixel.distributions import per_pixel
from tfp_pixel.engine import configs
from tfp_pixel.engine import exports
from tfp_pixel.engine.kinds.images import conditioning
from tfp_pixel.engine.kinds.images import metrics
from tfp_pixel.sampling import completion

__all__ = ['ImageExport', 'MAX_SAMPLE_VALUES', 'MAX_SCORE_VALUES',
           'model_config', 'model_module', 'run_module']

# Image values (`N * H * W * C`) one call of a signature may take or draw.
MAX_SCORE_VALUES = bounds.EXPORT_SCORE_VALUES
MAX_SAMPLE_VALUES = bounds.EXPORT_SAMPLE_VALUES


class ImageExport(exports.ExportModule):
  """The `exports.ExportModule` of an image model (see the module's
  docstring for the signatures)."""

  def __init__(self, dist, config):
    """Wraps a distribution over the levels `config` describes.

    Args:
      dist: an image distribution of the package (`AutoregressiveImage`),
        unconditional or class-conditional.
      config: `dict` with its `image_shape`, `num_levels` and `num_classes`
        (a run's configuration, or `model_config(dist)`).
    """
    super().__init__(dist.variables, config)
    self.hold(_dist=dist)
    self._image_shape = tuple(config['image_shape'])
    self._num_levels = config['num_levels']
    self._num_classes = config.get('num_classes')
    self._levels_are_data = configs.levels_are_data(config)
    self._num_dims = int(np.prod(self._image_shape))
    images = self.images_spec()
    labels = ([tf.TensorSpec([None], tf.int32, name='labels')]
              if self._num_classes else [])
    scalar = lambda dtype, name: tf.TensorSpec([], dtype, name=name)
    seed = tf.TensorSpec([2], tf.int32, name='seed')
    self.log_prob = tf.function(self._log_prob,
                                input_signature=[images, *labels])
    self.per_pixel_log_prob = tf.function(self._per_pixel_log_prob,
                                          input_signature=[images, *labels])
    self.sample = tf.function(self._sample, input_signature=[
        scalar(tf.int32, 'num_samples'), seed,
        scalar(tf.float32, 'temperature'), *labels])
    self.complete = None
    if not self._levels_are_data:
      self.complete = tf.function(self._complete, input_signature=[
          images, tf.TensorSpec([None, *self._image_shape], tf.bool,
                                name='known'), seed, *labels])

  def images_spec(self):
    """The `tf.TensorSpec` of the images (or levels) a signature takes."""
    return tf.TensorSpec([None, *self._image_shape],
                         tf.int32 if self._levels_are_data else tf.uint8,
                         name=self._images)

  @property
  def _images(self):
    """The name of the images' input and output."""
    return 'levels' if self._levels_are_data else 'images'

  def signatures(self):
    signatures = {'serving_default': self.log_prob,
                  'log_prob': self.log_prob,
                  'per_pixel_log_prob': self.per_pixel_log_prob,
                  'sample': self.sample}
    if self.complete is not None:
      signatures['complete'] = self.complete
    return {name: function.get_concrete_function()
            for name, function in signatures.items()}

  def _log_prob(self, images, labels=None):
    levels, condition = self._inputs(images, labels)
    log_prob_levels = self._dist.log_prob(
        tf.cast(levels, self._dist.dtype), conditional_input=condition)
    nll = metrics.eight_bit_nll(-log_prob_levels, levels, self._num_levels)
    outputs = {'log_prob': -nll,
               'bits_per_dim': nll / (self._num_dims * math.log(2.))}
    if not self._levels_are_data:
      outputs['log_prob_levels'] = log_prob_levels
    return outputs

  def _per_pixel_log_prob(self, images, labels=None):
    levels, condition = self._inputs(images, labels)
    return {'per_pixel_log_prob': per_pixel.per_pixel_log_prob(
        self._dist, tf.cast(levels, self._dist.dtype),
        conditional_input=condition)}

  def _sample(self, num_samples, seed, temperature, labels=None):
    checks = (self._size_checks(num_samples, labels, MAX_SAMPLE_VALUES) +
              exports.temperature_checks(temperature))
    with tf.control_dependencies(checks):
      num_samples = tf.identity(num_samples)
    dist = self._dist.copy(temperature=temperature)
    drawn = dist.sample(num_samples, seed=seed,
                        conditional_input=self._condition(labels))
    return {self._images: self._outputs(drawn)}

  def _complete(self, images, known, seed, labels=None):
    levels, condition = self._inputs(images, labels, MAX_SAMPLE_VALUES)
    with tf.control_dependencies([tf.debugging.assert_equal(
        tf.shape(known), tf.shape(images),
        message='`known` must have the shape of `images`')]):
      known = tf.identity(known)
    drawn = completion.complete(
        self._dist, tf.cast(levels, self._dist.dtype), known, n=1, seed=seed,
        conditional_input=condition)
    return {'images': self._outputs(drawn[0])}

  def _inputs(self, images, labels, max_values=MAX_SCORE_VALUES):
    """Levels of `images` and the condition of `labels`, checked (as
    `_size_checks`)."""
    with tf.control_dependencies(
        self._size_checks(tf.shape(images)[0], labels, max_values)):
      images = tf.identity(images)
    if self._levels_are_data:
      with tf.control_dependencies(self._level_checks(images)):
        return tf.identity(images), self._condition(labels)
    return (quantization.quantize(images, self._num_levels),
            self._condition(labels))

  def _condition(self, labels):
    if labels is None:
      return None
    labels = class_labels.assert_classes(
        labels, self._num_classes,
        'a label is not a class of the model (0 to {})'.format(
            self._num_classes - 1))
    return conditioning.conditional_input(labels, self.config)

  def _size_checks(self, count, labels, max_values=MAX_SCORE_VALUES):
    """Checks that `count` images are one or more, within `max_values`
    image values, with one label each where there are labels."""
    checks = exports.count_checks(count, max(1, max_values // self._num_dims))
    if labels is not None:
      checks.append(tf.debugging.assert_equal(
          tf.shape(labels)[0], count,
          message='give one label per image'))
    return checks

  def _level_checks(self, levels):
    return [tf.debugging.assert_non_negative(levels, message='negative level'),
            tf.debugging.assert_less(
                levels, self._num_levels,
                message='levels must be below {}'.format(self._num_levels))]

  def _outputs(self, events):
    """uint8 images of drawn levels (int32 levels above 256 levels)."""
    levels = tf.cast(tf.round(tf.cast(events, tf.float32)), tf.int32)
    if self._levels_are_data:
      return tf.clip_by_value(levels, 0, self._num_levels - 1)
    return quantization.dequantize(levels, self._num_levels)


def run_module(run, which='best'):
  """The `ImageExport` of a run's `which` checkpoint.

  Raises:
    ValueError: one line, if the run has no intact checkpoint.
  """
  return ImageExport(run.load_model(which), run.config)


def model_module(model, **options):
  """The `ImageExport` of a live image distribution, or `None` for another
  model.

  Raises:
    ValueError: one line, if `options` are given for an image model (it
      takes none).
  """
  if not isinstance(model, base.AutoregressiveImage):
    return None
  if options:
    raise ValueError('An image model is exported without options; got {}.'
                     .format(', '.join(sorted(options))))
  return ImageExport(model, model_config(model))


def model_config(dist):
  """The image keys of a configuration of a live image distribution:
  `image_shape`, `num_levels` (a `PixelCNN`'s `high + 1`) and
  `num_classes`.

  Raises:
    ValueError: one line, if `dist` is conditioned on maps, which no
      exported signature takes.
  """
  num_levels = getattr(dist, 'num_levels', None)
  if num_levels is None:
    num_levels = int(tf.get_static_value(dist.high)) + 1
  num_classes = getattr(dist, 'num_classes', None)
  shape = dist.conditional_shape
  if shape is not None and (num_classes is None or
                            shape.as_list() != [num_classes]):
    raise ValueError('Cannot export a model conditioned on maps of shape {} '
                     'on its own: export the run of its prior over codes.'
                     .format(shape.as_list()))
  return {'image_shape': [int(d) for d in dist.event_shape],
          'num_levels': int(num_levels), 'num_classes': num_classes}
