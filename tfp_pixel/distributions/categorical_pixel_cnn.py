"""The categorical-output PixelCNN distribution."""

import tensorflow as tf
import tensorflow_probability as tfp

from tfp_pixel.distributions import categorical_image
from tfp_pixel.networks import gated_network
from tfp_pixel.networks import masked_network
from tfp_pixel.sampling import categorical_sampler

tfd = tfp.distributions

__all__ = ['ARCHITECTURES', 'CategoricalPixelCNN']

ARCHITECTURES = ('plain', 'gated')


class CategoricalPixelCNN(categorical_image.CategoricalImage,
                          tfd.Distribution):
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

  With `conditional_shape=(height, width, F)` the model is conditional on a
  map `m` with the image's height and width, `p(x | m)`: e.g. the bottom
  prior of a VQ-VAE-2, whose map is the top grid of codes (embedded, brought
  to the bottom grid's size). A small non-causal stack reads the whole map
  (it is known before any pixel is drawn) and every layer adds a bias
  projected from its features at each pixel
  (`tfp_pixel.networks.map_conditioning`). `log_prob`, `logits`, `sample`
  and `tfp_pixel.complete` take the map as `conditional_input`, a float
  `[..., height, width, F]`, broadcast as labels are (`[height, width, F]`:
  one map for every sample; `[n, height, width, F]`: one per sample of
  `sample(n)`); `num_classes` and `conditional_shape` exclude each other.

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

  A prior over a 32x32 grid of 512 codes given a map of 64 features per
  position (a VQ-VAE-2 bottom prior given its top codes):

  ```python
  prior = tfp_pixel.CategoricalPixelCNN((32, 32, 1), num_levels=512,
                                        architecture='gated',
                                        conditional_shape=(32, 32, 64))
  loss = -tf.reduce_mean(prior.log_prob(codes, conditional_input=top_map))
  one_map = prior.sample(8, seed=(1, 2), conditional_input=top_map[0])
  per_map = prior.sample(8, seed=(1, 2), conditional_input=top_map[:8])
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
               conditional_shape=None,
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
      num_levels: Python `int` in `[2, 2**16]`, levels per channel; above
        256 each level enters the network as a learned vector
        (`networks.level_inputs`).
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
      conditional_shape: `(height, width, features)` of the map of a
        map-conditional model, with the image's height and width, or `None`;
        not with `num_classes`.
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
      self._init_categorical(
          parameters, _NETWORKS,
          dict(num_filters=num_filters,
               num_residual_blocks=num_residual_blocks,
               first_kernel_size=first_kernel_size, kernel_size=kernel_size,
               num_output_filters=num_output_filters,
               dropout_rate=dropout_rate),
          name)

  def _make_pixel_sampler(self, conditional_input):
    return categorical_sampler.CategoricalSampler(self, conditional_input)


_NETWORKS = {'plain': masked_network.MaskedPixelCNNNetwork,
             'gated': gated_network.GatedPixelCNNNetwork}
