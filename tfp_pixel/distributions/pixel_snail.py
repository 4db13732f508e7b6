"""PixelSNAIL: causal convolutions and self-attention over every earlier pixel."""

import tensorflow as tf
import tensorflow_probability as tfp

from tfp_pixel import shapes
from tfp_pixel.distributions import base
from tfp_pixel.distributions import logistic_mixture
from tfp_pixel.networks import map_conditioning
from tfp_pixel.networks import pixel_snail_network
from tfp_pixel.sampling import pixel_snail_sampler

tfd = tfp.distributions

__all__ = ['PixelSNAIL']


class PixelSNAIL(base.NetworkImage, tfd.Distribution):
  """PixelSNAIL (Chen et al., 2018) as a distribution over images.

  Each pixel's conditional given the pixels before it in raster order comes
  from a stack of causal convolutions (PixelCNN++'s gated residuals) broken
  up by causal self-attention, through which every pixel reads every earlier
  one, however far (see `networks.pixel_snail_network`). Exactly one of two
  output heads:

  - `num_logistic_mix=M`: PixelCNN++'s discretized logistic mixture over the
    values `[0, high]` (8-bit by default), as `tfp_pixel.PixelCNN`: float
    events, the same `log_prob` of the same images, the same temperature rule
    (component logits divided by `T`, logistic scales multiplied by it);
  - `num_levels=K`: a softmax over `K` levels per channel, as
    `tfp_pixel.CategoricalPixelCNN`: int32 events, `logits()`, any `K` from 2
    to `2**16`; above 256 levels each level enters the network as a learned
    embedding (`networks.level_inputs`), for the codes of a VQ-VAE.

  Channels of a pixel are predicted in order (R, G, B): the mixture's
  locations depend linearly on the earlier channels, the categorical head
  reads them through a masked 1x1 layer.

  #### Mathematical details

  ```none
  p(x) = prod_{i, j} p(x[i, j] | x[<(i, j)])
  ```

  where the conditional is the head's distribution (tempered by `T`) given
  the network's features at `(i, j)`, which depend on the pixels before
  `(i, j)` only: convolutions reach a few pixels up and to the left per
  layer, and each attention layer lets position `t` attend to every position
  `s < t`. `log_prob` is the tempered distribution at every `T`, so that
  `sample` and `log_prob` agree.

  `sample` is exact and fast: it walks the pixels in raster order, keeping
  the convolutions' activations of the rows it needs and every attention
  layer's keys and values, so that a pixel costs one position of each
  convolution and one query against the stored keys
  (`sampling.pixel_snail_sampler`); int and stateless `(a, b)` seeds are
  accepted. With `num_classes=K` the model is class-conditional, `p(x | y)`,
  with a one-hot `conditional_input` as every model of the package. With
  `conditional_shape=(height, width, F)` it is conditional on a map with the
  image's height and width, `p(x | m)` (e.g. a VQ-VAE-2 bottom prior given
  the top codes), with `conditional_input` `[..., height, width, F]` as
  `CategoricalPixelCNN`'s: every gated residual adds a bias projected from
  the map's features at each pixel. Both heads take either condition.

  #### Examples

  ```python
  dist = tfp_pixel.PixelSNAIL((28, 28, 1), num_logistic_mix=5)
  loss = -tf.reduce_mean(dist.log_prob(images_uint8, training=True))
  samples = dist.sample(16, seed=(1, 2))     # float32 [16, 28, 28, 1]
  codes = tfp_pixel.PixelSNAIL((8, 8, 1), num_levels=512, num_classes=10)
  bottom = tfp_pixel.PixelSNAIL((32, 32, 1), num_levels=512,
                                conditional_shape=(32, 32, 64))
  bottom_codes = bottom.sample(4, seed=(1, 2), conditional_input=top_map)
  ```

  #### References

  [1]: Xi Chen, Nikhil Mishra, Mostafa Rohaninejad, Pieter Abbeel.
       PixelSNAIL: An Improved Autoregressive Generative Model. In
       _International Conference on Machine Learning_, 2018.
       https://arxiv.org/abs/1712.09763
  """

  def __init__(self,
               image_shape,
               num_logistic_mix=None,
               num_levels=None,
               num_blocks=2,
               num_resnet=2,
               num_filters=64,
               num_heads=1,
               key_size=16,
               value_size=32,
               num_output_filters=None,
               dropout_p=0.,
               num_classes=None,
               conditional_shape=None,
               high=255,
               temperature=1.,
               network=None,
               float_dtype=tf.float32,
               dtype=None,
               validate_args=False,
               allow_nan_stats=True,
               name='PixelSNAIL'):
    """Constructs a PixelSNAIL.

    Args:
      image_shape: `(height, width, channels)`.
      num_logistic_mix: Python `int`, components of the logistic mixture
        head; give it or `num_levels`.
      num_levels: Python `int` in `[2, 2**16]`, levels of the softmax head.
      num_blocks: Python `int`, blocks of convolutions ending in attention.
      num_resnet: Python `int`, gated residuals of 3x3 causal convolutions
        per block.
      num_filters: Python `int`, features of the convolution stack.
      num_heads: Python `int`, attention heads.
      key_size: Python `int`, features of each head's keys and queries.
      value_size: Python `int`, features of each head's values.
      num_output_filters: Python `int`, hidden features of the softmax head;
        `None` for `num_filters`.
      dropout_p: Python `float` in `[0, 1)`, dropout in the gated residuals
        when `log_prob` is called with `training=True`.
      num_classes: Python `int`, classes of a class-conditional model, or
        `None`.
      conditional_shape: `(height, width, features)` of the map of a
        map-conditional model, with the image's height and width, or `None`;
        not with `num_classes`.
      high: Python `int`, the largest value of the mixture head's pixels
        (values in `[0, high]`).
      temperature: positive float scalar `T`.
      network: an existing `PixelSNAILNetwork` to use (and share) instead of
        building one; `copy()` passes the current one.
      float_dtype: float `tf.DType` of the network (float32 or float64).
      dtype: `tf.DType` of the events: `float_dtype` for the mixture head,
        int32 for the softmax head when `None`.
      validate_args: Python `bool`, whether to check levels at run time.
      allow_nan_stats: Python `bool`.
      name: Python `str` name.

    Raises:
      ValueError: one line naming the argument, if one is out of range,
        both or neither head is given, or `network` does not match.
    """
    parameters = dict(locals())
    with tf.name_scope(name) as name:
      image_shape = shapes.check_image_shape(image_shape)
      float_dtype = tf.as_dtype(float_dtype)
      self._init_temperature(temperature, float_dtype)
      pixel_snail_network.check_arguments(
          image_shape, num_levels, num_logistic_mix, high, num_blocks,
          num_resnet, num_filters, num_heads, key_size, value_size,
          num_output_filters, dropout_p, num_classes, conditional_shape)
      conditional_shape = map_conditioning.check_conditional_shape(
          conditional_shape, image_shape, num_classes)
      if network is None:
        network = pixel_snail_network.PixelSNAILNetwork(
            image_shape, num_levels=num_levels,
            num_logistic_mix=num_logistic_mix, high=high,
            num_blocks=num_blocks, num_resnet=num_resnet,
            num_filters=num_filters, num_heads=num_heads, key_size=key_size,
            value_size=value_size, num_output_filters=num_output_filters,
            dropout_p=dropout_p, num_classes=num_classes,
            conditional_shape=conditional_shape, dtype=float_dtype)
      else:
        _check_network(network, image_shape, num_levels, num_logistic_mix,
                       high, num_classes, conditional_shape)
      parameters['network'] = network
      self._image_shape = image_shape
      self._network = network
      self._float_dtype = float_dtype
      if dtype is None:
        dtype = tf.int32 if network.num_levels else float_dtype
      super().__init__(
          dtype=dtype, reparameterization_type=tfd.NOT_REPARAMETERIZED,
          validate_args=validate_args, allow_nan_stats=allow_nan_stats,
          parameters=parameters, name=name)

  @property
  def num_levels(self):
    """Python `int`, levels of the softmax head, or `None`."""
    return self._network.num_levels

  @property
  def num_logistic_mix(self):
    """Python `int`, components of the mixture head, or `None`."""
    return self._network.num_logistic_mix

  @property
  def low(self):
    """The mixture head's smallest value, a float scalar `Tensor`."""
    return tf.constant(0, self._float_dtype)

  @property
  def high(self):
    """The mixture head's largest value, a float scalar `Tensor`."""
    return tf.constant(self._network.high, self._float_dtype)

  def mixture(self):
    """The `logistic_mixture.LogisticMixture` of the mixture head."""
    self._require_head('mixture', self.num_logistic_mix)
    return logistic_mixture.LogisticMixture(
        self._image_shape[-1], self.num_logistic_mix, 0, self._network.high,
        self._temperature, self._float_dtype)

  def logits(self, levels, training=False, conditional_input=None):
    """Tempered logits `[batch, H, W, C, num_levels]` of the softmax head.

    Args:
      levels: integer `Tensor` `[batch, H, W, C]`.
      training: Python `bool`, whether dropout is active.
      conditional_input: for a conditional model, one-hot labels
        `[batch, num_classes]` or `[num_classes]`, or maps
        `[batch, H, W, features]` or `[H, W, features]`.

    Raises:
      ValueError: for a mixture model, or a condition that does not fit.
    """
    self._require_head('softmax', self.num_levels)
    logits = self.network_outputs(levels, training, conditional_input)
    return logits / tf.convert_to_tensor(self._temperature)

  def network_params(self, images, conditional_input=None, training=False):
    """The mixture head's parameters at every pixel (see
    `mixture_head.split_params`) given images in `[0, high]`."""
    self._require_head('mixture', self.num_logistic_mix)
    return self.network_outputs(images, training, conditional_input)

  def draw_pixel_by_inverse_cdf(self, params, noise, known, known_mask):
    """Draws one pixel of the mixture head from its parameters (see
    `logistic_mixture.LogisticMixture.draw_pixel`)."""
    return self.mixture().draw_pixel(params, noise, known, known_mask)

  def pixel_sampler(self, batch_size=None, conditional_input=None):
    """The fast exact `pixel_snail_sampler.PixelSNAILSampler`.

    Args:
      batch_size: Python `int` or int32 scalar; needed only to broadcast a
        single label or map.
      conditional_input: for a conditional model, one-hot labels
        `[batch_size, num_classes]` or `[num_classes]`, or maps
        `[batch_size, H, W, features]` or `[H, W, features]`.
    """
    return pixel_snail_sampler.PixelSNAILSampler(
        self, self.sampler_condition(batch_size, conditional_input))

  def _log_prob(self, value, conditional_input=None, training=False):
    images, conditions, leading_shape = self.flat_events(value,
                                                         conditional_input)
    if self.num_levels is not None:
      levels, logits = self._levels_and_logits(images, conditions, training)
      log_prob = base.categorical_log_prob(logits, levels)
    else:
      images = tf.cast(images, self._float_dtype)
      log_prob = self.mixture().log_prob(
          self.network_params(images, conditions, training), images)
    return tf.reshape(log_prob, leading_shape)

  def _per_pixel_log_prob(self, value, conditional_input=None):
    images, conditions, leading_shape = self.flat_events(value,
                                                         conditional_input)
    if self.num_levels is not None:
      levels, logits = self._levels_and_logits(images, conditions)
      log_probs = base.categorical_channel_log_probs(logits, levels)
    else:
      images = tf.cast(images, self._float_dtype)
      log_probs = self.mixture().per_channel_log_prob(
          self.network_params(images, conditions), images)
    return tf.reshape(log_probs,
                      tf.concat([leading_shape, self._image_shape], 0))

  def _levels_and_logits(self, images, conditions, training=False):
    """The levels of images `[n, H, W, C]` and their tempered logits."""
    levels = tf.cast(images, tf.int32)
    with tf.control_dependencies(self.level_assertions(levels,
                                                       self.num_levels)):
      logits = self.logits(levels, training=training,
                           conditional_input=conditions)
    return levels, logits

  def _require_head(self, head, size):
    if size is None:
      raise ValueError('This PixelSNAIL has no {} head (built with {}).'
                       .format(head, 'num_logistic_mix' if head == 'softmax'
                               else 'num_levels'))


def _check_network(network, image_shape, num_levels, num_logistic_mix, high,
                   num_classes, conditional_shape):
  """Checks that an existing `network` (e.g. from `copy()`) fits.

  Raises:
    ValueError: one line, if it is not a `PixelSNAILNetwork` of this shape,
      head and condition.
  """
  if (not isinstance(network, pixel_snail_network.PixelSNAILNetwork) or
      tuple(network.image_shape) != image_shape or
      network.num_levels != num_levels or
      network.num_logistic_mix != num_logistic_mix or
      (num_logistic_mix is not None and network.high != high) or
      network.num_classes != num_classes or
      network.conditional_shape != conditional_shape):
    raise ValueError(
        '`network` ({}) does not fit image_shape={}, num_levels={}, '
        'num_logistic_mix={}, high={}, num_classes={} and '
        'conditional_shape={}.'.format(
            type(network).__name__, image_shape, num_levels,
            num_logistic_mix, high, num_classes, conditional_shape))
