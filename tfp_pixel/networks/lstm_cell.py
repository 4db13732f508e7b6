"""The LSTM cell of the PixelRNN layers: masked input-to-state, state-to-state
over neighbouring states, and the gates (van den Oord et al., 2016).

```none
[i, f, o, g] = K_is (*) x  +  K_ss (*) h_neighbours  +  bias
c = sigmoid(f) * c_previous + sigmoid(i) * tanh(g)
h = sigmoid(o) * tanh(c)
```

`K_is` is a causally masked `1 x width` convolution (mask B), computed for the
whole map at once before any recurrence; `K_ss` reads a few neighbouring
states (`taps`) that all lie before the pixel, so it needs no mask. The four
gates' features are split into the image's channel groups like the cell's
`units` (`masks.gate_mask`), so the gates of a red unit see only what red
may see. The layer decides where the neighbours and `c_previous` come from
(`row_lstm`, `diagonal_bilstm`); the fast sampler calls the same pieces one
pixel at a time, as Keras samplers reuse a cell for one step.
"""

import numpy as np
import tensorflow as tf

from tfp_pixel.networks import masked_layers
from tfp_pixel.networks import masks

__all__ = ['MaskedLSTMCell', 'NUM_GATES', 'lstm_update']

# Gates in the order of the pre-activations: input, forget, output, candidate.
NUM_GATES = 4


class MaskedLSTMCell(masked_layers.MaskedKernel):
  """An LSTM cell whose input-to-state convolution is causally masked.

  Attributes:
    kernel: input-to-state kernel `[1, input_width, in_features, 4 * units]`,
      multiplied by its mask in the forward computation (`masked_kernel()`).
    bias: `[4 * units]`, the forget gate's initialized to 1.
    state_kernel: state-to-state kernel `[taps, units, 4 * units]`, unmasked.
    units: Python `int`, features of the state `h` (and of the cell `c`).
  """

  def __init__(self, in_features, units, input_width, taps, num_groups=1,
               dtype=tf.float32, name=None):
    """Creates the cell's variables.

    Args:
      in_features: Python `int`, features of the layer's input.
      units: Python `int`, features of the state.
      input_width: odd Python `int`, width of the `1 x input_width` masked
        input-to-state convolution.
      taps: Python `int`, neighbouring states the state-to-state kernel reads.
      num_groups: Python `int`, colour channels of the image.
      dtype: float `tf.DType` of the variables.
      name: Python `str` name of the module.
    """
    super().__init__(name=name)
    self.units = int(units)
    self.input_width = int(input_width)
    self._create_variables(
        masks.gate_mask((1, self.input_width), in_features, self.units,
                        NUM_GATES, num_groups, 'B'), dtype)
    forget = np.zeros([NUM_GATES, self.units], np.float32)
    forget[1] = 1.
    self.bias.assign(tf.constant(forget.ravel(), dtype))
    limit = np.sqrt(6. / (taps * self.units + NUM_GATES * self.units))
    self.state_kernel = tf.Variable(
        tf.random.uniform([taps, self.units, NUM_GATES * self.units], -limit,
                          limit, dtype=dtype), name='state_kernel')

  def input_to_state(self, inputs):
    """Gate pre-activations from the inputs, for the whole map at once.

    Args:
      inputs: `[batch, height, width, in_features]`.

    Returns:
      pre_activations: `[batch, height, width, 4 * units]`, bias included.
    """
    if self.input_width == 1:
      outputs = tf.einsum('bhwi,io->bhwo', inputs, self.masked_kernel()[0, 0])
    else:
      outputs = tf.nn.conv2d(inputs, self.masked_kernel(), strides=1,
                             padding='SAME')
    return outputs + self.bias

  def __call__(self, pre_activations, cell):
    """One step: the gates of `pre_activations` applied to `cell`.

    Args:
      pre_activations: `[..., 4 * units]`, input-to-state plus state-to-state.
      cell: `[..., units]`, the previous cell state.

    Returns:
      output: `[..., units]`, the new `h`.
      new_states: `(h, c)`, each `[..., units]`.
    """
    h, c = lstm_update(pre_activations, cell)
    return h, (h, c)


def lstm_update(pre_activations, cell):
  """The LSTM gates: `(h, c)` from pre-activations `[i, f, o, g]` and `cell`.

  Sigmoid for the input, forget and output gates, tanh for the candidate.

  Args:
    pre_activations: `[..., 4 * units]`.
    cell: `[..., units]`.

  Returns:
    h, c: `[..., units]` each.
  """
  input_gate, forget_gate, output_gate, candidate = tf.split(
      pre_activations, NUM_GATES, axis=-1)
  cell = (tf.sigmoid(forget_gate) * cell +
          tf.sigmoid(input_gate) * tf.tanh(candidate))
  return tf.sigmoid(output_gate) * tf.tanh(cell), cell
