"""PixelCNN++ (`tfp.distributions.PixelCNN`), causal from construction on."""

import types

import numpy as np
import tensorflow as tf
import tensorflow_probability as tfp
from tensorflow_probability.python.layers import weight_norm

tfd = tfp.distributions

__all__ = ['PixelCNN']


class PixelCNN(tfd.PixelCNN):
  """`tfp.distributions.PixelCNN` whose kernels are masked in the forward pass.

  Stock `tfd.PixelCNN` masks its convolution kernels only through Keras
  `kernel_constraint`s, which only an optimizer step applies: a fresh model sees
  the pixel it predicts, and its probabilities do not sum to one. Here each
  constrained kernel is also multiplied by its mask on every call, so the
  distribution is normalized and causal from construction on, whatever updates
  its variables. Everything else (network, weights, `log_prob`) is stock.

  `sample` draws each pixel from its conditional given the already-drawn,
  quantized pixels (the stock sampler feeds back unrounded draws, so its samples
  do not follow its own `log_prob`), and accepts int and stateless `(a, b)`
  seeds, split per pixel.

  #### Examples

  ```python
  dist = tfp_pixel.PixelCNN(image_shape=(28, 28, 1), num_resnet=1,
                            num_hierarchies=2, num_filters=32,
                            num_logistic_mix=5, dropout_p=.3)
  loss = -tf.reduce_mean(dist.log_prob(images_uint8, training=True))
  samples = dist.sample(4, seed=(1, 2))     # float32 [4, 28, 28, 1] in [0, 255]
  ```

  #### References

  [1]: Tim Salimans, Andrej Karpathy, Xi Chen, and Diederik P. Kingma.
       PixelCNN++: Improving the PixelCNN with Discretized Logistic Mixture
       Likelihood and Other Modifications. In _ICLR_, 2017.
  """

  def __init__(self,
               image_shape,
               conditional_shape=None,
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
               network=None,
               dtype=tf.float32,
               name='PixelCNN'):
    """Constructs the distribution; see `tfp.distributions.PixelCNN`.

    Args:
      image_shape: `(height, width, channels)`.
      conditional_shape: shape of the conditional input, or `None`.
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
      network: an existing network of this distribution to use (and share)
        instead of the freshly built one; `copy()` passes the current one.
      dtype: float `tf.DType`.
      name: Python `str` name.
    """
    parameters = dict(locals())
    super().__init__(
        image_shape=image_shape, conditional_shape=conditional_shape,
        num_resnet=num_resnet, num_hierarchies=num_hierarchies,
        num_filters=num_filters, num_logistic_mix=num_logistic_mix,
        receptive_field_dims=receptive_field_dims, dropout_p=dropout_p,
        resnet_activation=resnet_activation, use_weight_norm=use_weight_norm,
        use_data_init=use_data_init, high=high, low=low, dtype=dtype,
        name=name)
    if network is None:
      _mask_kernels_in_forward(self.network)
    else:
      self.network = network
    parameters['network'] = self.network
    self._parameters = self._no_dependency(parameters)

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
    scaled = 2. * (images - self._low) / (self._high - self._low) - 1.
    inputs = scaled if conditional_input is None else [scaled,
                                                       conditional_input]
    return self.network(inputs, training=training)

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

  def _sample_n(self, n, seed=None, conditional_input=None, training=False):
    height, width, channels = self.image_shape.as_list()
    num_pixels = height * width
    pixel_seeds = tf.convert_to_tensor(tfp.random.split_seed(
        tfp.random.sanitize_seed(seed, salt="PixelCNN"), n=num_pixels))
    if conditional_input is not None:
      conditional_input = tf.broadcast_to(
          tf.convert_to_tensor(conditional_input, dtype=self.dtype),
          [n, *self.conditional_shape.as_list()])
    positions = tf.reshape(tf.eye(num_pixels, dtype=tf.bool),
                           [num_pixels, height, width, 1])

    def draw_next(step, samples):
      params = self.network_params(samples, conditional_input, training)
      row, col = step // width, step % width
      pixel = self._sample_pixel([p[:, row, col] for p in params],
                                 pixel_seeds[step])
      return step + 1, tf.where(positions[step],
                                pixel[:, tf.newaxis, tf.newaxis], samples)

    _, samples = tf.while_loop(
        lambda step, _: step < num_pixels, draw_next,
        (tf.constant(0),
         tf.fill([n, height, width, channels], tf.cast(self._low, self.dtype))))
    return samples

  def _sample_pixel(self, params, seed):
    """Draws one pixel exactly: a mixture component, then each channel given
    the quantized values of the channels before it (`[batch, channels]`)."""
    channels = self.image_shape[-1]
    component_logits, locs, scales = params[:3]
    coeffs = params[3] if channels > 1 else None
    component_seed, *channel_seeds = tf.unstack(
        tfp.random.split_seed(seed, n=channels + 1))
    component = tfd.Categorical(logits=component_logits).sample(
        seed=component_seed)
    pick = tf.one_hot(component, self._num_logistic_mix, dtype=self.dtype)
    pick = pick[..., tf.newaxis]
    locs = tf.reduce_sum(locs * pick, axis=-2)
    scales = tf.reduce_sum(scales * pick, axis=-2)
    if coeffs is not None:
      coeffs = tf.reduce_sum(coeffs * pick, axis=-2)
    values, scaled_values = [], []
    coef_index = 0
    for c in range(channels):
      loc = locs[:, c]
      for scaled in scaled_values:
        loc += scaled * coeffs[:, coef_index]
        coef_index += 1
      # A single component of a single channel: `pixel_distribution` is then
      # exactly that channel's quantized logistic, the same maths as log_prob.
      value = self.pixel_distribution(
          tf.zeros_like(loc)[:, tf.newaxis], loc[:, tf.newaxis, tf.newaxis],
          scales[:, c, tf.newaxis, tf.newaxis]).sample(seed=channel_seeds[c])
      value = tf.reshape(value, [-1])
      values.append(value)
      scaled_values.append(
          2. * (value - self._low) / (self._high - self._low) - 1.)
    return tf.stack(values, axis=-1)


def _mask_kernels_in_forward(network):
  """Multiplies every constrained kernel of `network` by its mask on each call.

  The stock network encodes each causal mask only as a `kernel_constraint`
  `lambda x: x * mask`; applying that constraint to ones recovers the mask.
  With weight norm the kernel is `g * v / ||v||`, recomputed on every call; here
  `v` is masked before it is normalized, so the norm counts only the weights
  the mask lets through. Otherwise data-dependent initialization scales `g` for
  the norm of the unmasked `v`, and the optimizer's first application of the
  constraint shrinks `||v||`, blowing up every layer's output by the ratio.
  """
  for layer in network._network.layers:  # pylint: disable=protected-access
    if isinstance(layer, weight_norm.WeightNorm):
      # `WeightNorm.call` is a `tf.function` that was traced while Keras built
      # the network; calling that trace from an XLA-compiled step makes every
      # variable a compile-time constant, so each update recompiles the step.
      # A fresh `tf.function` over the same body has no traces.
      layer.call = tf.function(types.MethodType(
          weight_norm.WeightNorm.call.python_function, layer))
      constraint = getattr(layer.layer, 'kernel_constraint', None)
      if constraint is not None:
        mask = constraint(np.ones(list(layer.v.shape[:2]) + [1, 1]))
        _mask_weight_norm(layer, tf.constant(mask, dtype=layer.v.dtype))
      continue
    constraint = getattr(layer, 'kernel_constraint', None)
    kernel = getattr(layer, 'kernel', None)
    if constraint is None or kernel is None:
      continue
    mask = constraint(np.ones(list(kernel.shape[:2]) + [1, 1]))
    _mask_layer_call(layer, tf.constant(mask, dtype=layer.dtype))


def _mask_weight_norm(layer, mask):
  """Makes `layer` (a `WeightNorm`) compute its kernel from the masked `v`."""
  def compute_masked_weights():
    # `WeightNorm._compute_weights`, with `v` masked first.
    new_axis = -layer.filter_axis - 3
    layer.layer.kernel = tf.nn.l2_normalize(
        layer.v * mask, axis=layer.kernel_norm_axes) * tf.expand_dims(
            layer.g, new_axis)

  layer._compute_weights = compute_masked_weights  # pylint: disable=protected-access


def _mask_layer_call(layer, mask):
  call = layer.call

  def masked_call(inputs, *args, **kwargs):
    kernel = layer.kernel
    # Bypasses Keras attribute tracking: the variable's checkpoint dependency
    # stays registered under `kernel`, and is put back below.
    object.__setattr__(layer, 'kernel', kernel * mask)
    try:
      return call(inputs, *args, **kwargs)
    finally:
      object.__setattr__(layer, 'kernel', kernel)

  layer.call = masked_call
