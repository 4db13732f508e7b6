"""PixelCNN++ (`tfp.distributions.PixelCNN`), causal from construction on."""

import tensorflow as tf
import tensorflow_probability as tfp

from tfp_pixel import class_labels
from tfp_pixel import quantization
from tfp_pixel import shapes
from tfp_pixel.distributions import base
from tfp_pixel.distributions import logistic_mixture
from tfp_pixel.networks import stock_pixel_cnn
from tfp_pixel.sampling import pixel_cnn_sampler

tfd = tfp.distributions

__all__ = ['PixelCNN']


class PixelCNN(base.AutoregressiveImage, tfd.PixelCNN):
  """`tfp.distributions.PixelCNN` whose kernels are masked in the forward pass.

  Stock `tfd.PixelCNN` masks its convolution kernels only through Keras
  `kernel_constraint`s, which only an optimizer step applies: a fresh model sees
  the pixel it predicts, and its probabilities do not sum to one. Here each
  constrained kernel is also multiplied by its mask on every call, so the
  distribution is normalized and causal from construction on, whatever updates
  its variables. Everything else (network, weights, `log_prob`) is stock.

  `sample` draws each pixel from its conditional given the already-drawn,
  quantized pixels (the stock sampler feeds back unrounded draws, so its samples
  do not follow its own `log_prob`), accepts int and stateless `(a, b)` seeds,
  and is fast: it evaluates the network incrementally, row band by row band
  (see `tfp_pixel.sampling`).

  With `num_classes=K` the model is class-conditional, `p(x | y)`, through the
  stock network's `conditional_shape=(K,)`: the label `y` is a float one-hot
  `[..., K]` `conditional_input` (see `tfp_pixel.one_hot_labels`), not the raw
  float label of the stock docstring's example. Its leading dimensions
  broadcast like a batch of parameters: against the leading dimensions of
  `x` in `log_prob(x)`, and against `sample_shape` in `sample` (`[K]`: one
  label for every sample; `[n, K]`: one per sample of `sample(n)`; stock's
  `sample((4, 3), conditional_input=c)` with `c` `[3, K]` works as
  documented). A missing, superfluous or misshapen `conditional_input` is a
  `ValueError`.

  #### Mathematical details

  With temperature `T`, pixel `x` at position `(i, j)` follows, channel by
  channel,

  ```none
  x[c] ~ sum_k Categorical(logits / T)[k] *
           QuantizedLogistic(x[c]; loc[k, c](x[:c]), T * scale[k, c])
  ```

  the stock mixture with every component logit divided by `T` and every
  logistic scale multiplied by `T`: `T < 1` gives sharper, more likely images,
  and `T = 1` is exactly the stock model. `log_prob` is the tempered
  distribution as well, so `sample` and `log_prob` agree at every `T`.

  #### Examples

  ```python
  dist = tfp_pixel.PixelCNN(image_shape=(28, 28, 1), num_resnet=1,
                            num_hierarchies=2, num_filters=32,
                            num_logistic_mix=5, dropout_p=.3)
  loss = -tf.reduce_mean(dist.log_prob(images_uint8, training=True))
  samples = dist.sample(4, seed=(1, 2))     # float32 [4, 28, 28, 1] in [0, 255]
  cold = dist.copy(temperature=0.8)         # same weights, sharper samples
  ```

  A class-conditional model, with one label or a batch of labels:

  ```python
  dist = tfp_pixel.PixelCNN(image_shape=(28, 28, 1), num_classes=10,
                            num_resnet=1, num_hierarchies=2, num_filters=32,
                            num_logistic_mix=5, dropout_p=.3)
  y = tfp_pixel.one_hot_labels(labels, num_classes=10)        # [batch, 10]
  loss = -tf.reduce_mean(dist.log_prob(images_uint8, conditional_input=y,
                                       training=True))
  fives = dist.sample(10, seed=(1, 2),
                      conditional_input=tfp_pixel.one_hot_labels(5, 10))
  some = dist.sample(                        # [4, 3, 28, 28, 1]: 4 of each
      (4, 3), seed=(1, 2),
      conditional_input=tfp_pixel.one_hot_labels([1, 2, 3], 10))
  ```

  #### References

  [1]: Tim Salimans, Andrej Karpathy, Xi Chen, and Diederik P. Kingma.
       PixelCNN++: Improving the PixelCNN with Discretized Logistic Mixture
       Likelihood and Other Modifications. In _ICLR_, 2017.
  """

  def __init__(self,
               image_shape,
               conditional_shape=None,
               num_classes=None,
               num_resnet=5,
               num_hierarchies=3,
               num_filters=160,
               num_logistic_mix=10,
               receptive_field_dims=(3, 3),
               dropout_p=0.5,
               resnet_activation='concat_elu',
               use_weight_norm=True,
               use_data_init=True,
               high=255,
               low=0,
               temperature=1.,
               network=None,
               dtype=tf.float32,
               name='PixelCNN'):
    """Constructs the distribution; see `tfp.distributions.PixelCNN`.

    Args:
      image_shape: `(height, width, channels)`.
      conditional_shape: shape of the conditional input, or `None`.
      num_classes: Python `int`, the number of classes of a class-conditional
        model (one-hot labels; the same as `conditional_shape=(num_classes,)`),
        or `None`.
      num_resnet: see `tfp.distributions.PixelCNN`.
      num_hierarchies: see `tfp.distributions.PixelCNN`.
      num_filters: see `tfp.distributions.PixelCNN`.
      num_logistic_mix: see `tfp.distributions.PixelCNN`.
      receptive_field_dims: see `tfp.distributions.PixelCNN`.
      dropout_p: see `tfp.distributions.PixelCNN`.
      resnet_activation: see `tfp.distributions.PixelCNN`.
      use_weight_norm: see `tfp.distributions.PixelCNN`.
      use_data_init: see `tfp.distributions.PixelCNN`.
      high: Python `int`, the largest pixel value.
      low: Python `int`, the smallest pixel value.
      temperature: positive float scalar `T`: mixture logits are divided by
        it and logistic scales multiplied by it, in `sample` and `log_prob`
        alike; `T = 1` is the stock model.
      network: an existing network of this distribution to use (and share)
        instead of the freshly built one; `copy()` passes the current one.
      dtype: float `tf.DType`.
      name: Python `str` name.

    Raises:
      ValueError: if `image_shape` is not three positive integers, `low` and
        `high` not integers 2 to 256 levels apart, `temperature` not a
        positive finite scalar, or `num_classes` not `None` or an integer of
        at least 2, or it disagrees with `conditional_shape`.
    """
    parameters = dict(locals())
    image_shape = shapes.check_image_shape(image_shape)
    low, high = quantization.check_value_range(low, high)
    self._num_classes = class_labels.check_num_classes(num_classes)
    conditional_shape = _conditional_shape(self._num_classes,
                                           conditional_shape)
    self._init_temperature(temperature, dtype)
    if network is None:
      super().__init__(
          image_shape=image_shape, conditional_shape=conditional_shape,
          num_resnet=num_resnet, num_hierarchies=num_hierarchies,
          num_filters=num_filters, num_logistic_mix=num_logistic_mix,
          receptive_field_dims=receptive_field_dims, dropout_p=dropout_p,
          resnet_activation=resnet_activation,
          use_weight_norm=use_weight_norm, use_data_init=use_data_init,
          high=high, low=low, dtype=dtype, name=name)
      stock_pixel_cnn.mask_kernels_in_forward(self.network)
    else:
      self._share_network(network, image_shape, conditional_shape, high, low,
                          num_logistic_mix, dtype, name)
    parameters['network'] = self.network
    self._parameters = self._no_dependency(parameters)

  def _share_network(self, network, image_shape, conditional_shape, high,
                     low, num_logistic_mix, dtype, name):
    """`tfd.PixelCNN.__init__` minus building a network, for `copy()`.

    The stock constructor always builds (and, with Keras, initializes) a fresh
    network, which takes seconds at real sizes; a copy reuses `network`.
    """
    with tf.name_scope(name) as name:
      tfd.Distribution.__init__(  # pylint: disable=non-parent-init-called
          self, dtype=dtype,
          reparameterization_type=tfp.distributions.NOT_REPARAMETERIZED,
          validate_args=False, allow_nan_stats=True, parameters={},
          name=name)
      self._high = tf.cast(high, self.dtype)
      self._low = tf.cast(low, self.dtype)
      self._num_logistic_mix = num_logistic_mix
      self.image_shape = tf.TensorShape(image_shape)
      self.conditional_shape = (None if conditional_shape is None else
                                tf.TensorShape(conditional_shape))
      self.network = network

  def network_params(self, images, conditional_input=None, training=False):
    """Runs the network on images in `[low, high]`.

    Args:
      images: float `Tensor` of shape `[batch, height, width, channels]`.
      conditional_input: `Tensor` of shape `[batch, *conditional_shape]`, or
        `None`.
      training: Python `bool`, whether dropout is active.

    Returns:
      params: list of `component_logits` `[batch, height, width, M]`, `locs` and
        `scales` `[batch, height, width, M, channels]` and, for several
        channels, `coeffs` `[batch, height, width, M, C * (C - 1) / 2]`.
    """
    scaled = self.network_inputs(images)
    inputs = scaled if conditional_input is None else [scaled,
                                                       conditional_input]
    return self.network(inputs, training=training)

  def network_inputs(self, values):
    """Maps values in `[low, high]` onto the network's `[-1, 1]`."""
    return quantization.to_unit_interval(values, self._low, self._high,
                                         self.dtype)

  def pixel_distribution(self, component_logits, locs, scales):
    """Quantized logistic mixture of one pixel's channels, as in `log_prob`.

    Args:
      component_logits: `Tensor` of shape `[batch, M]`.
      locs: `Tensor` of shape `[batch, M, channels]`, in network units, with
        the linear dependence on earlier channels already added.
      scales: `Tensor` of shape `[batch, M, channels]`.

    Returns:
      dist: distribution with batch shape `[batch]` and event shape
        `[1, 1, channels]` over values in `[low, high]`.
    """
    return self._make_mixture_dist(
        component_logits[:, tf.newaxis, tf.newaxis],
        locs[:, tf.newaxis, tf.newaxis], scales[:, tf.newaxis, tf.newaxis])

  @property
  def low(self):
    """The smallest pixel value, a float scalar `Tensor`."""
    return self._low

  @property
  def high(self):
    """The largest pixel value, a float scalar `Tensor`."""
    return self._high

  @property
  def num_logistic_mix(self):
    """Python `int`, logistic components of each pixel's mixture."""
    return self._num_logistic_mix

  @property
  def num_classes(self):
    """Python `int`, classes of a class-conditional model, or `None`."""
    return self._num_classes

  @property
  def conditional_dtype(self):
    """Float `tf.DType` of `conditional_input`."""
    return self.dtype

  def _log_prob(self, value, conditional_input=None, training=None):
    value, conditional_input = self.broadcast_conditional_input(
        tf.convert_to_tensor(value, dtype_hint=self.dtype), conditional_input)
    return super()._log_prob(value, conditional_input=conditional_input,
                             training=training)

  def _per_pixel_log_prob(self, value, conditional_input=None):
    value = shapes.check_event(
        tf.convert_to_tensor(value, dtype_hint=self.dtype),
        self.image_shape.as_list())
    value, conditional_input = self.broadcast_conditional_input(
        tf.cast(value, self.dtype), conditional_input)
    image_shape = self.image_shape.as_list()
    images = tf.reshape(value, [-1, *image_shape])
    if conditional_input is not None:
      conditional_input = tf.reshape(
          conditional_input, [-1, *self.conditional_shape.as_list()])
    log_probs = self.mixture().per_channel_log_prob(
        self.network_params(images, conditional_input), images)
    return tf.reshape(log_probs, tf.shape(value))

  def _make_mixture_dist(self, component_logits, locs, scales):
    return self.mixture().distribution(component_logits, locs, scales)

  def mixture(self):
    """The `logistic_mixture.LogisticMixture` of the output head."""
    return logistic_mixture.LogisticMixture(
        self.image_shape[-1], self._num_logistic_mix, self._low, self._high,
        self._temperature, self.dtype)

  def pixel_sampler(self, batch_size, conditional_input=None):
    """The fast exact `PixelSampler` of this distribution.

    Args:
      batch_size: Python `int` or int32 scalar, images drawn at once.
      conditional_input: `Tensor` `[*conditional_shape]` or
        `[batch_size, *conditional_shape]`, or `None`.

    Returns:
      sampler: a `pixel_cnn_sampler.PixelCNNSampler`.

    Raises:
      ValueError: if `conditional_input` does not fit the model.
    """
    conditional_input = self.checked_conditional_input(conditional_input)
    if conditional_input is not None:
      conditional_input = tf.broadcast_to(
          conditional_input,
          tf.concat([[batch_size], self.conditional_shape.as_list()], 0))
    return pixel_cnn_sampler.PixelCNNSampler(self, batch_size,
                                             conditional_input)

  def draw_pixel_by_inverse_cdf(self, params, noise, known, known_mask):
    """Draws one pixel from its network outputs by inverting CDFs; see
    `logistic_mixture.LogisticMixture.draw_pixel`."""
    return self.mixture().draw_pixel(params, noise, known, known_mask)


def _conditional_shape(num_classes, conditional_shape):
  """The `conditional_shape` of a model with `num_classes` classes."""
  if num_classes is None:
    return conditional_shape
  one_hot_shape = tf.TensorShape([int(num_classes)])
  if (conditional_shape is not None and
      tf.TensorShape(conditional_shape) != one_hot_shape):
    raise ValueError(
        '`conditional_shape` {} disagrees with num_classes={}: give one of '
        'them (num_classes={} means conditional_shape=({},)).'.format(
            tuple(tf.TensorShape(conditional_shape).as_list()), num_classes,
            num_classes, num_classes))
  return one_hot_shape
