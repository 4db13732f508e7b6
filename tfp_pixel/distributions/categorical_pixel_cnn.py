"""The categorical-output PixelCNN distribution."""

import tensorflow as tf
import tensorflow_probability as tfp

from tfp_pixel import quantization
from tfp_pixel import shapes
from tfp_pixel.distributions import base
from tfp_pixel.networks import gated_network
from tfp_pixel.networks import masked_network
from tfp_pixel.sampling import categorical_sampler

tfd = tfp.distributions

__all__ = ['ARCHITECTURES', 'CategoricalPixelCNN']

ARCHITECTURES = ('plain', 'gated')


class CategoricalPixelCNN(base.AutoregressiveImage, tfd.Distribution):
  """PixelCNN with a softmax over quantized intensity levels at every channel.

  The distribution of images `x` of integer levels in `[0, num_levels)`, with
  `event_shape == image_shape` and `batch_shape == []`.

  #### Mathematical details

  Pixels are ordered in raster order and, within a pixel, channels R, G, B:

  ```none
  p(x) = prod_{i, j, c} Categorical(x[i, j, c]; logits[i, j, c] / T)
  logits[i, j, c] = f(x[:i], x[i, :j], x[i, j, :c])
  ```

  where `f` is the network and `T` the `temperature`: the masked convolution
  stack `MaskedPixelCNNNetwork` (`architecture='plain'`) or the
  blind-spot-free `GatedPixelCNNNetwork` (`architecture='gated'`, [2]). The distribution is the tempered one at every `T`: `sample`
  and `log_prob` agree, and `T -> 0` approaches the greedy (argmax) path.

  `sample` is exact and fast: it keeps the network's activations and
  recomputes only the rows that change (`tfp_pixel.sampling`); int and stateless `(a, b)` seeds are accepted.

  With `num_classes=K` the model is class-conditional, `p(x | y)`: every
  layer of the network adds a bias projected from the one-hot label `y`, and
  `log_prob`, `logits`, `sample` and `tfp_pixel.complete` take it as
  `conditional_input`, a float `[..., K]` one-hot (see
  `tfp_pixel.one_hot_labels`). Its leading dimensions broadcast like a batch
  of parameters: against the leading dimensions of `x` in `log_prob(x)`, and
  against `sample_shape` in `sample` (`[K]`: one label for every sample;
  `[n, K]`: one per sample of `sample(n)`).

  #### Examples

  ```python
  dist = tfp_pixel.CategoricalPixelCNN(image_shape=(28, 28, 1), num_levels=4)
  levels = tfp_pixel.quantize(images_uint8, num_levels=4)
  loss = -tf.reduce_mean(dist.log_prob(levels))
  samples = dist.sample(10, seed=(1, 2))      # int32 [10, 28, 28, 1]
  cold = dist.copy(temperature=0.5)           # same weights, sharper samples
  gated = tfp_pixel.CategoricalPixelCNN((28, 28, 1), num_levels=4,
                                        architecture='gated')
  ```

  A class-conditional model, with one label or a batch of labels:

  ```python
  dist = tfp_pixel.CategoricalPixelCNN(image_shape=(28, 28, 1), num_levels=4,
                                       num_classes=10)
  y = tfp_pixel.one_hot_labels(labels, num_classes=10)        # [batch, 10]
  loss = -tf.reduce_mean(dist.log_prob(levels, conditional_input=y))
  threes = dist.sample(16, seed=(1, 2),
                       conditional_input=tfp_pixel.one_hot_labels(3, 10))
  per_class = dist.sample(                     # [4, 10, 28, 28, 1]: 4 of each
      (4, 10), seed=(1, 2),
      conditional_input=tfp_pixel.one_hot_labels(tf.range(10), 10))
  # log p(x | y) for every class: [10, batch], e.g. to classify by argmax.
  log_likelihoods = dist.log_prob(
      levels, conditional_input=tfp_pixel.one_hot_labels(
          tf.range(10)[:, tf.newaxis], 10))
  ```

  #### References

  [1]: Aaron van den Oord, Nal Kalchbrenner, Koray Kavukcuoglu. Pixel Recurrent
       Neural Networks. In _International Conference on Machine Learning_, 2016.
       https://arxiv.org/abs/1601.06759

  [2]: Aaron van den Oord, Nal Kalchbrenner, Oriol Vinyals, Lasse Espeholt,
       Alex Graves, Koray Kavukcuoglu. Conditional Image Generation with
       PixelCNN Decoders. In _Neural Information Processing Systems_, 2016.
       https://arxiv.org/abs/1606.05328
  """

  def __init__(self,
               image_shape,
               num_levels=256,
               num_filters=64,
               num_residual_blocks=5,
               first_kernel_size=7,
               kernel_size=3,
               num_output_filters=None,
               dropout_rate=0.,
               num_classes=None,
               architecture='plain',
               temperature=1.,
               network=None,
               float_dtype=tf.float32,
               dtype=tf.int32,
               validate_args=False,
               allow_nan_stats=True,
               name='CategoricalPixelCNN'):
    """Constructs a categorical PixelCNN.

    Args:
      image_shape: `(height, width, channels)` of the images.
      num_levels: Python `int` in `[2, 256]`, quantized levels per channel.
      num_filters: Python `int`, feature maps of the residual stack (gated:
        of each stack).
      num_residual_blocks: Python `int`, residual blocks (gated: gated
        layers) after the first layer.
      first_kernel_size: odd Python `int`, size of the type-A convolution.
      kernel_size: odd Python `int`, size of the residual blocks' masked
        convolutions (gated: width of the later layers' windows).
      num_output_filters: Python `int`, feature maps of the two 1x1 layers
        before the output; defaults to `num_filters`.
      dropout_rate: Python `float`, dropout in the residual blocks when
        `log_prob` is called with `training=True`.
      num_classes: Python `int`, the number of classes of a class-conditional
        model, or `None` for an unconditional one.
      architecture: `'plain'` (`MaskedPixelCNNNetwork`) or `'gated'`
        (`GatedPixelCNNNetwork`).
      temperature: positive float scalar; logits are divided by it.
      network: an existing network of `architecture` to use (and share)
        instead of building one; `copy()` passes the current one.
      float_dtype: float `tf.DType` of the network (float32 or float64).
      dtype: integer `tf.DType` of the samples.
      validate_args: Python `bool`, whether to check inputs at runtime.
      allow_nan_stats: Python `bool`.
      name: Python `str` name.

    Raises:
      ValueError: if an argument is out of range, or `network` does not match.
    """
    parameters = dict(locals())
    with tf.name_scope(name) as name:
      image_shape = shapes.check_image_shape(image_shape)
      num_levels = quantization.check_num_levels(num_levels)
      float_dtype = tf.as_dtype(float_dtype)
      if architecture not in ARCHITECTURES:
        raise ValueError('`architecture` must be one of {}, got {!r}.'.format(
            ', '.join(ARCHITECTURES), architecture))
      network_class = _NETWORKS[architecture]
      if network is None:
        network = network_class(
            image_shape, num_levels, num_filters=num_filters,
            num_residual_blocks=num_residual_blocks,
            first_kernel_size=first_kernel_size, kernel_size=kernel_size,
            num_output_filters=num_output_filters, dropout_rate=dropout_rate,
            num_classes=num_classes, dtype=float_dtype)
      elif (tuple(network.image_shape) != image_shape or
            network.num_levels != num_levels or
            network.num_classes != num_classes or
            not isinstance(network, network_class)):
        raise ValueError(
            '`network` ({}) was built for image_shape={}, num_levels={} and '
            'num_classes={}, not the {} architecture with {}, {} and {}.'.format(
                type(network).__name__, network.image_shape,
                network.num_levels, network.num_classes, architecture,
                image_shape, num_levels, num_classes))
      parameters['network'] = network
      self._image_shape = image_shape
      self._num_levels = num_levels
      self._architecture = architecture
      self._float_dtype = float_dtype
      self._network = network
      self._init_temperature(temperature, float_dtype)
      super().__init__(
          dtype=dtype,
          reparameterization_type=tfd.NOT_REPARAMETERIZED,
          validate_args=validate_args,
          allow_nan_stats=allow_nan_stats,
          parameters=parameters,
          name=name)

  @property
  def image_shape(self):
    return self._image_shape

  @property
  def num_levels(self):
    return self._num_levels

  @property
  def architecture(self):
    return self._architecture

  @property
  def num_classes(self):
    """Python `int`, classes of a conditional model, or `None`."""
    return self._network.num_classes

  @property
  def conditional_dtype(self):
    """Float `tf.DType` of `conditional_input` (the network's)."""
    return self._float_dtype

  @property
  def conditional_shape(self):
    """`tf.TensorShape([num_classes])`, or `None` when unconditional."""
    if self.num_classes is None:
      return None
    return tf.TensorShape([self.num_classes])

  @property
  def network(self):
    return self._network

  @property
  def float_dtype(self):
    return self._float_dtype

  def logits(self, levels, training=False, conditional_input=None):
    """Tempered logits of every pixel and channel given the images `levels`.

    Args:
      levels: integer `Tensor` of shape `[batch, height, width, channels]`.
      training: Python `bool`, whether dropout is active.
      conditional_input: for a conditional model, the one-hot labels,
        `[batch, num_classes]` or `[num_classes]` (one for all images).

    Returns:
      logits: float `Tensor` of shape
        `[batch, height, width, channels, num_levels]`; the logits at
        `(i, j, c)` depend only on the levels before `(i, j, c)`.

    Raises:
      ValueError: if `conditional_input` does not fit the model.
    """
    conditional_input = self.checked_conditional_input(conditional_input)
    logits = self._network(self.network_inputs(levels), training=training,
                           conditional_input=conditional_input)
    return logits / tf.convert_to_tensor(self._temperature)

  def network_inputs(self, levels):
    """Maps levels `[0, num_levels)` onto the network's `[-1, 1]`."""
    return quantization.levels_to_unit_interval(levels, self._num_levels,
                                                dtype=self._float_dtype)

  def _log_prob(self, value, conditional_input=None, training=False):
    value = shapes.check_event(value, self._image_shape)
    value, conditional_input = self.broadcast_conditional_input(
        value, conditional_input)
    if conditional_input is not None:
      conditional_input = tf.reshape(conditional_input,
                                     [-1, self.num_classes])
    sample_and_batch_shape = tf.shape(value)[:-3]
    levels = tf.reshape(value, [-1, *self._image_shape])
    levels = tf.cast(levels, tf.int32)
    with tf.control_dependencies(self._value_assertions(levels)):
      logits = self.logits(levels, training=training,
                           conditional_input=conditional_input)
    pixels = tfd.Independent(tfd.Categorical(logits=logits),
                             reinterpreted_batch_ndims=3)
    return tf.reshape(pixels.log_prob(levels), sample_and_batch_shape)

  def _value_assertions(self, levels):
    if not self.validate_args:
      return []
    return [tf.debugging.assert_non_negative(levels),
            tf.debugging.assert_less(
                levels, self._num_levels,
                message='levels must be smaller than `num_levels`')]

  def pixel_sampler(self, batch_size=None, conditional_input=None):
    """The fast exact `sampling.PixelSampler` of this distribution.

    Args:
      batch_size: Python `int` or int32 scalar, images drawn at once; needed
        only to broadcast a single label (the sampler serves any batch size).
      conditional_input: for a conditional model, the one-hot labels,
        `[batch_size, num_classes]` or `[num_classes]`.

    Returns:
      sampler: a `categorical_sampler.CategoricalSampler`.

    Raises:
      ValueError: if `conditional_input` does not fit the model.
    """
    conditional_input = self.checked_conditional_input(conditional_input)
    if conditional_input is not None and batch_size is not None:
      conditional_input = tf.broadcast_to(
          conditional_input, tf.stack([batch_size, self.num_classes]))
    return categorical_sampler.CategoricalSampler(self, conditional_input)


_NETWORKS = {'plain': masked_network.MaskedPixelCNNNetwork,
             'gated': gated_network.GatedPixelCNNNetwork}
