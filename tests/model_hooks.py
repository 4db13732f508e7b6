"""One hooks mixin per model: what the shared suites need to know of it.

A test class combines a model's hooks with a suite, e.g.
`class TestPixelCNN(model_hooks.PixelCNNHooks, DistributionSuite)`; its
class-conditional variant adds `Conditional` in front and overrides nothing
else, so that every check runs given a label (and its map-conditional variant
`MapConditional`, given a map). The module also holds the tiny
initialized models of the sampling tests.
"""

import functools

import numpy as np
import tensorflow as tf
from tensorflow_probability.python.internal import tf_keras

import tfp_pixel
from tfp_pixel.sampling import reference

NUM_CLASSES = 3
# The tiny text models: padding 0, unknown 1, end 2, words 3 and 4.
VOCABULARY_SIZE = 5
PADDING, UNKNOWN, END = 0, 1, 2
SEQUENCE_LENGTH = 3
# Larger weights than Keras' initialization: peaked, state-dependent
# probabilities, so that a sampler that loses its state fails the chi-square.
WEIGHT_SCALE = 3.


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

  def batch_conditional_kwargs(self, n):
    """Keyword arguments of `sample(n)` with a label per sample."""
    del n
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

  def batch_conditional_kwargs(self, n):
    return {'conditional_input': one_hot(np.arange(n) % NUM_CLASSES)}

  def network_label(self, batch_size):
    return tf.broadcast_to(one_hot(1), [batch_size, NUM_CLASSES])


class MapConditional:
  """The hooks of a map-conditional model (`conditional_shape`), given a
  fixed random map of `MAP_FEATURES` features per pixel; listed before a
  model's hooks, whose `make_distribution` it gives the image's map shape."""

  def label_kwargs(self):
    return {}

  def make_distribution(self, image_shape, **overrides):
    overrides.setdefault('conditional_shape', map_shape(image_shape))
    return super().make_distribution(image_shape, **overrides)

  def conditional_kwargs(self):
    return {'conditional_input': random_maps(self.tiny_shape, seed=10)}

  def batch_conditional_kwargs(self, n):
    # The suite draws a batch with a map per sample at `causal_shape`.
    return {'conditional_input': random_maps(self.causal_shape, n, seed=1)}

  def network_label(self, batch_size):
    return tf.broadcast_to(random_maps(self.causal_shape),
                           [batch_size, *map_shape(self.causal_shape)])

  def bad_arguments(self):
    height, width, _ = self.tiny_shape
    return super().bad_arguments() + [
        {'conditional_shape': (height + 1, width, MAP_FEATURES)},
        {'num_classes': NUM_CLASSES}]


MAP_FEATURES = 2


def map_shape(image_shape):
  """The `conditional_shape` of a map of images of `image_shape`."""
  return tuple(image_shape[:2]) + (MAP_FEATURES,)


def random_maps(image_shape, n=None, seed=0):
  """A fixed standard normal map `[H, W, MAP_FEATURES]` for images of
  `image_shape` (`n` of them, `[n, H, W, MAP_FEATURES]`, for an `int` `n`),
  a float32 `np.ndarray`."""
  shape = map_shape(image_shape) if n is None else (n,) + map_shape(
      image_shape)
  return np.random.RandomState(seed).standard_normal(shape).astype(np.float32)


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

  def reference_sample(self, dist, n, seed, **given):
    return reference.sample_pixel_cnn(dist, n, seed, **given)

  def bad_arguments(self):
    return super().bad_arguments() + [
        {'image_shape': (2, 2)}, {'high': 0}, {'num_classes': 1}]

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

  def reference_sample(self, dist, n, seed, **given):
    return reference.sample_categorical(dist, n, seed, **given)

  def bad_arguments(self):
    return super().bad_arguments() + [
        {'image_shape': (2, 0, 1)}, {'num_levels': 1},
        {'num_levels': 2**16 + 1}, {'num_classes': 1}]

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


class PixelSNAILHooks(CategoricalHooks):
  """`tfp_pixel.PixelSNAIL` with a softmax head: 3 levels, two blocks of one
  gated residual of 8 filters, two attention heads of 4 features."""

  num_filters = 8

  def make_distribution(self, image_shape, **overrides):
    kwargs = dict(self.head_kwargs(), num_blocks=2, num_resnet=1,
                  num_filters=self.num_filters, num_heads=2, key_size=4,
                  value_size=4, **self.label_kwargs())
    kwargs.update(overrides)
    return tfp_pixel.PixelSNAIL(image_shape, **kwargs)

  def head_kwargs(self):
    return {'num_levels': self.num_levels}

  def bad_arguments(self):
    return super(CategoricalHooks, self).bad_arguments() + [
        {'num_levels': 1}, {'num_levels': 2**16 + 1}, {'num_classes': 1}]


class PixelSNAILMixtureHooks(PixelSNAILHooks):
  """`tfp_pixel.PixelSNAIL` with PixelCNN++'s mixture head: 2 components
  over the values 0..3."""

  high = 3

  def head_kwargs(self):
    return {'num_logistic_mix': 2, 'high': self.high}

  def channel_values(self):
    return np.arange(self.high + 1, dtype=np.float32)

  def reference_sample(self, dist, n, seed, **given):
    return reference.sample_pixel_cnn(dist, n, seed, **given)

  def network_outputs(self, dist, inputs):
    params = dist.network(inputs, conditional_input=self.network_label(
        inputs.shape[0]))
    batch_shape = tf.shape(params[0])[:3]
    flat = [tf.reshape(p, tf.concat([batch_shape, [-1]], 0)) for p in params]
    return tf.concat(flat, axis=-1)[:, :, :, tf.newaxis]

  def bad_arguments(self):
    return super(CategoricalHooks, self).bad_arguments() + [
        {'num_logistic_mix': 0}, {'high': 0}, {'num_classes': 1}]


class SequenceRNNHooks(Unconditional):
  """`tfp_pixel.SequenceRNN`, an unprompted LSTM of 4 units over 5 tokens
  (padding 0, unknown 1, end 2, words 3 and 4)."""

  tiny_shape = (SEQUENCE_LENGTH,)
  causal_shape = (SEQUENCE_LENGTH + 1,)
  cell = 'lstm'
  num_layers = 1
  prompt = None
  every_earlier_input_reaches = True
  keras_dtype = 'int32'

  @property
  def batch_shape(self):
    return () if self.prompt is None else np.shape(self.prompt)[:-1]

  def make_distribution(self, event_shape, **overrides):
    (max_length,) = event_shape
    kwargs = dict(vocabulary_size=VOCABULARY_SIZE, max_length=max_length,
                  cell=self.cell, num_layers=self.num_layers, embedding_dim=3,
                  units=4, prompt=self.prompt)
    kwargs.update(overrides)
    dist = tfp_pixel.SequenceRNN(**kwargs)
    for variable in dist.trainable_variables:
      variable.assign(variable * WEIGHT_SCALE)
    return dist

  def make_float64_distribution(self, event_shape):
    return self.make_distribution(event_shape, float_dtype=tf.float64)

  def channel_values(self):
    return np.arange(VOCABULARY_SIZE)

  def random_events(self, event_shape, n, seed=0):
    """Texts of random words and lengths, with their end, then padding."""
    (max_length,) = event_shape
    random = np.random.RandomState(seed)
    shape = (n,) + tuple(self.batch_shape)
    sequences = random.randint(END + 1, VOCABULARY_SIZE,
                               size=shape + (max_length,))
    lengths = random.randint(max_length + 1, size=shape)[..., np.newaxis]
    positions = np.arange(max_length)
    sequences[positions == lengths] = END
    sequences[positions > lengths] = PADDING
    return sequences.astype(np.int32)

  def reference_sample(self, dist, n, seed, **given):
    return reference.sample_sequences(dist, n, seed, **given)

  def bad_arguments(self):
    return super().bad_arguments() + [
        {'max_length': 0}, {'max_length': 2.5}, {'vocabulary_size': 0},
        {'units': 0}, {'cell': 'bilstm'}]

  def output_dependencies(self, dist):
    """The logits of each position against the embedded inputs: the end
    token, the prompt, then the tokens before the last."""
    (max_length,) = self.causal_shape
    network = dist.network
    embed = network.embed
    captured = []
    # Words only: no padding in the inputs, which the layers would skip.
    sequences = tf.constant(np.random.RandomState(3).randint(
        END + 1, VOCABULARY_SIZE,
        size=(2,) + tuple(self.batch_shape) + (max_length,)))
    with tf.GradientTape(persistent=True) as tape:

      def watched_embed(tokens):
        embedded = embed(tokens)
        tape.watch(embedded)
        captured.append(embedded)
        return embedded

      network.embed = watched_embed
      try:
        logits = dist.logits(sequences)
      finally:
        del network.embed
      per_step = [tf.reduce_sum(logits[..., t, :])
                  for t in range(max_length)]
    (embedded,) = captured
    num_context = embedded.shape[1] - (max_length - 1)
    found = []
    for t, output in enumerate(per_step):
      magnitude = tf.reduce_sum(tf.abs(tape.gradient(output, embedded)),
                                axis=[0, 2]).numpy()
      found.append(('at step {}'.format(t), magnitude,
                    np.arange(len(magnitude)) < num_context + t))
    del tape
    return found


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
