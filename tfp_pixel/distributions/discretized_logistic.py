"""A discretized logistic over 8-bit images, one per channel value.

The decoder distribution of `tfp_pixel.VQVAE`: every channel value of an
`[H, W, C]` image is independent given its parameters, a logistic of
location `loc` and scale `exp(log_scale)` (both in pixel units, that is on
the scale of the values `0..255`) binned to the integers: value `k` takes
the logistic's mass on `[k - 1/2, k + 1/2]`, and the edge values `0` and
`255` take the tails as well, `(-inf, 1/2]` and `[254.5, inf)`, as in
PixelCNN++ (Salimans et al., 2017). The mass of a bin is computed in log
space, exactly, from

```none
sigmoid(a) - sigmoid(b) = sigmoid(a) sigmoid(-b) (1 - exp(b - a)),
```

with `a, b = (k -+ 1/2 - loc) / scale`: a sum of `log_sigmoid` terms and
`log(-expm1(-1 / scale))`, each finite and accurate however far `k` lies in
the tails and however small the bin's mass, so PixelCNN++'s fallback to the
density at the bin's middle for tiny masses is not needed.
"""

import tensorflow as tf
import tensorflow_probability as tfp

__all__ = ['DiscretizedLogistic', 'HIGH']

# The largest value; the smallest is 0.
HIGH = 255.
_EVENT_NDIMS = 3


class DiscretizedLogistic(tfp.distributions.Distribution):
  """Independent discretized logistics over the values `0..255` of
  `[H, W, C]` images (see the module docstring).

  Its `dtype` is that of `loc`: samples are float values in `0..255` (cast
  them to uint8 to show them); `log_prob` takes uint8 or float values,
  integers in `0..255`, and sums over the event, in nats.
  """

  def __init__(self, loc, log_scale, validate_args=False,
               allow_nan_stats=True, name='DiscretizedLogistic'):
    """Builds the distribution.

    Args:
      loc: float `Tensor` `[..., H, W, C]`, the logistics' locations in
        pixel units.
      log_scale: float `Tensor` broadcastable to `loc`, the logs of their
        scales in pixel units (keep it above about -80 in float32, so that
        `exp(-log_scale)` is finite).
      validate_args: Python `bool`, checks that values are in `0..255`.
      allow_nan_stats: Python `bool`, as every `tfd.Distribution`.
      name: Python `str` name of the distribution.
    """
    parameters = dict(locals())
    with tf.name_scope(name) as name:
      self._loc = tf.convert_to_tensor(loc, name='loc')
      self._log_scale = tf.convert_to_tensor(log_scale, self._loc.dtype,
                                             name='log_scale')
      if self._loc.shape.rank is not None and self._loc.shape.rank < 3:
        raise ValueError('`loc` must have shape [..., H, W, C], got {}.'
                         .format(self._loc.shape.as_list()))
      super().__init__(
          dtype=self._loc.dtype,
          reparameterization_type=tfp.distributions.NOT_REPARAMETERIZED,
          validate_args=validate_args, allow_nan_stats=allow_nan_stats,
          parameters=parameters, name=name)

  @classmethod
  def _parameter_properties(cls, dtype, num_classes=None):
    return dict(
        loc=tfp.util.ParameterProperties(event_ndims=_EVENT_NDIMS),
        log_scale=tfp.util.ParameterProperties(event_ndims=_EVENT_NDIMS))

  @property
  def loc(self):
    """The logistics' locations in pixel units."""
    return self._loc

  @property
  def log_scale(self):
    """The logs of the logistics' scales in pixel units."""
    return self._log_scale

  def _shape(self):
    return tf.broadcast_static_shape(self._loc.shape, self._log_scale.shape)

  def _shape_tensor(self):
    return tf.broadcast_dynamic_shape(tf.shape(self._loc),
                                      tf.shape(self._log_scale))

  def _event_shape(self):
    return self._shape()[-_EVENT_NDIMS:]

  def _event_shape_tensor(self):
    return self._shape_tensor()[-_EVENT_NDIMS:]

  def _batch_shape(self):
    return self._shape()[:-_EVENT_NDIMS]

  def _batch_shape_tensor(self):
    return self._shape_tensor()[:-_EVENT_NDIMS]

  def element_log_prob(self, value):
    """`log p` of each channel value, `[..., H, W, C]` (no sum)."""
    value = tf.cast(value, self.dtype)
    inverse_scale = tf.exp(-self._log_scale)
    centered = value - self._loc
    log_below_upper = tf.math.log_sigmoid((centered + 0.5) * inverse_scale)
    log_above_lower = tf.math.log_sigmoid(-(centered - 0.5) * inverse_scale)
    log_bin = (log_below_upper + log_above_lower +
               tf.math.log(-tf.math.expm1(-inverse_scale)))
    return tf.where(value <= 0., log_below_upper,
                    tf.where(value >= HIGH, log_above_lower, log_bin))

  def _log_prob(self, value):
    if self.validate_args:
      value = tf.cast(value, self.dtype)
      with tf.control_dependencies([
          tf.debugging.assert_equal(value, tf.round(value)),
          tf.debugging.assert_greater_equal(value, tf.zeros([], self.dtype)),
          tf.debugging.assert_less_equal(value, tf.constant(HIGH,
                                                            self.dtype))]):
        value = tf.identity(value)
    return tf.reduce_sum(self.element_log_prob(value),
                         axis=list(range(-_EVENT_NDIMS, 0)))

  def _sample_n(self, n, seed=None):
    shape = tf.concat([[n], self._shape_tensor()], 0)
    uniform = tf.random.stateless_uniform(
        shape, seed=tfp.random.sanitize_seed(seed), dtype=self.dtype)
    # A logistic draw; round() picks the bin around it, 0 or 255 beyond.
    draw = self._loc + tf.exp(self._log_scale) * (
        tf.math.log(uniform) - tf.math.log1p(-uniform))
    return tf.clip_by_value(tf.round(draw), 0., HIGH)

  def _mode(self):
    """The most likely value: the interior bin nearest `loc` or an edge
    value, whose open tail may hold more with a broad scale."""
    loc = tf.broadcast_to(self._loc, self._shape_tensor())
    candidates = tf.stack([
        tf.zeros_like(loc), tf.clip_by_value(tf.round(loc), 1., HIGH - 1.),
        tf.fill(tf.shape(loc), tf.constant(HIGH, self.dtype))])
    best = tf.argmax(self.element_log_prob(candidates), axis=0)
    return tf.reduce_sum(
        candidates * tf.one_hot(best, 3, axis=0, dtype=self.dtype), axis=0)
