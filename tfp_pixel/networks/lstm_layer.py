"""The frame every PixelRNN layer shares (van den Oord et al., 2016, 3.3).

```none
y = x + output(states(x))
```

`x` and `y` have `2h` features; `states` is the layer's LSTM recurrence (a
state of `h` features at every pixel, `row_lstm` or `diagonal_bilstm`) and
`output` a 1x1 mask-B convolution back to `2h`; the input is added once.
"""

import abc

import tensorflow as tf

from tfp_pixel.networks import masked_layers

__all__ = ['ResidualLSTMLayer']


class ResidualLSTMLayer(tf.Module, metaclass=abc.ABCMeta):
  """A residual layer around LSTM states: `2h` features in and out.

  A subclass creates its cells after calling this constructor and
  implements `layer_states` and `gate_features`.
  """

  def __init__(self, features, units, num_groups=1, dtype=tf.float32,
               name=None):
    """Creates the output convolution.

    Args:
      features: Python `int`, feature maps of the input and output (`2h`).
      units: Python `int`, features of the LSTM state (`h`).
      num_groups: Python `int`, colour channels of the image.
      dtype: float `tf.DType` of the variables.
      name: Python `str` name of the module.
    """
    super().__init__(name=name)
    self.output = masked_layers.MaskedConv2D(units, features,
                                             num_groups=num_groups,
                                             dtype=dtype)

  @property
  @abc.abstractmethod
  def gate_features(self):
    """Python `int`, the gate pre-activations a label bias is added to."""

  def __call__(self, inputs, gate_bias=None, dropout_rate=0.,
               **state_inputs):
    """Applies the layer.

    Args:
      inputs: `[batch, height, width, features]`.
      gate_bias: optional conditioning bias, added to the gate
        pre-activations: a label's `[batch, 1, 1, gate_features]` or a
        map's `[batch, height, width, gate_features]`.
      dropout_rate: Python `float`, dropout on the residual branch.
      **state_inputs: further inputs of `layer_states` (a Diagonal BiLSTM's
        `backward_inputs`).

    Returns:
      outputs: `[batch, height, width, features]`.
    """
    branch = self.output(self.layer_states(inputs, gate_bias, **state_inputs))
    if dropout_rate > 0.:
      branch = tf.nn.dropout(branch, rate=dropout_rate)
    return inputs + branch

  @abc.abstractmethod
  def layer_states(self, inputs, gate_bias=None):
    """The states `[batch, height, width, units]` the output convolution
    reads; those at `(i, j)` may depend only on the inputs up to `(i, j)` in
    raster order (at `(i, j)`, on the earlier channel groups)."""
