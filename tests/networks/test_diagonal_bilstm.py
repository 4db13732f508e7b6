"""The Diagonal BiLSTM layer: against a per-pixel reference written from the
paper's equations, its open-centre convolution and skewing, and the inputs it
reads (by gradients)."""

import numpy as np
import pytest
import tensorflow as tf

from tests.networks import lstm_reference
from tfp_pixel.networks import diagonal_bilstm


class TestLayerFollowsItsEquations:
  """The layer against a reference that applies the paper's equations one
  pixel at a time, with no skewing, shifting or convolution: a backward
  direction not shifted down (or its last row zeroed), a state convolution
  reading the wrong neighbours, gates with the wrong non-linearity or a
  residual added twice would all differ."""

  shape = (2, 4, 5, 6)  # batch, height, width, features (units: 3)

  def inputs(self):
    return tf.random.stateless_uniform(self.shape, (3, 4), -1., 1.,
                                       tf.float64)

  @pytest.mark.parametrize('own_backward_inputs', [False, True])
  def test_diagonal_bilstm_layer(self, own_backward_inputs):
    tf.random.set_seed(2)
    layer = diagonal_bilstm.DiagonalBiLSTMLayer(6, 3, dtype=tf.float64)
    lstm_reference.randomize(layer)
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


class TestKnownLeaks(lstm_reference.KnownLeaks):

  def test_diagonal_bilstm_layer_reads_exactly_the_raster_past(self):
    # Unshifted (or last-row-zeroed) backward output: reads (i, j + 1).
    # A 'SAME' two-tap state convolution: reads (i + 1, j - 1).
    tf.random.set_seed(4)
    layer = diagonal_bilstm.DiagonalBiLSTMLayer(4, 4)
    _, height, width, _ = self.shape
    order = np.arange(height * width).reshape(height, width)
    seen_at = lstm_reference.layer_dependencies(layer, self.shape)
    for (i, j), seen in seen_at.items():
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
    seen_inputs = lstm_reference.layer_dependencies(
        lambda x: layer(x, backward_inputs=both[1]), self.shape,
        inputs=both[0])
    seen_backward = lstm_reference.layer_dependencies(
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


def _diagonal_bilstm_reference(layer, x, backward_x):
  """The Diagonal BiLSTM layer, pixel by pixel: the left-to-right state of
  `(i, j)` reads `x` there and the states of `(i - 1, j)` and `(i, j - 1)`,
  and continues `c` of `(i, j - 1)`; the right-to-left one mirrors it
  (`(i, j + 1)`) on `backward_x`; the output at `(i, j)` adds the
  right-to-left state of `(i - 1, j)`."""
  at = lstm_reference.at
  batch, height, width, _ = x.shape

  def direction(cell, x, columns, step):
    input_kernel = cell.masked_kernel().numpy()[0, 0]
    above_kernel, previous_kernel = cell.state_kernel.numpy()
    h = np.zeros((batch, height, width, cell.units))
    c = np.zeros_like(h)
    for i in range(height):
      for j in columns:
        pre_activations = (cell.bias.numpy() + x[:, i, j] @ input_kernel +
                           at(h, i - 1, j) @ above_kernel +
                           at(h, i, j - step) @ previous_kernel)
        h[:, i, j], c[:, i, j] = lstm_reference.lstm(pre_activations,
                                                     at(c, i, j - step))
    return h

  forward = direction(layer.forward, x, range(width), 1)
  backward = direction(layer.backward, backward_x, range(width - 1, -1, -1),
                       -1)
  above = np.concatenate([np.zeros_like(backward[:, :1]), backward[:, :-1]],
                         axis=1)
  return x + (forward + above) @ layer.output.masked_kernel().numpy()[0, 0] + (
      layer.output.bias.numpy())