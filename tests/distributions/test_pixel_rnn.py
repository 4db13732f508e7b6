"""PixelRNN (Row LSTM, Diagonal BiLSTM): the shared suite, grayscale and RGB;
the layers against per-pixel references written from the paper's equations;
the known leaks of public implementations; the receptive fields."""

import numpy as np
import pytest
import tensorflow as tf

import tfp_pixel
from tests import dependencies
from tests import model_hooks
from tests.distributions import test_categorical_pixel_cnn
from tfp_pixel.networks import diagonal_bilstm
from tfp_pixel.networks import pixel_rnn_network
from tfp_pixel.networks import row_lstm

_NETWORKS = {'row_lstm': pixel_rnn_network.RowLSTMNetwork,
             'diagonal_bilstm': pixel_rnn_network.DiagonalBiLSTMNetwork}


class TestRowLSTM(model_hooks.PixelRNNHooks,
                  test_categorical_pixel_cnn.TestCategoricalPixelCNN):
  """The shared suite and every check of the categorical PixelCNN (the
  argmax path at low temperature, dropout, `validate_args`)."""

  def test_network_is_the_architecture_and_copy_keeps_it(self):
    dist = self.distribution()
    assert isinstance(dist.network, _NETWORKS[self.architecture])
    assert dist.parameters['architecture'] == self.architecture
    copy = dist.copy(temperature=.5)
    assert copy.architecture == self.architecture
    assert copy.network is dist.network

  def test_bad_arguments_are_value_errors(self):
    calls = {
        'architecture': lambda: self.make_distribution(
            (2, 2, 1), architecture='gru'),
        'num_layers': lambda: self.make_distribution((2, 2, 1),
                                                     num_layers=0),
        'hidden_units': lambda: self.make_distribution((2, 2, 3),
                                                       hidden_units=2),
        'first_kernel_size': lambda: self.make_distribution(
            (2, 2, 1), first_kernel_size=4),
    }
    for match, call in calls.items():
      with pytest.raises(ValueError, match=match):
        call()
    other = ({'row_lstm', 'diagonal_bilstm'} - {self.architecture}).pop()
    with pytest.raises(ValueError,
                       match=_NETWORKS[self.architecture].__name__):
      tfp_pixel.PixelRNN(self.tiny_shape, self.num_levels, architecture=other,
                         network=self.distribution().network)


class TestRowLSTMRGB(model_hooks.PixelRNNRGB, TestRowLSTM):
  """The Row LSTM suite on RGB images."""


class TestDiagonalBiLSTM(model_hooks.DiagonalBiLSTMHooks, TestRowLSTM):
  """Every check of the Row LSTM model, for the Diagonal BiLSTM."""


class TestDiagonalBiLSTMRGB(model_hooks.PixelRNNRGB, TestDiagonalBiLSTM):
  """The Diagonal BiLSTM suite on RGB images."""


class TestLayersFollowTheirEquations:
  """Each layer against a reference that applies the paper's equations one
  pixel at a time, with no skewing, shifting or convolution: a backward
  direction not shifted down (or its last row zeroed), a state convolution
  reading the wrong neighbours, gates with the wrong non-linearity or a
  residual added twice would all differ."""

  shape = (2, 4, 5, 6)  # batch, height, width, features (units: 3)

  def inputs(self):
    return tf.random.stateless_uniform(self.shape, (3, 4), -1., 1.,
                                       tf.float64)

  def test_row_lstm_layer(self):
    tf.random.set_seed(2)
    layer = row_lstm.RowLSTMLayer(6, 3, dtype=tf.float64)
    _randomize(layer)
    inputs = self.inputs()
    np.testing.assert_allclose(layer(inputs),
                               _row_lstm_reference(layer, inputs.numpy()),
                               atol=1e-10)

  @pytest.mark.parametrize('own_backward_inputs', [False, True])
  def test_diagonal_bilstm_layer(self, own_backward_inputs):
    tf.random.set_seed(2)
    layer = diagonal_bilstm.DiagonalBiLSTMLayer(6, 3, dtype=tf.float64)
    _randomize(layer)
    inputs = self.inputs()
    backward_inputs = inputs
    kwargs = {}
    if own_backward_inputs:
      backward_inputs = tf.random.stateless_uniform(self.shape, (5, 4), -1.,
                                                    1., tf.float64)
      kwargs['backward_inputs'] = backward_inputs
    np.testing.assert_allclose(
        layer(inputs, **kwargs),
        _diagonal_bilstm_reference(layer, inputs.numpy(),
                                   backward_inputs.numpy()),
        atol=1e-10)

  def test_open_centre_is_the_convolution_with_every_channel_of_the_pixel(
      self):
    # Reference: the same kernel under mask A, plus the whole centre tap.
    tf.random.set_seed(2)
    conv = diagonal_bilstm.OpenCentreConv2D(3, 6, (3, 3), num_groups=3,
                                            dtype=tf.float64)
    inputs = tf.random.stateless_uniform((2, 4, 5, 3), (3, 4), -1., 1.,
                                         tf.float64)
    mask = conv.mask.numpy()
    mask[1, 1] = 1.
    expected = tf.nn.conv2d(inputs, conv.kernel * mask, 1, 'SAME') + conv.bias
    np.testing.assert_allclose(conv.open_centre(inputs, conv(inputs)),
                               expected, atol=1e-12)
    # Every centre entry is drawn, the ones mask A hides too.
    assert np.all(conv.kernel.numpy()[1, 1] != 0.)

  def test_skew_shifts_row_r_by_r_and_unskew_inverts_it(self):
    image = np.arange(12, dtype=np.float32).reshape(1, 3, 4, 1) + 1.
    skewed = diagonal_bilstm.skew(image).numpy()[0, ..., 0]
    np.testing.assert_array_equal(skewed, [[1, 2, 3, 4, 0, 0],
                                           [0, 5, 6, 7, 8, 0],
                                           [0, 0, 9, 10, 11, 12]])
    np.testing.assert_array_equal(
        diagonal_bilstm.unskew(diagonal_bilstm.skew(image), 4), image)


class TestKnownLeaks:
  """Gradients of one layer's output at `(i, j)` with respect to its input:
  exactly the inputs the layer may read (mask B: `(i, j)` itself too)."""

  shape = (1, 5, 6, 4)

  def test_diagonal_bilstm_layer_reads_exactly_the_raster_past(self):
    # Unshifted (or last-row-zeroed) backward output: reads (i, j + 1).
    # A 'SAME' two-tap state convolution: reads (i + 1, j - 1).
    tf.random.set_seed(4)
    layer = diagonal_bilstm.DiagonalBiLSTMLayer(4, 4)
    _, height, width, _ = self.shape
    order = np.arange(height * width).reshape(height, width)
    for (i, j), seen in _layer_dependencies(layer, self.shape).items():
      np.testing.assert_array_equal(seen, order <= order[i, j],
                                    err_msg=str((i, j)))

  def test_diagonal_bilstm_layer_reads_backward_inputs_of_the_rows_above(
      self):
    # Given `backward_inputs`, the right-to-left direction reads them, not
    # the inputs: the output at (i, j) reads them at the rows above from
    # column j on (the right-to-left state of (i - 1, j)), and the inputs
    # at the rows up to i up to column j (the left-to-right state). Reading
    # backward inputs of row i itself would leak the pixels after (i, j).
    tf.random.set_seed(4)
    layer = diagonal_bilstm.DiagonalBiLSTMLayer(4, 4)
    _, height, width, _ = self.shape
    both = tf.random.stateless_uniform((2, *self.shape), (5, 6), -1., 1.)
    seen_inputs = _layer_dependencies(
        lambda x: layer(x, backward_inputs=both[1]), self.shape,
        inputs=both[0])
    seen_backward = _layer_dependencies(
        lambda x: layer(both[0], backward_inputs=x), self.shape,
        inputs=both[1])
    rows, columns = np.mgrid[:height, :width]
    for i, j in seen_inputs:
      np.testing.assert_array_equal(seen_inputs[i, j],
                                    (rows <= i) & (columns <= j),
                                    err_msg=str((i, j)))
      np.testing.assert_array_equal(seen_backward[i, j],
                                    (rows < i) & (columns >= j),
                                    err_msg=str((i, j)))

  def test_row_lstm_layer_reads_its_row_up_to_the_pixel_and_a_triangle(self):
    tf.random.set_seed(4)
    layer = row_lstm.RowLSTMLayer(4, 4)
    _, height, width, _ = self.shape
    for (i, j), seen in _layer_dependencies(layer, self.shape).items():
      expected = np.zeros((height, width), bool)
      expected[i, max(0, j - 1):j + 1] = True
      for r in range(1, i + 1):
        expected[i - r, max(0, j - 1 - r):j + r + 1] = True
      np.testing.assert_array_equal(seen, expected, err_msg=str((i, j)))

  @pytest.mark.parametrize('layer_class', [row_lstm.RowLSTMLayer,
                                           diagonal_bilstm.DiagonalBiLSTMLayer])
  def test_residual_is_added_once(self, layer_class):
    layer = layer_class(4, 2)
    layer.output.kernel.assign(tf.zeros_like(layer.output.kernel))
    inputs = tf.random.stateless_uniform(self.shape, (1, 1), -1., 1.)
    np.testing.assert_array_equal(layer(inputs), inputs)


class TestReceptiveFields:
  """Which pixels the logits at `(i, j)` depend on, by gradients."""

  @pytest.mark.parametrize('num_layers, first_kernel_size', [(1, 3), (2, 3),
                                                             (2, 5)])
  def test_row_lstm_sees_the_triangle_above(self, num_layers,
                                            first_kernel_size):
    # With L layers and a k x k first layer (a = k // 2), the logits at
    # (i, j) see row i from column j - L - a to j - 1, and row i - r
    # (r >= 1) from column j - L - r - a to j + r - 1 + a: the first layer
    # reaches a columns either side (a - 1 to the right of row i - r
    # through its row i - r + 1), and each layer one more column to the
    # left in the row itself (its input-to-state) and one more column
    # either side per row up (its state-to-state).
    shape = (6, 12, 1)
    tf.random.set_seed(0)
    network = pixel_rnn_network.RowLSTMNetwork(
        shape, 3, num_layers=num_layers, hidden_units=8,
        first_kernel_size=first_kernel_size)
    half = first_kernel_size // 2
    for i, j in [(4, 5), (5, 6), (3, 2), (1, 10)]:
      expected = np.zeros(shape[:2], bool)
      expected[i, max(0, j - num_layers - half):j] = True
      for r in range(1, i + 1):
        expected[i - r, max(0, j - num_layers - r - half):
                 j + r - 1 + half + 1] = True
      seen = _network_dependencies(network, shape, [(i, j)])[i, j]
      np.testing.assert_array_equal(seen, expected, err_msg=str((i, j)))
      # Beyond the triangle's edges there is context it never sees.
      assert (~expected & _earlier(shape, i, j)).any()

  @pytest.mark.parametrize(
      'shape, num_layers, first_kernel_size, num_classes',
      [((5, 5, 1), 1, 3, None), ((4, 6, 1), 2, 5, 3), ((5, 5, 3), 1, 3, None),
       ((4, 6, 3), 2, 3, 3)])
  def test_diagonal_bilstm_sees_every_earlier_input(
      self, shape, num_layers, first_kernel_size, num_classes):
    # The logits of channel c at (i, j) see every channel of every earlier
    # pixel and channels 0 .. c - 1 of (i, j), nothing else. By the paper's
    # letter they would miss (i - 1, W - 1) for j < W - 1 - k // 2 (below).
    seen = _diagonal_bilstm_dependencies(shape, num_layers, first_kernel_size,
                                         num_classes)
    for (i, j, c), seen_here in seen.items():
      np.testing.assert_array_equal(
          seen_here, dependencies.earlier_inputs(shape, i, j, c),
          err_msg=str((i, j, c)))

  def test_without_the_open_centre_the_last_pixel_above_is_missed(self):
    # The paper's letter (a network whose open centre entries are zero, as
    # in runs trained before it existed): the right-to-left states of row
    # i - 1 never hold (i - 1, W - 1), and row i sees it only where the
    # k x k first layer reaches it, from column W - 1 - k // 2 on.
    shape = (4, 6, 1)
    width = shape[1]
    seen = _diagonal_bilstm_dependencies(shape, 1, 3, None,
                                         open_centre=False)
    for (i, j, _), seen_here in seen.items():
      expected = _earlier(shape, i, j)[..., np.newaxis]
      if i > 0 and j < width - 2:  # W - 1 - k // 2, k = 3
        expected[i - 1, width - 1] = False
      np.testing.assert_array_equal(seen_here, expected, err_msg=str((i, j)))


def _earlier(shape, i, j):
  return dependencies.earlier_pixels(shape[0], shape[1], i, j)


def _diagonal_bilstm_dependencies(shape, num_layers, first_kernel_size,
                                  num_classes, open_centre=True):
  """`dependencies.channel_dependencies` of a random Diagonal BiLSTM
  network's logits (given labels for `num_classes`)."""
  tf.random.set_seed(0)
  network = pixel_rnn_network.DiagonalBiLSTMNetwork(
      shape, 3, num_layers=num_layers, hidden_units=6 * shape[-1],
      first_kernel_size=first_kernel_size, num_classes=num_classes)
  if not open_centre:
    first = network.first
    first.kernel.assign(first.kernel * first.mask)
  # One label per image, whatever the batch.
  label = model_hooks.one_hot(1) if num_classes else None
  inputs = tf.random.stateless_uniform((4, *shape), (1, 2), -1., 1.)
  return dependencies.channel_dependencies(
      lambda x: network(x, conditional_input=label), inputs)


def _network_dependencies(network, shape, pixels):
  """`{(i, j): boolean [H, W]}`: the pixels the logits at `(i, j)` depend on
  (a batch of random inputs)."""
  inputs = tf.random.stateless_uniform((4, *shape), (1, 2), -1., 1.)
  return dependencies.pixel_dependencies(network, inputs, pixels)


def _layer_dependencies(layer, shape, inputs=None):
  """`{(i, j): boolean [H, W]}` for one layer's output and input (by
  default random)."""
  if inputs is None:
    inputs = tf.random.stateless_uniform(shape, (5, 6), -1., 1.)
  return dependencies.pixel_dependencies(layer, inputs)


def _randomize(layer):
  """Random values for every variable (fresh biases are zero or one)."""
  for index, variable in enumerate(layer.trainable_variables):
    variable.assign(tf.random.stateless_normal(variable.shape, (index, 9),
                                               stddev=.5,
                                               dtype=variable.dtype))


def _sigmoid(x):
  return 1. / (1. + np.exp(-x))


def _lstm(pre_activations, cell):
  """`(h, c)`: sigmoid input, forget and output gates, tanh candidate."""
  i, f, o, g = np.split(pre_activations, 4, axis=-1)
  cell = _sigmoid(f) * cell + _sigmoid(i) * np.tanh(g)
  return _sigmoid(o) * np.tanh(cell), cell


def _at(values, i, j):
  """`values[:, i, j]`, zeros outside the image."""
  _, height, width, features = values.shape
  if 0 <= i < height and 0 <= j < width:
    return values[:, i, j]
  return np.zeros((values.shape[0], features))


def _row_lstm_reference(layer, x):
  """The Row LSTM layer, pixel by pixel: the gates of `(i, j)` read the
  inputs at `(i, j - 1 .. j + 1)` (the mask zeroes `j + 1`) and the states at
  `(i - 1, j - 1 .. j + 1)`; the cell continues `c` of `(i - 1, j)`."""
  input_kernel = layer.cell.masked_kernel().numpy()[0]
  state_kernel = layer.cell.state_kernel.numpy()
  bias = layer.cell.bias.numpy()
  batch, height, width, _ = x.shape
  units = state_kernel.shape[1]
  h = np.zeros((batch, height, width, units))
  c = np.zeros_like(h)
  for i in range(height):
    for j in range(width):
      pre_activations = bias + sum(
          _at(x, i, j + d) @ input_kernel[d + 1] +
          _at(h, i - 1, j + d) @ state_kernel[d + 1] for d in (-1, 0, 1))
      h[:, i, j], c[:, i, j] = _lstm(pre_activations, _at(c, i - 1, j))
  return x + h @ layer.output.masked_kernel().numpy()[0, 0] + (
      layer.output.bias.numpy())


def _diagonal_bilstm_reference(layer, x, backward_x):
  """The Diagonal BiLSTM layer, pixel by pixel: the left-to-right state of
  `(i, j)` reads `x` there and the states of `(i - 1, j)` and `(i, j - 1)`,
  and continues `c` of `(i, j - 1)`; the right-to-left one mirrors it
  (`(i, j + 1)`) on `backward_x`; the output at `(i, j)` adds the
  right-to-left state of `(i - 1, j)`."""
  batch, height, width, _ = x.shape

  def direction(cell, x, columns, step):
    input_kernel = cell.masked_kernel().numpy()[0, 0]
    above_kernel, previous_kernel = cell.state_kernel.numpy()
    h = np.zeros((batch, height, width, cell.units))
    c = np.zeros_like(h)
    for i in range(height):
      for j in columns:
        pre_activations = (cell.bias.numpy() + x[:, i, j] @ input_kernel +
                           _at(h, i - 1, j) @ above_kernel +
                           _at(h, i, j - step) @ previous_kernel)
        h[:, i, j], c[:, i, j] = _lstm(pre_activations, _at(c, i, j - step))
    return h

  forward = direction(layer.forward, x, range(width), 1)
  backward = direction(layer.backward, backward_x, range(width - 1, -1, -1),
                       -1)
  above = np.concatenate([np.zeros_like(backward[:, :1]), backward[:, :-1]],
                         axis=1)
  return x + (forward + above) @ layer.output.masked_kernel().numpy()[0, 0] + (
      layer.output.bias.numpy())
