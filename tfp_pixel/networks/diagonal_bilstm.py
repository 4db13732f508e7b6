"""The Diagonal BiLSTM layer of PixelRNN (van den Oord et al., 2016, 3.2).

Each direction's state at pixel `(i, j)` reads the layer's input there through
a 1x1 convolution with mask B, and the states of the pixel above and of the
pixel before it in the direction's row order through a two-tap convolution;
its cell continues the cell of that previous pixel. Skewing the map (row `r`
shifted right by `r`) puts both neighbours in the previous column, so the
recurrence runs over the `W + H - 1` columns of the skewed map, every row of a
column at once:

```none
  image                      skewed (row r shifted right by r)
    a b c                      a b c . .
    d e f          ->          . d e f .      column k holds the pixels
    g h i                      . . g h i      (r, k - r): a diagonal
```

The right-to-left direction runs the same recurrence on the mirrored map. Its
state at `(i, j)` has seen the pixels right of `j` in row `i`, which come
later, so its output is shifted down one row before it is added to the
left-to-right output: the prediction at `(i, j)` then reads the right-to-left
state of `(i - 1, j)`, which covers the rows above from column `j` on, and the
left-to-right state of `(i, j)`, which covers the rest.

A departure from the paper's letter, for its claim (the whole context): with
the paper's inputs, a mask-A first layer and layers whose outputs at `(r, c)`
depend on the pixels before `(r, c)`, no input along row `i - 1` holds its
last pixel `(i - 1, W - 1)`, so no right-to-left state of that row does, and
row `i` sees that pixel only where its first convolution reaches it (from
column `W - 1 - k // 2` on, `k` its size). The right-to-left state of
`(i, j)` reaches only row `i + 1`, so its inputs may see pixel `(i, j)`
itself, every channel: the first layer's right-to-left direction reads the
first convolution with its centre tap open (`OpenCentreConv2D`). Its state
of `(i - 1, j)` then holds `(i - 1, W - 1)` for every `j`, the shift brings
it to row `i`, and the prediction at `(i, j)` sees every earlier pixel.
"""

import tensorflow as tf

from tfp_pixel.networks import lstm_cell
from tfp_pixel.networks import lstm_layer
from tfp_pixel.networks import masked_layers
from tfp_pixel.networks import masks

__all__ = ['DiagonalBiLSTMLayer', 'OpenCentreConv2D', 'skew', 'unskew']


class DiagonalBiLSTMLayer(lstm_layer.ResidualLSTMLayer):
  """A residual Diagonal BiLSTM layer: `2h` features in and out, a state of
  `h` per direction.

  ```none
  pre_lr = forward.input_to_state(x),  pre_rl = backward.input_to_state(x_rl)
  h_lr, h_rl = both directions, one loop over the skewed columns
  y = x + output(h_lr + shift_down(h_rl))      one residual for both
  ```

  `x_rl` is `x` unless the layer is given `backward_inputs` (the first
  layer of a network: `OpenCentreConv2D.open_centre`).
  """

  # The state-to-state taps: the pixel above, then the previous pixel of the
  # row (left for the left-to-right direction, right for the other).
  STATE_TAPS = 2

  def __init__(self, features, units, num_groups=1, dtype=tf.float32,
               name=None):
    """Creates the layer's variables (see `ResidualLSTMLayer`)."""
    super().__init__(features, units, num_groups, dtype, name)
    cell = lambda: lstm_cell.MaskedLSTMCell(  # pylint: disable=g-long-lambda
        features, units, input_width=1, taps=self.STATE_TAPS,
        num_groups=num_groups, dtype=dtype)
    self.forward = cell()
    self.backward = cell()

  @property
  def gate_features(self):
    """Python `int`, the pre-activations a conditioning bias is added to:
    `4h` of the left-to-right direction, then `4h` of the right-to-left one."""
    return 2 * lstm_cell.NUM_GATES * self.forward.units

  def layer_states(self, inputs, gate_bias=None, backward_inputs=None):
    forward, backward = self.states(inputs, gate_bias, backward_inputs)
    # Row i reads the right-to-left state of row i - 1 (a zero row on top).
    return forward + tf.pad(backward, [[0, 0], [1, 0], [0, 0], [0, 0]])[:, :-1]

  def states(self, inputs, gate_bias=None, backward_inputs=None):
    """Both directions' states, in image orientation, before the shift.

    Args:
      inputs: `[batch, height, width, features]`.
      gate_bias: optional conditioning bias, `[batch, 1, 1, 8 * units]` (a
        label's) or `[batch, height, width, 8 * units]` (a map's).
      backward_inputs: optional `[batch, height, width, features]`, what the
        right-to-left direction reads instead of `inputs`. Its state at
        `(i, j)` reaches only row `i + 1`, so these may depend on every
        pixel of rows up to `i`.

    Returns:
      forward: `[batch, height, width, units]`, the left-to-right state of
        each pixel.
      backward: `[batch, height, width, units]`, the right-to-left state of
        each pixel (not yet shifted down).
    """
    forward = self.forward.input_to_state(inputs)
    if backward_inputs is None:
      backward_inputs = inputs
    # A 1x1 convolution commutes with the mirror: mirror its output.
    backward = tf.reverse(self.backward.input_to_state(backward_inputs), [2])
    if gate_bias is not None:
      forward_bias, backward_bias = tf.split(gate_bias, 2, axis=-1)
      forward += forward_bias
      # The right-to-left pre-activations are mirrored: so is a map's bias.
      backward += tf.reverse(backward_bias, [2])
    # Biases are in before skewing, so that the cells outside the image get
    # zero pre-activations and keep zero states (see `_diagonal_states`).
    states = _diagonal_states(skew(tf.stack([forward, backward])),
                              tf.stack([self.forward.state_kernel,
                                        self.backward.state_kernel]))
    forward, backward = tf.unstack(unskew(states, inputs.shape[2]))
    return forward, tf.reverse(backward, [2])


class OpenCentreConv2D(masked_layers.MaskedConv2D):
  """A mask-A convolution, also read with its centre tap open: the first
  layer of a Diagonal BiLSTM network.

  `__call__` applies mask A; `open_centre` adds what mask A hides of the
  pixel itself (every channel), for the first LSTM layer's right-to-left
  direction. A 3x3 kernel, `x` the pixel:

  ```none
    mask A (__call__)                  open_centre
      1 1 1                              1 1 1
      1 x 0    x: the channels before    1 x 0    x: every channel
      0 0 0                              0 0 0
  ```

  The open entries are drawn at random with the others. A kernel trained
  before `open_centre` existed holds zeros there (masked entries get no
  gradient), so its network computes what it computed then.
  """

  def __init__(self, in_features, out_features, kernel_size, num_groups=1,
               dtype=tf.float32, name=None):
    """Creates the layer's variables (see `masked_layers.MaskedConv2D`)."""
    # Mask B over whole pixels: the pixel's every channel at the centre.
    open_mask = masks.causal_mask(kernel_size, in_features, out_features)
    super().__init__(in_features, out_features, kernel_size, num_groups, 'A',
                     dtype, name, support=open_mask)
    self._centre = tuple(size // 2 for size in self.kernel_size)
    hidden = open_mask[self._centre] - masks.causal_mask(
        kernel_size, in_features, out_features, num_groups,
        'A')[self._centre]
    self._hidden_centre = tf.constant(hidden, dtype=dtype)

  def centre_kernel(self):
    """`[in_features, out_features]`: the centre entries mask A hides."""
    return self.kernel[self._centre] * self._hidden_centre

  def open_centre(self, inputs, outputs):
    """The convolution of `inputs` with its centre tap open, from its
    `outputs` under mask A (to which conditioning biases may have been
    added)."""
    return outputs + tf.einsum('bhwi,io->bhwo', inputs, self.centre_kernel())


def skew(inputs):
  """Shifts row `r` of `[..., H, W, F]` right by `r`: `[..., H, W + H - 1, F]`.

  Padding every row with `H` zeros and reading the rows back one element
  shorter shifts each row one further than the row above.
  """
  inputs = tf.convert_to_tensor(inputs)
  height, width, features = inputs.shape[-3:]
  leading = tf.shape(inputs)[:-3]
  padded = tf.pad(inputs, [[0, 0]] * (inputs.shape.rank - 2) +
                  [[0, height], [0, 0]])
  flat = tf.reshape(padded, tf.concat(
      [leading, [height * (width + height), features]], 0))
  flat = flat[..., :height * (width + height - 1), :]
  return tf.reshape(flat, tf.concat(
      [leading, [height, width + height - 1, features]], 0))


def unskew(skewed, width):
  """Inverts `skew`: `[..., H, W + H - 1, F]` to `[..., H, W, F]`."""
  skewed = tf.convert_to_tensor(skewed)
  height, skewed_width, features = skewed.shape[-3:]
  leading = tf.shape(skewed)[:-3]
  flat = tf.reshape(skewed, tf.concat(
      [leading, [height * skewed_width, features]], 0))
  flat = tf.pad(flat, [[0, 0]] * (skewed.shape.rank - 3) +
                [[0, height], [0, 0]])
  return tf.reshape(flat, tf.concat(
      [leading, [height, skewed_width + 1, features]], 0))[..., :width, :]


def _diagonal_states(skewed, state_kernels):
  """Runs both directions' LSTMs over the columns of their skewed maps.

  Args:
    skewed: `[2, batch, H, S, 4 * units]` input-to-state pre-activations of
      the skewed maps, directions stacked.
    state_kernels: `[2, 2, units, 4 * units]`, each direction's taps (above,
      previous).

  Returns:
    h: `[2, batch, H, S, units]`.
  """
  directions, _, units, gates = state_kernels.shape
  # One matrix per direction over [above, previous] states.
  kernels = tf.reshape(state_kernels, [directions, 2 * units, gates])
  columns = tf.transpose(skewed, [3, 0, 1, 2, 4])
  zeros = tf.zeros(tf.concat([tf.shape(columns)[1:4], [units]], 0),
                   skewed.dtype)

  def next_column(states, column_pre_activations):
    h, c = states
    # In the previous column, skewed row r - 1 holds the pixel above (r, j)
    # and row r the previous pixel (r, j - 1); a zero row on top is above
    # row 0. (A 'SAME' two-tap convolution would read row r + 1 instead.)
    above = tf.pad(h, [[0, 0], [0, 0], [1, 0], [0, 0]])[:, :, :-1]
    recurrent = tf.einsum('dbri,dio->dbro', tf.concat([above, h], -1),
                          kernels)
    # Cells left of the image (skewed column < row) start at zero states with
    # zero pre-activations, so they stay zero: pixel (r, 0) sees a zero
    # previous pixel.
    return lstm_cell.lstm_update(column_pre_activations + recurrent, c)

  h, _ = tf.scan(next_column, columns, initializer=(zeros, zeros))
  return tf.transpose(h, [1, 2, 3, 0, 4])
