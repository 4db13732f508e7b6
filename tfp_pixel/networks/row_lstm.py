"""The Row LSTM layer of PixelRNN (van den Oord et al., 2016, section 3.1).

The layer processes the image a row at a time, top to bottom. The state of row
`i` at column `j` reads the layer's input through a `1 x 3` convolution with
mask B (columns `j - 1` and `j`, and at `j` only the earlier colour channels),
and the states of row `i - 1` through an unmasked `1 x 3` convolution (columns
`j - 1`, `j`, `j + 1`); its cell continues the cell of row `i - 1` at `j`:

```none
  row i - 1:   h h h          state-to-state (all of the row above is earlier)
  row i:       x x .          input-to-state, mask B
                 ^ (i, j)
```

Stacked, the layers see a triangle above each pixel that widens by one column
per row on each side; `tests/distributions/test_pixel_rnn.py` derives and
checks its exact edges.
"""

import tensorflow as tf

from tfp_pixel.networks import lstm_cell
from tfp_pixel.networks import lstm_layer

__all__ = ['RowLSTMLayer']


class RowLSTMLayer(lstm_layer.ResidualLSTMLayer):
  """A residual Row LSTM layer: `2h` features in and out, a state of `h`.

  ```none
  pre = input_to_state(x) [+ conditioning bias]   whole map, before the loop
  h[i], c[i] = cell(pre[i] + conv1x3(h[i - 1]), c[i - 1])   row by row
  y = x + output(h)                               1x1 mask-B convolution
  ```
  """

  # Columns of the state-to-state convolution: j - 1, j, j + 1.
  STATE_TAPS = 3

  def __init__(self, features, units, num_groups=1, dtype=tf.float32,
               name=None):
    """Creates the layer's variables (see `ResidualLSTMLayer`)."""
    super().__init__(features, units, num_groups, dtype, name)
    self.cell = lstm_cell.MaskedLSTMCell(features, units, input_width=3,
                                         taps=self.STATE_TAPS,
                                         num_groups=num_groups, dtype=dtype)

  @property
  def gate_features(self):
    """Python `int`, the pre-activations a conditioning bias is added to
    (`4h`)."""
    return lstm_cell.NUM_GATES * self.cell.units

  def layer_states(self, inputs, gate_bias=None):
    pre_activations = self.cell.input_to_state(inputs)
    if gate_bias is not None:
      pre_activations += gate_bias
    return self.states(pre_activations)

  def states(self, pre_activations):
    """The states `h` of every row, from the input-to-state pre-activations.

    Args:
      pre_activations: `[batch, height, width, 4 * units]`.

    Returns:
      h: `[batch, height, width, units]`.
    """
    rows = tf.transpose(pre_activations, [1, 0, 2, 3])
    zeros = tf.zeros(tf.concat([tf.shape(rows)[1:3], [self.cell.units]], 0),
                     rows.dtype)

    def next_row(states, row_pre_activations):
      h_above, c_above = states
      # 'SAME' pads one zero column on each side: taps j - 1, j, j + 1 of the
      # row above, all of which precede row i.
      recurrent = tf.nn.conv1d(h_above, self.cell.state_kernel, stride=1,
                               padding='SAME')
      _, new_states = self.cell(row_pre_activations + recurrent, c_above)
      return new_states

    h, _ = tf.scan(next_row, rows, initializer=(zeros, zeros))
    return tf.transpose(h, [1, 0, 2, 3])
