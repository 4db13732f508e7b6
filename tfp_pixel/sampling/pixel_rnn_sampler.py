"""The fast exact samplers of `tfp_pixel.PixelRNN`: LSTM states carried along
the image, one pixel (one column of the network) at a time.

A row is drawn in three steps:

1. the row's context, from the rows above, once: the first layer's share of
   the rows above, and every layer's recurrent input from the states of the
   row above (Row LSTM: its 1x3 state-to-state convolution; Diagonal BiLSTM:
   the left-to-right state above, and the right-to-left output of the row
   above, shifted down);
2. the pixels left to right: at column `j`, the first layer adds its share of
   the row itself, each LSTM layer advances its state by one pixel (Row
   LSTM: from its input at `j - 1` and `j`; Diagonal BiLSTM: from its input
   and the left-to-right state of `j - 1`), the head gives the logits and the
   pixel is drawn from its noise (once per channel, each draw seeing the
   channels drawn before it);
3. once the row is final (`end_row`), the Diagonal BiLSTM runs its
   right-to-left LSTMs over it, every layer at once, for the next row (the
   first layer's also reads the row's pixels themselves: the first
   convolution's open centre, `diagonal_bilstm.OpenCentreConv2D`).

Each pixel is computed once: about one forward pass of work per image.
The state holds plain tensors only, so that the loop compiles with XLA.

Conditioning biases are `[batch, rows, cols, F]`: a label's the same at
every pixel (`rows == cols == 1`), a map's one per pixel; a row's context
takes its row of them, a pixel its column (`map_conditioning.select`).
"""

import abc

import tensorflow as tf

from tfp_pixel.networks import lstm_cell
from tfp_pixel.networks import map_conditioning
from tfp_pixel.networks import pixel_rnn_network
from tfp_pixel.sampling import categorical_sampler
from tfp_pixel.sampling import pixel_sampler

__all__ = ['DiagonalBiLSTMSampler', 'PixelRNNSampler', 'RowLSTMSampler',
           'pixel_rnn_sampler']


def pixel_rnn_sampler(dist, conditional_input=None):
  """The sampler of a `tfp_pixel.PixelRNN`'s architecture.

  Args:
    dist: a `tfp_pixel.PixelRNN`.
    conditional_input: float one-hot `[batch, num_classes]` for a
      class-conditional model, float maps `[batch, H, W, features]` for a
      map-conditional one (one per image drawn), else `None`.

  Returns:
    sampler: a `RowLSTMSampler` or a `DiagonalBiLSTMSampler`.
  """
  return _SAMPLERS[type(dist.network)](dist, conditional_input)


class PixelRNNSampler(categorical_sampler.CategoricalPixels,
                      pixel_sampler.PixelSampler):
  """What both architectures' samplers share: the canvas, the first layer,
  the head, the draw and the walk along a row.

  A subclass describes its LSTM layers: their states between rows
  (`_initial_states`), the context of row `row` (`_row_context`), the states
  carried from pixel to pixel (`_initial_carry`), one pixel's step
  (`_layers_at`) and what a finished row leaves for the next (`_next_states`).
  The weights are read once, when the sampler is made.
  """

  def __init__(self, dist, conditional_input=None):
    """Reads the weights of `dist`'s network.

    Args:
      dist: a `tfp_pixel.PixelRNN`.
      conditional_input: float one-hot `[batch, num_classes]`, float maps
        `[batch, H, W, features]`, or `None`.
    """
    self._dist = dist
    network = dist.network
    self._network = network
    self._num_layers = network.num_layers
    self._units = network.hidden_units
    biases = network.conditioning_biases(conditional_input)
    self._first_condition_bias = biases.first
    self._gate_condition_biases = biases.layers
    self._head_condition_biases = biases.head
    kernel = network.first.masked_kernel()
    self._half = network.first.kernel_size[0] // 2
    # Rows above the pixel, and the row itself up to the pixel (mask A: the
    # columns to its right are zero; at its own column, earlier channels).
    self._first_above = kernel[:self._half]
    self._first_row = kernel[self._half, :self._half + 1]
    self._first_bias = network.first.bias
    self._head = [(layer.masked_kernel()[0, 0], layer.bias)
                  for layer in network.head]
    self._outputs = [(layer.output.masked_kernel()[0, 0], layer.output.bias)
                     for layer in network.layers]

  def start(self, images):
    # Rows first with `half` zero rows on top and zero columns on both
    # sides, the first layer's 'SAME' padding: [H + half, batch, W + 2 half,
    # C].
    canvas = tf.pad(self._dist.network_inputs(images),
                    [[0, 0], [self._half, 0], [self._half, self._half],
                     [0, 0]])
    state = self._initial_states(tf.shape(images)[0])
    state['canvas'] = tf.transpose(canvas, [1, 0, 2, 3])
    return state

  def solve_row(self, state, row, noise, known, known_mask):
    _, width, channels = self.image_shape
    half = self._half
    batch = tf.shape(known)[0]
    first_above = self._first_layer_above(state['canvas'], row)
    context = self._row_context(state, row)
    # The head's conditioning biases along the row, [batch, 1 or W, F].
    head_biases = [None if bias is None else
                   map_conditioning.select(bias, row, 1)
                   for bias in self._head_condition_biases]
    # Columns first: [W, batch, ...].
    noise, known, known_mask = [tf.transpose(t, [1, 0, 2])
                                for t in (noise, known, known_mask)]
    # The row's network inputs with `half` zero columns on the left.
    row_inputs = tf.pad(self._dist.network_inputs(known),
                        [[half, 0], [0, 0], [0, 0]])
    buffers = [tf.zeros(tf.concat([[width], tf.shape(t)], 0), t.dtype)
               for t in self._pixel_outputs_like(batch)]

    def next_pixel(col, row_inputs, pixels, carry, buffers):
      # Channel c's logits read the channels before it at this pixel: draw
      # the pixel C times, each from the logits given the draw before; after
      # the c-th draw, channels 0 .. c are final.
      for _ in range(channels):
        window = tf.slice(row_inputs, tf.stack([col, 0, 0]),
                          [half + 1, -1, -1])
        x = first_above[col] + tf.einsum('kbi,kio->bo', window,
                                         self._first_row)
        x, new_carry, outputs = self._layers_at(x, col, context, carry)
        pixel = self.draw_levels(self._logits(x, head_biases, col),
                                 noise[col], known[col], known_mask[col])
        row_inputs = tf.tensor_scatter_nd_update(
            row_inputs, [[col + half]],
            self._dist.network_inputs(pixel)[tf.newaxis])
      pixels = tf.tensor_scatter_nd_update(pixels, [[col]],
                                           pixel[tf.newaxis])
      buffers = [tf.tensor_scatter_nd_update(buffer, [[col]],
                                             output[tf.newaxis])
                 for buffer, output in zip(buffers, outputs)]
      return col + 1, row_inputs, pixels, new_carry, buffers

    _, row_inputs, pixels, _, buffers = tf.while_loop(
        lambda col, *_: col < width, next_pixel,
        (0, row_inputs, tf.cast(known, tf.int32), self._initial_carry(batch),
         buffers))
    state = self._next_states(state, buffers)
    state['canvas'] = tf.tensor_scatter_nd_update(
        state['canvas'], [[row + half]],
        tf.transpose(tf.pad(row_inputs, [[0, half], [0, 0], [0, 0]]),
                     [1, 0, 2])[tf.newaxis])
    return state, tf.transpose(pixels, [1, 0, 2])

  def _first_layer_above(self, canvas, row):
    """The first layer's share of the rows above `row`, `[W, batch, F]`
    (bias and conditioning bias included)."""
    above = tf.transpose(
        tf.slice(canvas, tf.stack([row, 0, 0, 0]), [self._half, -1, -1, -1]),
        [1, 0, 2, 3])
    shares = tf.nn.conv2d(above, self._first_above, strides=1,
                          padding='VALID')[:, 0] + self._first_bias
    if self._first_condition_bias is not None:
      shares += map_conditioning.select(self._first_condition_bias, row, 1)
    return tf.transpose(shares, [1, 0, 2])

  def _logits(self, features, head_biases, col):
    """The head at pixel `col` of the row: `[batch, F]` features to
    `[batch, C, K]`, given the head's conditioning biases along the row."""
    for (kernel, bias), row_bias in zip(self._head, head_biases):
      features = tf.matmul(tf.nn.relu(features), kernel) + bias
      if row_bias is not None:
        features += map_conditioning.select(row_bias, col, 1)
    channels = self.image_shape[-1]
    return tf.reshape(features, [-1, channels, self._dist.num_levels])

  @abc.abstractmethod
  def _initial_states(self, batch):
    """The layers' states of the (zero) row above the image, a `dict`."""

  @abc.abstractmethod
  def _row_context(self, state, row):
    """What every pixel of row `row` reads from the rows above (from
    `state`) and from its conditioning biases."""

  @abc.abstractmethod
  def _initial_carry(self, batch):
    """The states carried from pixel to pixel, at the row's start."""

  @abc.abstractmethod
  def _pixel_outputs_like(self, batch):
    """Zeros shaped like one pixel's `outputs` of `_layers_at`."""

  @abc.abstractmethod
  def _layers_at(self, x, col, context, carry):
    """The LSTM layers at pixel `col` of the row.

    Args:
      x: `[batch, F]`, the first layer's output at the pixel.
      col: int32 scalar, the column.
      context: `_row_context` of the row.
      carry: the states carried from the pixel before.

    Returns:
      x: `[batch, F]`, the last layer's output.
      carry: the states for the next pixel.
      outputs: list of tensors the row keeps, one row of each per column.
    """

  @abc.abstractmethod
  def _next_states(self, state, buffers):
    """`state` after the row, given the row's `outputs` (`[W, ...]` each)."""


class RowLSTMSampler(PixelRNNSampler):
  """Row LSTM: each layer keeps `h` and `c` of the row above.

  The state-to-state convolution of the row above is computed once per row
  for every pixel; at column `j` a layer's gates add its input-to-state taps
  at `j - 1` and `j`, and the cell continues `c` of the row above at `j`.
  """

  def __init__(self, dist, conditional_input=None):
    super().__init__(dist, conditional_input)
    cells = [layer.cell for layer in self._network.layers]
    # Input-to-state taps j - 1 and j (tap j + 1 is masked), one matrix.
    features = 2 * self._units
    self._input_kernels = [
        tf.reshape(cell.masked_kernel()[0, :2],
                   [2 * features, lstm_cell.NUM_GATES * self._units])
        for cell in cells]
    self._state_kernels = tf.stack([cell.state_kernel for cell in cells])
    self._gate_bias = _stacked_gate_biases(cells,
                                           self._gate_condition_biases)

  def _initial_states(self, batch):
    _, width, _ = self.image_shape
    zeros = tf.zeros(tf.stack([self._num_layers, batch, width, self._units]),
                     self._dist.float_dtype)
    # h as [L, batch, W, h] for the row convolution; c columns first.
    return {'h': zeros, 'c': tf.transpose(zeros, [2, 0, 1, 3])}

  def _row_context(self, state, row):
    _, width, _ = self.image_shape
    h = tf.pad(state['h'], [[0, 0], [0, 0], [1, 1], [0, 0]])
    taps = tf.stack([h[:, :, k:k + width] for k in range(3)], axis=-2)
    recurrent = tf.einsum('lbwki,lkio->wlbo', taps, self._state_kernels)
    return recurrent + _row_of(self._gate_bias, row), state['c']

  def _initial_carry(self, batch):
    zeros = tf.zeros(tf.stack([batch, 2 * self._units]),
                     self._dist.float_dtype)
    return [zeros] * self._num_layers

  def _pixel_outputs_like(self, batch):
    zeros = tf.zeros(tf.stack([self._num_layers, batch, self._units]),
                     self._dist.float_dtype)
    return [zeros, zeros]

  def _layers_at(self, x, col, context, carry):
    recurrent, c_above = context
    recurrent, c_above = tf.unstack(recurrent[col]), tf.unstack(c_above[col])
    inputs, hs, cs = [], [], []
    for index, left in enumerate(carry):
      pre_activations = tf.matmul(tf.concat([left, x], -1),
                                  self._input_kernels[index])
      h, c = lstm_cell.lstm_update(pre_activations + recurrent[index],
                                   c_above[index])
      inputs.append(x)
      hs.append(h)
      cs.append(c)
      kernel, bias = self._outputs[index]
      x = x + tf.matmul(h, kernel) + bias
    return x, inputs, [tf.stack(hs), tf.stack(cs)]

  def _next_states(self, state, buffers):
    h, c = buffers
    return dict(state, h=tf.transpose(h, [1, 2, 0, 3]), c=c)


class DiagonalBiLSTMSampler(PixelRNNSampler):
  """Diagonal BiLSTM: left-to-right states advance along the row; the
  right-to-left states of a row are computed once the row is final.

  At column `j` of row `i`, a layer's left-to-right cell reads its input,
  the left-to-right state above (its share computed once per row) and the
  state of `j - 1`; the layer adds the right-to-left state of `(i - 1, j)`
  (the shift down), computed by `end_row` of row `i - 1` from the layer's
  inputs along that row (for the first layer, plus the open centre of the
  first convolution over the row's pixels), right to left, every layer at
  once.
  """

  def __init__(self, dist, conditional_input=None):
    super().__init__(dist, conditional_input)
    layers = self._network.layers
    forward = [layer.forward for layer in layers]
    backward = [layer.backward for layer in layers]
    # Left-to-right: [input; state of j - 1] -> gates, one matrix per layer.
    self._forward_kernels = [
        tf.concat([cell.masked_kernel()[0, 0], cell.state_kernel[1]], 0)
        for cell in forward]
    # A layer's conditioning bias holds the left-to-right gates, then the
    # others.
    forward_biases, backward_biases = zip(*[
        (None, None) if bias is None else tf.split(bias, 2, axis=-1)
        for bias in self._gate_condition_biases])
    self._forward_above = tf.stack([cell.state_kernel[0] for cell in forward])
    self._forward_bias = _stacked_gate_biases(forward, forward_biases)
    self._backward_input = tf.stack([cell.masked_kernel()[0, 0]
                                     for cell in backward])
    self._backward_above = tf.stack([cell.state_kernel[0]
                                     for cell in backward])
    self._backward_previous = tf.stack([cell.state_kernel[1]
                                        for cell in backward])
    self._backward_bias = _stacked_gate_biases(backward, backward_biases)
    # The first layer's right-to-left gates from the pixel itself.
    self._backward_pixel = tf.matmul(self._network.first.centre_kernel(),
                                     self._backward_input[0])
    self._output_kernels = tf.stack([kernel for kernel, _ in self._outputs])
    self._output_biases = tf.stack([bias for _, bias in self._outputs])

  def _initial_states(self, batch):
    _, width, _ = self.image_shape
    float_dtype = self._dist.float_dtype
    zeros = tf.zeros(tf.stack([width, self._num_layers, batch, self._units]),
                     float_dtype)
    inputs = tf.zeros(tf.stack([width, self._num_layers, batch,
                                2 * self._units]), float_dtype)
    return {'forward_h': zeros, 'backward_h': zeros, 'inputs': inputs}

  def _row_context(self, state, row):
    above = tf.einsum('wlbi,lio->wlbo', state['forward_h'],
                      self._forward_above) + _row_of(self._forward_bias, row)
    # The shift down: row i adds the right-to-left output of row i - 1 (its
    # 1x1 convolution, bias included).
    backward = tf.einsum('wlbi,lio->wlbo', state['backward_h'],
                         self._output_kernels) + self._output_biases[:, None]
    return above, backward

  def _initial_carry(self, batch):
    zeros = tf.zeros(tf.stack([batch, self._units]), self._dist.float_dtype)
    return [(zeros, zeros)] * self._num_layers

  def _pixel_outputs_like(self, batch):
    float_dtype = self._dist.float_dtype
    return [tf.zeros(tf.stack([self._num_layers, batch, self._units]),
                     float_dtype),
            tf.zeros(tf.stack([self._num_layers, batch, 2 * self._units]),
                     float_dtype)]

  def _layers_at(self, x, col, context, carry):
    above, backward = context
    above, backward = tf.unstack(above[col]), tf.unstack(backward[col])
    new_carry, hs, inputs = [], [], []
    for index, (h_left, c_left) in enumerate(carry):
      pre_activations = tf.matmul(tf.concat([x, h_left], -1),
                                  self._forward_kernels[index])
      h, c = lstm_cell.lstm_update(pre_activations + above[index], c_left)
      new_carry.append((h, c))
      hs.append(h)
      inputs.append(x)
      x = x + tf.matmul(h, self._outputs[index][0]) + backward[index]
    return x, new_carry, [tf.stack(hs), tf.stack(inputs)]

  def _next_states(self, state, buffers):
    forward_h, inputs = buffers
    return dict(state, forward_h=forward_h, inputs=inputs)

  def end_row(self, state, row):
    width = self.image_shape[1]
    # The row's pixels, [batch, W, C]. (`canvas[row + half, :, half:...]`:
    # XLA in a while loop drops the static column offset, TF 2.21.)
    pixels = tf.slice(state['canvas'], tf.stack([row + self._half, 0,
                                                 self._half, 0]),
                      [1, -1, width, -1])[0]
    own = tf.einsum('bwc,co->wbo', pixels, self._backward_pixel)
    pre_activations = (
        tf.einsum('wlbi,lio->wlbo', state['inputs'], self._backward_input) +
        tf.einsum('wlbi,lio->wlbo', state['backward_h'],
                  self._backward_above) + _row_of(self._backward_bias, row))
    pre_activations = tf.concat(
        [pre_activations[:, :1] + own[:, tf.newaxis], pre_activations[:, 1:]],
        axis=1)
    zeros = tf.zeros_like(state['backward_h'][0])

    def previous_column(col, h_right, c_right, states):
      # The pixel before (i, col) in right-to-left order is (i, col + 1).
      recurrent = tf.einsum('lbi,lio->lbo', h_right, self._backward_previous)
      h, c = lstm_cell.lstm_update(pre_activations[col] + recurrent, c_right)
      states = tf.tensor_scatter_nd_update(states, [[col]], h[tf.newaxis])
      return col - 1, h, c, states

    _, _, _, backward_h = tf.while_loop(
        lambda col, *_: col >= 0, previous_column,
        (width - 1, zeros, zeros, tf.zeros_like(state['backward_h'])))
    return dict(state, backward_h=backward_h)


def _stacked_gate_biases(cells, condition_biases):
  """`[L, 1 or batch, 1 or H, 1 or W, 4h]`: each cell's gate bias, its
  conditioning bias added."""
  return tf.stack([cell.bias[tf.newaxis, tf.newaxis, tf.newaxis]
                   if condition_bias is None else cell.bias + condition_bias
                   for cell, condition_bias in zip(cells, condition_biases)])


def _row_of(stacked, row):
  """Stacked gate biases `[L, B, 1 or H, 1 or W, 4h]` of row `row`, columns
  first: `[1 or W, L, B, 4h]`."""
  return tf.transpose(map_conditioning.select(stacked, row, 2), [2, 0, 1, 3])


_SAMPLERS = {
    pixel_rnn_network.RowLSTMNetwork: RowLSTMSampler,
    pixel_rnn_network.DiagonalBiLSTMNetwork: DiagonalBiLSTMSampler,
}
