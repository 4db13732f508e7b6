"""The PixelRNN distributions: Row LSTM and Diagonal BiLSTM."""

import tensorflow as tf
import tensorflow_probability as tfp

from tfp_pixel.distributions import categorical_image
from tfp_pixel.networks import pixel_rnn_network
from tfp_pixel.sampling import pixel_rnn_sampler

tfd = tfp.distributions

__all__ = ['ARCHITECTURES', 'PixelRNN']

ARCHITECTURES = ('row_lstm', 'diagonal_bilstm')


class PixelRNN(categorical_image.CategoricalImage, tfd.Distribution):
  """PixelRNN: LSTM layers over the image, a softmax over levels per channel.

  The distribution of images `x` of integer levels in `[0, num_levels)`, with
  `event_shape == image_shape` and `batch_shape == []`, like
  `CategoricalPixelCNN` (same events, `logits`, temperature, labels and
  sampling API), with the recurrent networks of [1].

  #### Mathematical details

  Pixels are ordered in raster order and, within a pixel, channels R, G, B:

  ```none
  p(x) = prod_{i, j, c} Categorical(x[i, j, c]; logits[i, j, c] / T)
  logits[i, j, c] = f(x[:i], x[i, :j], x[i, j, :c])
  ```

  where `T` is the `temperature` and `f` is a 7x7 (`first_kernel_size`)
  mask-A convolution to `2h` features, `num_layers` residual LSTM layers
  (`h = hidden_units` state features, a 1x1 convolution back to `2h`, plus the
  layer's input) and ReLU + 1x1 mask-B layers:

  - `architecture='row_lstm'`: each layer runs down the rows; a row's state
    reads the row above through a 1x3 convolution and the layer's input
    through a 1x3 mask-B convolution. The prediction at `(i, j)` sees a
    triangle of the rows above, widening by one column per row on each side
    (`tfp_pixel.networks.row_lstm`). Cheaper to train.
  - `architecture='diagonal_bilstm'`: each layer runs two LSTMs along the
    diagonals, one from each side; the right-to-left output is shifted down a
    row (`tfp_pixel.networks.diagonal_bilstm`). The prediction at `(i, j)`
    sees the whole context. (By the paper's letter it would miss the last
    pixel of the row above for `j < W - 1 - first_kernel_size // 2`; the
    first layer's right-to-left direction also reads the pixel itself, which
    it may, as its output reaches only the next row.)

  `sample` is exact and carries the LSTM states: each pixel costs one column
  of the network, about one forward pass per image in all
  (`tfp_pixel.sampling.pixel_rnn_sampler`); int and stateless `(a, b)` seeds
  are accepted. With `num_classes=K` the model is class-conditional,
  `p(x | y)`, and `log_prob`, `logits`, `sample` and `tfp_pixel.complete` take
  a one-hot `conditional_input` `[..., K]`, broadcast as for
  `CategoricalPixelCNN`. With `conditional_shape=(height, width, F)` it is
  conditional on a map with the image's height and width, `p(x | m)`, and
  they take the map as `conditional_input`, `[..., height, width, F]`, as
  `CategoricalPixelCNN`'s: the first layer, every LSTM layer's gates and
  every head layer add a bias projected from the map's features at each
  pixel.

  #### Examples

  ```python
  dist = tfp_pixel.PixelRNN((28, 28, 1), num_levels=4,
                            architecture='diagonal_bilstm', num_layers=4,
                            hidden_units=16)
  levels = tfp_pixel.quantize(images_uint8, num_levels=4)
  loss = -tf.reduce_mean(dist.log_prob(levels))
  samples = dist.sample(10, seed=(1, 2))        # int32 [10, 28, 28, 1]
  cold = dist.copy(temperature=0.5)             # same weights
  given_map = tfp_pixel.PixelRNN((8, 8, 1), num_levels=512,
                                 conditional_shape=(8, 8, 16))
  # maps: float [4, 8, 8, 16], one per sample.
  codes = given_map.sample(4, seed=(1, 2), conditional_input=maps)
  ```

  #### References

  [1]: Aaron van den Oord, Nal Kalchbrenner, Koray Kavukcuoglu. Pixel Recurrent
       Neural Networks. In _International Conference on Machine Learning_, 2016.
       https://arxiv.org/abs/1601.06759
  """

  def __init__(self,
               image_shape,
               num_levels=256,
               architecture='row_lstm',
               num_layers=7,
               hidden_units=16,
               first_kernel_size=7,
               num_output_filters=None,
               dropout_rate=0.,
               num_classes=None,
               conditional_shape=None,
               temperature=1.,
               network=None,
               float_dtype=tf.float32,
               dtype=tf.int32,
               validate_args=False,
               allow_nan_stats=True,
               name='PixelRNN'):
    """Constructs a PixelRNN.

    Args:
      image_shape: `(height, width, channels)` of the images.
      num_levels: Python `int` in `[2, 2**16]`, levels per channel; above
        256 each level enters the network as a learned vector
        (`networks.level_inputs`).
      architecture: `'row_lstm'` or `'diagonal_bilstm'`.
      num_layers: Python `int >= 1`, LSTM layers.
      hidden_units: Python `int`, features of each LSTM state (`h`); the
        layers carry `2h` features.
      first_kernel_size: odd Python `int >= 3`, size of the mask-A
        convolution.
      num_output_filters: Python `int`, features of the two 1x1 layers before
        the output; defaults to `2 * hidden_units`.
      dropout_rate: Python `float`, dropout on the LSTM layers' residual
        branches when `log_prob` is called with `training=True`.
      num_classes, conditional_shape, temperature, network, float_dtype,
        dtype, validate_args, allow_nan_stats: as `CategoricalPixelCNN`'s
        (every categorical model takes them).
      name: Python `str` name.

    Raises:
      ValueError: if an argument is out of range, or `network` does not match.
    """
    parameters = dict(locals())
    with tf.name_scope(name) as name:
      self._init_categorical(
          parameters, _NETWORKS,
          dict(num_layers=num_layers, hidden_units=hidden_units,
               first_kernel_size=first_kernel_size,
               num_output_filters=num_output_filters,
               dropout_rate=dropout_rate),
          name)

  def _make_pixel_sampler(self, conditional_input):
    return pixel_rnn_sampler.pixel_rnn_sampler(self, conditional_input)


_NETWORKS = {'row_lstm': pixel_rnn_network.RowLSTMNetwork,
             'diagonal_bilstm': pixel_rnn_network.DiagonalBiLSTMNetwork}
