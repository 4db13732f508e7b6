"""The fast exact sampler of `tfp_pixel.PixelSNAIL`.

A full pass of the network costs every layer at every pixel, and sampling
needs one pass per pixel. Here the pixel walk
(`pixel_sampler.PixelWalkSampler`) computes, once a pixel is written, one
position of each layer, the next pixel's, in raster order:

- a 3x3 masked convolution at `(i, j)` reads its input map at `(i - 1,
  j - 1 .. j + 1)`, `(i, j - 1)` and (type B) `(i, j)`: the sampler keeps, of
  every map a convolution reads (the pixels, each gated residual's input and
  hidden map), the row above and the row being drawn (`[2, W + 2, batch,
  features]`, a zero column either side for the padding);
- an attention layer at position `t` reads the keys and values of every
  position before `t`: the sampler keeps them (`[H * W, batch, features]` per
  block), writes those of `t` once pixel `t` is drawn (they read its value),
  and computes one query against them (`causal_attention.attend_one`);
- 1x1 layers (the attention's gated residuals, the head) run on the one
  position.

Every gated residual's conditioning bias is a 1x1 projection of the
network's condition (`map_conditioning`): a label's is the same at every
position; a map's features are computed once, for the whole map, and each
position's biases project its features (`conditioning.position`).

The head's draw is the model's: a softmax head's channels one after the
other (each from logits that read the channels drawn before it), a mixture
head's `LogisticMixture.draw_pixel`; both from the uniforms of
`pixel_sampler.draw_images`, so the images equal the plain full-pass
sampler's (`sampling.reference`) under the same seed.
"""

import tensorflow as tf

from tfp_pixel.networks import causal_attention
from tfp_pixel.networks import pixel_snail_network
from tfp_pixel.sampling import inverse_cdf
from tfp_pixel.sampling import pixel_sampler

__all__ = ['PixelSNAILSampler']


class PixelSNAILSampler(pixel_sampler.PixelWalkSampler):
  """Draws a `PixelSNAIL`'s images pixel by pixel from cached activations."""

  def __init__(self, dist, conditional_input=None):
    """Reads the weights of `dist`'s network.

    Args:
      dist: a `tfp_pixel.PixelSNAIL`.
      conditional_input: float one-hot `[batch, num_classes]` for a
        class-conditional model, float maps `[batch, H, W, features]` for a
        map-conditional one (one per image drawn), else `None`.
    """
    self._dist = dist
    self._network = dist.network
    self._condition = self._network.condition(conditional_input)
    height, width, _ = dist.image_shape
    self._background = tf.reshape(
        tf.cast(pixel_snail_network.background(height, width),
                dist.float_dtype), [height * width, 1, 1, 1, 2])
    self._first = _TapConv(self._network.first)
    self._residuals = [
        (_TapConv(residual.first), _TapConv(residual.second), residual)
        for block in self._network.blocks for residual in block.residuals]

  @property
  def image_shape(self):
    return self._dist.image_shape

  @property
  def dtype(self):
    return self._dist.dtype

  @property
  def noise_size(self):
    channels = self._dist.image_shape[-1]
    return channels if self._dist.num_levels else 2 * channels

  @property
  def noise_dtype(self):
    return self._dist.float_dtype

  @property
  def fill_value(self):
    return 0

  def start(self, images):
    """Empty row buffers and key and value tables for `images`' batch, and
    the outputs at the first pixel."""
    batch_size = tf.shape(images)[0]
    height, width, _ = self._dist.image_shape
    network = self._network
    dtype = self._dist.float_dtype

    def rows(features):
      return tf.zeros(tf.stack([2, width + 2, batch_size, features]), dtype)

    def table(features):
      return tf.zeros(tf.stack([height * width, batch_size, features]),
                      dtype)

    features = network.first.kernel.shape[-1]
    attentions = [block.attention for block in network.blocks]
    state = dict(
        pixels=rows(network.input_features),
        maps=[rows(features) for _ in range(2 * len(self._residuals))],
        keys=[table(a.num_heads * a.key_size) for a in attentions],
        values=[table(a.num_heads * a.value_size) for a in attentions])
    return self._advance(state, 0, 0)

  def pixel_outputs(self, state, row, col):
    del row, col  # `state` holds the outputs at the next pixel.
    return state['features']

  def draw_pixel(self, outputs, noise, known, known_mask):
    return self._draw(outputs, noise, known, known_mask)

  def write_pixel(self, state, row, col, pixel):
    """Writes the pixel (and its keys and values), then computes the
    outputs at the next pixel of the row."""
    width = self._dist.image_shape[1]
    position = row * width + col
    state = self._write_pixel(state, position, col, pixel)
    return tf.cond(col + 1 < width,
                   lambda: self._advance(state, position + 1, col + 1),
                   lambda: state)

  def end_row(self, state, row):
    """The row becomes the row above; the outputs at the next row's first
    pixel."""
    height, width, _ = self._dist.image_shape
    state = dict(state, pixels=_next_row(state['pixels']),
                 maps=[_next_row(m) for m in state['maps']])
    return tf.cond(row + 1 < height,
                   lambda: self._advance(state, (row + 1) * width, 0),
                   lambda: state)

  def _advance(self, state, position, col):
    """The state with the outputs at `position` (column `col` of the row
    being drawn) computed: `features`, and each block's output before its
    attention (`block_outputs`, for the keys of the position)."""
    features, state, block_outputs = self._features(state, position, col)
    return dict(state, features=features, block_outputs=block_outputs)

  def _features(self, state, position, col):
    """The last block's features at `position` (`[batch, 1, 1, F]`), the
    state with every map written there, and each block's output before its
    attention (for the keys of `position`)."""
    maps = list(state['maps'])
    stream = self._first(state['pixels'], col)
    background = tf.gather(self._background, position)
    condition = self._condition_at(position, col)
    block_outputs = []
    index = 0
    for block in self._network.blocks:
      for _ in block.residuals:
        first, second, residual = self._residuals[index // 2]
        maps[index] = _write(maps[index], col, stream)
        hidden = tf.nn.elu(first(maps[index], col, tf.nn.elu))
        maps[index + 1] = _write(maps[index + 1], col, hidden)
        stream = _flat(residual.gate(
            _position(stream), _position(second(maps[index + 1], col)),
            condition))
        index += 2
      block_outputs.append(stream)
      attention = block.attention
      query = attention.queries_of(_position(stream),
                                   _like(background, stream), condition)
      attended = causal_attention.attend_one(
          _flat(query), state['keys'][len(block_outputs) - 1],
          state['values'][len(block_outputs) - 1], position,
          attention.num_heads)
      stream = _flat(attention.output(_position(stream),
                                      aux=_position(attended),
                                      condition=condition))
    return _position(stream), dict(state, maps=maps), block_outputs

  def _draw(self, features, noise, known, known_mask):
    """The pixel `[batch, C]` drawn from the head at its features."""
    head = self._network.head
    if self._dist.num_levels is None:
      params = [p[:, 0, 0] for p in head(features)]
      return self._dist.draw_pixel_by_inverse_cdf(params, noise, known,
                                                  known_mask)
    pixel = tf.where(known_mask, tf.cast(known, tf.int32), 0)
    # Channel c's logits read the channels < c of the pixel: after sweep c
    # channels 0..c are final.
    for _ in range(self._dist.image_shape[-1]):
      inputs = self._network.network_inputs(pixel)[:, tf.newaxis, tf.newaxis]
      logits = head(features, inputs)[:, 0, 0]
      pixel = inverse_cdf.draw_levels(logits, self._dist.temperature, noise,
                                      known, known_mask)
    return pixel

  def _write_pixel(self, state, position, col, pixel):
    """Writes the drawn pixel, and the keys and values of its position."""
    block_outputs = state['block_outputs']
    inputs = self._network.network_inputs(pixel)
    keys, values = list(state['keys']), list(state['values'])
    background = tf.gather(self._background, position)
    condition = self._condition_at(position, col)
    for index, block in enumerate(self._network.blocks):
      output = block_outputs[index]
      key, value = block.attention.keys_and_values(
          _position(inputs), _position(output), _like(background, output),
          condition)
      keys[index] = tf.tensor_scatter_nd_update(keys[index], [[position]],
                                                _flat(key)[tf.newaxis])
      values[index] = tf.tensor_scatter_nd_update(
          values[index], [[position]], _flat(value)[tf.newaxis])
    return dict(state, pixels=_write(state['pixels'], col, inputs),
                keys=keys, values=values)

  def _condition_at(self, position, col):
    """The condition the 1x1 projections read at `position` (column `col`
    of its row)."""
    width = self._dist.image_shape[1]
    return self._network.conditioning.position(self._condition,
                                               position // width, col)


class _TapConv:
  """A 3x3 masked convolution at one position from two buffered rows."""

  def __init__(self, layer):
    mask = layer.mask.numpy()
    height, width = mask.shape[:2]
    # The taps the mask keeps: (row offset 0 = above, 1 = this row, column
    # offset from the left neighbour).
    self._taps = [(ky, kx) for ky in range(height) for kx in range(width)
                  if mask[ky, kx].any()]
    kernel = layer.masked_kernel()
    self._kernel = tf.concat([kernel[ky, kx] for ky, kx in self._taps], 0)
    self._bias = layer.bias

  def __call__(self, rows, col, activation=None):
    """The output `[batch, out]` at column `col` of the row being drawn."""
    inputs = [rows[ky, col + kx] for ky, kx in self._taps]
    inputs = tf.concat(inputs, -1)
    if activation is not None:
      inputs = activation(inputs)
    return tf.matmul(inputs, self._kernel) + self._bias


def _next_row(rows):
  """The buffers once a row is done: it becomes the row above."""
  return tf.stack([rows[1], tf.zeros_like(rows[1])])


def _write(rows, col, value):
  """`rows` with `value` `[batch, F]` at column `col` of the current row."""
  return tf.tensor_scatter_nd_update(rows, [[1, col + 1]], value[tf.newaxis])


def _position(values):
  """`[batch, F]` -> `[batch, 1, 1, F]`, for the 1x1 layers."""
  return values[:, tf.newaxis, tf.newaxis]


def _flat(values):
  return values[:, 0, 0]


def _like(background, values):
  """The position's background `[batch, 1, 1, 2]`."""
  return tf.broadcast_to(background, tf.stack([tf.shape(values)[0], 1, 1, 2]))
