"""One hooks mixin per model: what the shared suites need to know of it.

A test class combines a model's hooks with a suite, e.g.
`class TestPixelCNN(model_hooks.PixelCNNHooks, DistributionSuite)`; its
class-conditional variant adds `Conditional` in front and overrides nothing
else, so that every check runs given a label. The module also holds the tiny
initialized models of the sampling tests.
"""

import functools

import numpy as np
import tensorflow as tf
from tensorflow_probability.python.internal import tf_keras

import tfp_pixel

NUM_CLASSES = 3


def one_hot(labels):
  """One-hot labels `[..., NUM_CLASSES]` as a float32 `np.ndarray`."""
  return tfp_pixel.one_hot_labels(labels, NUM_CLASSES).numpy()


class Unconditional:
  """The label hooks of a model of images (no labels)."""

  def label_kwargs(self):
    """Constructor arguments of the model's labels."""
    return {}

  def conditional_kwargs(self):
    """Keyword arguments of every `log_prob` and `sample` call of a suite."""
    return {}

  def network_label(self, batch_size):
    """The label the network gets in `network_outputs`, or `None`."""
    del batch_size
    return None


class Conditional:
  """The label hooks of a class-conditional model, given label 1 of 3."""

  def label_kwargs(self):
    return {'num_classes': NUM_CLASSES}

  def conditional_kwargs(self):
    return {'conditional_input': one_hot(1)}

  def network_label(self, batch_size):
    return tf.broadcast_to(one_hot(1), [batch_size, NUM_CLASSES])


class PixelCNNHooks(Unconditional):
  """`tfp_pixel.PixelCNN`: 2 mixture components of 4 filters, no dropout."""

  tiny_shape = (2, 2, 1)
  causal_shape = (4, 4, 1)
  high = 3
  num_hierarchies = 2

  def make_distribution(self, image_shape, **overrides):
    # Data-dependent init on 2x2 images sees constant inputs in several masked
    # layers and sets their weight-norm gains to 1e5 (TFP divides by the
    # batch's standard deviation); `test_data_init_keeps_normalization` covers
    # it at a size where it is well posed.
    kwargs = dict(num_resnet=1, num_hierarchies=self.num_hierarchies,
                  num_filters=4, num_logistic_mix=2, dropout_p=0.,
                  high=self.high, use_data_init=False, **self.label_kwargs())
    kwargs.update(overrides)
    return tfp_pixel.PixelCNN(image_shape, **kwargs)

  def make_float64_distribution(self, image_shape):
    return self.make_distribution(image_shape, dtype=tf.float64)

  def channel_values(self):
    return np.arange(self.high + 1, dtype=np.float32)

  def network_inputs(self, dist, events):
    return dist.network_inputs(tf.constant(events, dist.dtype)).numpy()

  def network_outputs(self, dist, inputs):
    label = self.network_label(inputs.shape[0])
    params = dist.network(inputs if label is None else [inputs, label])
    batch_shape = tf.shape(params[0])[:3]
    flat = [tf.reshape(p, tf.concat([batch_shape, [-1]], 0)) for p in params]
    return tf.concat(flat, axis=-1)[:, :, :, tf.newaxis]


class CategoricalHooks(Unconditional):
  """`tfp_pixel.CategoricalPixelCNN`, plain: 3 levels, 8 filters, 1 block."""

  tiny_shape = (2, 2, 1)
  causal_shape = (4, 4, 1)
  num_levels = 3
  num_filters = 8
  architecture = 'plain'

  def make_distribution(self, image_shape, **overrides):
    kwargs = dict(num_levels=self.num_levels, num_filters=self.num_filters,
                  num_residual_blocks=1, first_kernel_size=3,
                  architecture=self.architecture, **self.label_kwargs())
    kwargs.update(overrides)
    return tfp_pixel.CategoricalPixelCNN(image_shape, **kwargs)

  def make_float64_distribution(self, image_shape):
    return self.make_distribution(image_shape, float_dtype=tf.float64)

  def channel_values(self):
    return np.arange(self.num_levels)

  def network_inputs(self, dist, events):
    return dist.network_inputs(events).numpy()

  def network_outputs(self, dist, inputs):
    return dist.network(inputs, conditional_input=self.network_label(
        inputs.shape[0]))


class GatedHooks(CategoricalHooks):
  """`tfp_pixel.CategoricalPixelCNN`, gated."""

  architecture = 'gated'
  # Enough filters that no output of the tiny random network is cut off
  # from its inputs by ReLUs that are inactive on the causality check's
  # events (that check needs a non-zero gradient at every output).
  num_filters = 16


class PixelRNNHooks(CategoricalHooks):
  """`tfp_pixel.PixelRNN`, Row LSTM: 3 levels, two layers of 8 units, a 3x3
  first layer."""

  architecture = 'row_lstm'
  # Enough units that no output of the tiny random network is cut off from
  # its inputs by ReLUs inactive on the causality check's events (checked
  # over 30 seeds, both architectures, with and without labels; RGB below).
  hidden_units = 8

  def make_distribution(self, image_shape, **overrides):
    kwargs = dict(num_levels=self.num_levels, architecture=self.architecture,
                  num_layers=2, hidden_units=self.hidden_units,
                  first_kernel_size=3, **self.label_kwargs())
    kwargs.update(overrides)
    return tfp_pixel.PixelRNN(image_shape, **kwargs)


class DiagonalBiLSTMHooks(PixelRNNHooks):
  """`tfp_pixel.PixelRNN`, Diagonal BiLSTM."""

  architecture = 'diagonal_bilstm'


class PixelRNNRGB:
  """RGB images for a PixelRNN hooks mixin (listed before it)."""

  contract_checks_slow = True

  tiny_shape = (2, 1, 3)
  causal_shape = (3, 3, 3)
  num_levels = 2
  hidden_units = 18


@functools.lru_cache(maxsize=None)
def initialized_pixel_cnn(image_shape, high=3, conditional_shape=None,
                          num_hierarchies=2):
  """A tiny `tfp_pixel.PixelCNN` with data-initialized weight norm (cached:
  building is slow)."""
  tf_keras.utils.set_random_seed(len(image_shape) + image_shape[-1] + high)
  dist = tfp_pixel.PixelCNN(
      image_shape, conditional_shape=conditional_shape, num_resnet=1,
      num_hierarchies=num_hierarchies, num_filters=4, num_logistic_mix=2,
      dropout_p=0., high=high)
  # Weight norm initializes itself from the first batch it sees.
  conditional = (None if conditional_shape is None
                 else tf.random.stateless_normal([8, *conditional_shape],
                                                 (1, 1)))
  images = tf.random.stateless_uniform([8, *image_shape], (2, 2), 0, high + 1,
                                       tf.int32)
  dist.log_prob(tf.cast(images, tf.float32), conditional_input=conditional)
  return dist


@functools.lru_cache(maxsize=None)
def uneven_categorical(image_shape, num_levels=3):
  """A tiny `tfp_pixel.CategoricalPixelCNN` whose output biases make the
  pixels' distributions uneven."""
  tf.random.set_seed(image_shape[-1] + num_levels)
  dist = tfp_pixel.CategoricalPixelCNN(
      image_shape, num_levels=num_levels, num_filters=4 * image_shape[-1],
      num_residual_blocks=1, first_kernel_size=3)
  output = dist.network.head[-1]
  output.bias.assign(tf.random.stateless_normal(output.bias.shape, (7, 7)))
  return dist


@functools.lru_cache(maxsize=None)
def uneven_pixel_rnn(image_shape, architecture, num_classes=None,
                     num_levels=3):
  """A tiny `tfp_pixel.PixelRNN` (two layers) whose output biases make the
  pixels' distributions uneven."""
  tf.random.set_seed(image_shape[-1] + num_levels)
  dist = tfp_pixel.PixelRNN(
      image_shape, num_levels=num_levels, architecture=architecture,
      num_layers=2, hidden_units=2 * image_shape[-1], first_kernel_size=3,
      num_classes=num_classes)
  output = dist.network.head[-1]
  output.bias.assign(tf.random.stateless_normal(output.bias.shape, (7, 7)))
  return dist
