"""What the distributions with a softmax over levels per channel share.

`CategoricalImage` is mixed into a `tfd.Distribution` (listed before it) by
every model whose network is a `networks.categorical_network.CategoricalNetwork`
(`CategoricalPixelCNN`, `PixelRNN`): it checks the constructor's arguments,
builds or checks the network, maps levels to the network's inputs (its
`level_inputs`), computes the tempered logits and the log-likelihood, and
hands the model's fast sampler its condition (labels or maps). A model only names its networks
and their arguments (`_init_categorical`) and its sampler
(`_make_pixel_sampler`).
"""

import tensorflow as tf
import tensorflow_probability as tfp

from tfp_pixel import class_labels
from tfp_pixel import quantization
from tfp_pixel import shapes
from tfp_pixel.distributions import base
from tfp_pixel.networks import map_conditioning

tfd = tfp.distributions

__all__ = ['CategoricalImage']


class CategoricalImage(base.NetworkImage):
  """Mixin of the categorical image models: network, logits and `log_prob`.

  A model's constructor calls `_init_categorical` (which initializes the
  `tfd.Distribution`); the model implements
  `_make_pixel_sampler(conditional_input)`.
  """

  def _init_categorical(self, parameters, networks, network_kwargs, name):
    """The constructor's work: checks the arguments, builds (or checks) the
    network and initializes the `tfd.Distribution`.

    Call it in the constructor, inside its `tf.name_scope(name) as name`.

    Args:
      parameters: the constructor's `dict(locals())`, with `image_shape`,
        `num_levels`, `architecture`, `network`, `num_classes`,
        `conditional_shape`, `temperature`, `float_dtype`, `dtype`,
        `validate_args` and `allow_nan_stats`; its `network` becomes the one
        used, so that `copy()` shares it.
      networks: `dict` from architecture names to network classes.
      network_kwargs: `dict` of the network's own constructor arguments.
      name: Python `str`, the name scope's name.

    Raises:
      ValueError: one line naming the argument, if `image_shape`,
        `num_levels`, `num_classes`, `conditional_shape`, `temperature` or
        `architecture` is out of range, or `network` does not match.
    """
    image_shape = shapes.check_image_shape(parameters['image_shape'])
    num_levels = quantization.check_num_levels(parameters['num_levels'])
    num_classes = class_labels.check_num_classes(parameters['num_classes'])
    conditional_shape = map_conditioning.check_conditional_shape(
        parameters['conditional_shape'], image_shape, num_classes)
    self._init_temperature(parameters['temperature'],
                           parameters['float_dtype'])
    float_dtype = tf.as_dtype(parameters['float_dtype'])
    architecture = parameters['architecture']
    if architecture not in networks:
      raise ValueError('`architecture` must be one of {}, got {!r}.'.format(
          ', '.join(networks), architecture))
    network_class = networks[architecture]
    network = parameters['network']
    if network is None:
      network = network_class(image_shape, num_levels,
                              num_classes=num_classes, dtype=float_dtype,
                              conditional_shape=conditional_shape,
                              **network_kwargs)
    else:
      _check_network(network, network_class, architecture, image_shape,
                     num_levels, num_classes, conditional_shape)
    parameters['network'] = network
    self._image_shape = image_shape
    self._num_levels = num_levels
    self._architecture = architecture
    self._float_dtype = float_dtype
    self._network = network
    super().__init__(
        dtype=parameters['dtype'],
        reparameterization_type=tfd.NOT_REPARAMETERIZED,
        validate_args=parameters['validate_args'],
        allow_nan_stats=parameters['allow_nan_stats'],
        parameters=parameters,
        name=name)

  @property
  def num_levels(self):
    return self._num_levels

  @property
  def architecture(self):
    return self._architecture

  def logits(self, levels, training=False, conditional_input=None):
    """Tempered logits of every pixel and channel given the images `levels`.

    Args:
      levels: integer `Tensor` of shape `[batch, height, width, channels]`.
      training: Python `bool`, whether dropout is active.
      conditional_input: for a conditional model, the one-hot labels,
        `[batch, num_classes]` or `[num_classes]` (one for all images), or
        the maps, `[batch, height, width, features]` or
        `[height, width, features]`.

    Returns:
      logits: float `Tensor` of shape
        `[batch, height, width, channels, num_levels]`; the logits at
        `(i, j, c)` depend only on the levels before `(i, j, c)`.

    Raises:
      ValueError: if `conditional_input` does not fit the model.
    """
    logits = self.network_outputs(levels, training, conditional_input)
    return logits / tf.convert_to_tensor(self._temperature)

  def pixel_sampler(self, batch_size=None, conditional_input=None):
    """The fast exact `sampling.PixelSampler` of this distribution.

    Args:
      batch_size: Python `int` or int32 scalar, images drawn at once; needed
        only to broadcast a single label or map (the sampler serves any batch
        size).
      conditional_input: for a conditional model, the one-hot labels,
        `[batch_size, num_classes]` or `[num_classes]`, or the maps,
        `[batch_size, height, width, features]` or
        `[height, width, features]`.

    Returns:
      sampler: the model's `PixelSampler`.

    Raises:
      ValueError: if `conditional_input` does not fit the model.
    """
    return self._make_pixel_sampler(self.sampler_condition(batch_size,
                                                           conditional_input))

  def _make_pixel_sampler(self, conditional_input):
    """The model's sampler given `[batch, *conditional_shape]` labels or
    maps, or `None`."""
    raise NotImplementedError

  def _log_prob(self, value, conditional_input=None, training=False):
    levels, logits, leading_shape = self._flat_logits(value,
                                                      conditional_input,
                                                      training)
    return tf.reshape(base.categorical_log_prob(logits, levels), leading_shape)

  def _per_pixel_log_prob(self, value, conditional_input=None):
    levels, logits, leading_shape = self._flat_logits(value,
                                                      conditional_input)
    return tf.reshape(base.categorical_channel_log_probs(logits, levels),
                      tf.concat([leading_shape, self._image_shape], 0))

  def _flat_logits(self, value, conditional_input, training=False):
    """The levels `[n, H, W, C]` of `value`, their tempered logits and the
    leading shape of `value` and the conditions (see `flat_events`)."""
    levels, conditions, leading_shape = self.flat_events(value,
                                                         conditional_input)
    levels = tf.cast(levels, tf.int32)
    with tf.control_dependencies(self.level_assertions(levels,
                                                       self._num_levels)):
      logits = self.logits(levels, training=training,
                           conditional_input=conditions)
    return levels, logits, leading_shape


def _check_network(network, expected_class, architecture, image_shape,
                   num_levels, num_classes, conditional_shape):
  """Checks that an existing `network` (e.g. from `copy()`) fits the model.

  Raises:
    ValueError: if `network` is not an `expected_class` built for
      `image_shape`, `num_levels`, `num_classes` and `conditional_shape`.
  """
  if (tuple(network.image_shape) != image_shape or
      network.num_levels != num_levels or
      network.num_classes != num_classes or
      network.conditional_shape != conditional_shape or
      not isinstance(network, expected_class)):
    raise ValueError(
        '`network` ({}) was built for image_shape={}, num_levels={}, '
        'num_classes={} and conditional_shape={}, not the {} architecture '
        'with {}, {}, {} and {}.'.format(
            type(network).__name__, network.image_shape,
            network.num_levels, network.num_classes,
            network.conditional_shape, architecture, image_shape, num_levels,
            num_classes, conditional_shape))
