"""The network of `SequenceRNN`: embedding, stacked LSTM or GRU, dense head."""

import functools

import tensorflow as tf
import tf_keras

from tfp_pixel import shapes

__all__ = ['CELLS', 'SequenceNetwork', 'check_architecture']

CELLS = ('lstm', 'gru')

_LAYERS = {'lstm': tf_keras.layers.LSTM, 'gru': tf_keras.layers.GRU}
_STATES_PER_LAYER = {'lstm': 2, 'gru': 1}


def check_architecture(vocabulary_size, cell, embedding_dim, units,
                       num_layers):
  """Returns the architecture's arguments, checked, as a `dict`.

  Raises:
    ValueError: if `cell` is not one of `CELLS` or a size is not a positive
      integer.
  """
  if cell not in CELLS:
    raise ValueError('`cell` must be one of {}, got {!r}.'.format(
        ', '.join(CELLS), cell))
  sizes = dict(vocabulary_size=vocabulary_size, embedding_dim=embedding_dim,
               units=units, num_layers=num_layers)
  checked = {key: shapes.check_size(value, key)
             for key, value in sizes.items()}
  return dict(checked, cell=cell)


class SequenceNetwork(tf.Module):
  """Maps token sequences to next-token logits, left to right.

  Layers: an `Embedding` of the tokens, `num_layers` stacked `LSTM` or `GRU`
  layers of `units` units, and a `Dense` head with one logit per token of the
  vocabulary (the layers of the book's text generator, Foster 2023, ch. 5).
  The same weights serve two ways:

  - `run`: the recurrent layers over whole sequences (training, `log_prob`),
    as Keras runs them (the fused kernels where the device has them);
  - `step`: one step of the layers' own cells for a batch of single tokens,
    carrying the recurrent state (sampling), so that drawing `T` tokens costs
    `T` cell steps.

  The state is a flat `list` of `[batch, units]` tensors, layer after layer
  (`h, c` for an LSTM layer, `h` for a GRU layer).
  """

  def __init__(self, vocabulary_size, cell='lstm', embedding_dim=100,
               units=128, num_layers=1, dtype=tf.float32, name=None):
    """Creates the network's variables.

    Args:
      vocabulary_size: Python `int`, the number of tokens.
      cell: `'lstm'` or `'gru'`.
      embedding_dim: Python `int`, size of the token embedding.
      units: Python `int`, units of every recurrent layer.
      num_layers: Python `int`, stacked recurrent layers.
      dtype: float `tf.DType` of the variables.
      name: Python `str` name of the module.

    Raises:
      ValueError: if `cell` is unknown or a size is not a positive integer.
    """
    super().__init__(name=name)
    checked = check_architecture(vocabulary_size, cell, embedding_dim, units,
                                 num_layers)
    self.vocabulary_size = checked['vocabulary_size']
    self.cell = cell
    self.embedding_dim = checked['embedding_dim']
    self.units = checked['units']
    self.num_layers = checked['num_layers']
    self.dtype = tf.as_dtype(dtype)
    self.embedding = tf_keras.layers.Embedding(
        self.vocabulary_size, self.embedding_dim, dtype=self.dtype)
    self.embedding.build((None, None))
    self.recurrent_layers = []
    inputs_dim = self.embedding_dim
    for _ in range(self.num_layers):
      layer = _LAYERS[cell](self.units, return_sequences=True,
                            return_state=True, dtype=self.dtype)
      layer.build((None, None, inputs_dim))
      self.recurrent_layers.append(layer)
      inputs_dim = self.units
    self.head = tf_keras.layers.Dense(self.vocabulary_size, dtype=self.dtype)
    self.head.build((None, self.units))

  @property
  def state_size(self):
    """Python `int`, tensors in the flat recurrent state."""
    return self.num_layers * _STATES_PER_LAYER[self.cell]

  def zero_state(self, batch_size):
    """The initial recurrent state: `state_size` zero `[batch, units]`."""
    zeros = tf.zeros(tf.stack([batch_size, self.units]), self.dtype)
    return [zeros] * self.state_size

  def embed(self, tokens):
    """Float `[..., embedding_dim]` embeddings of int `tokens`."""
    return self.embedding(tokens)

  def run(self, embedded, state=None, mask=None, training=False):
    """Runs the recurrent layers over whole sequences.

    Args:
      embedded: float `[batch, length, embedding_dim]`, `embed` of the inputs.
      state: the initial state (see the class docstring); zeros when `None`.
      mask: optional bool `[batch, length]`; a step where it is `False` leaves
        the state as it was (Keras masking), e.g. for padding in a prompt.
      training: Python `bool`, passed to the layers.

    Returns:
      outputs: float `[batch, length, units]`, the top layer's outputs; the
        output at position `t` depends only on the inputs at positions `<= t`.
      state: the state after the last position.
    """
    if state is None:
      state = self.zero_state(tf.shape(embedded)[0])
    per_layer = _STATES_PER_LAYER[self.cell]
    outputs, final_state = embedded, []
    for index, layer in enumerate(self.recurrent_layers):
      layer_state = list(state[index * per_layer:(index + 1) * per_layer])
      outputs, *layer_state = layer(outputs, initial_state=layer_state,
                                    mask=mask, training=training)
      final_state.extend(layer_state)
    return outputs, final_state

  @functools.cached_property
  def graph_run(self):
    """`run` as one `tf.function` (traced for a few shapes), for eager
    callers that call it often, such as chunked scoring: run eagerly, the
    layers' loop over time runs operation by operation."""
    return tf.function(self.run, autograph=False, reduce_retracing=True)

  def step(self, tokens, state):
    """One step of every layer's cell for a batch of single tokens.

    Args:
      tokens: int `[batch]`, the input tokens of this step.
      state: the state before this step.

    Returns:
      outputs: float `[batch, units]`, the top layer's outputs.
      state: the state after this step.
    """
    per_layer = _STATES_PER_LAYER[self.cell]
    outputs, new_state = self.embed(tokens), []
    for index, layer in enumerate(self.recurrent_layers):
      layer_state = list(state[index * per_layer:(index + 1) * per_layer])
      outputs, layer_state = layer.cell(outputs, layer_state, training=False)
      new_state.extend(layer_state)
    return outputs, new_state

  def logits(self, outputs, temperature=1., logit_bias=None):
    """Tempered logits of the next token from the recurrent outputs.

    Computes `(outputs @ kernel + bias) / temperature + logit_bias` as
    `(outputs / temperature) @ kernel + (bias / temperature + logit_bias)`:
    tempering and masking then cost no extra pass over the `[..., V]` logits.

    Args:
      outputs: float `[..., units]`, from `run` or `step`.
      temperature: positive float scalar.
      logit_bias: optional float `[vocabulary_size]` added to the tempered
        logits (`-inf` removes a token from the support).

    Returns:
      logits: float `[..., vocabulary_size]`.
    """
    temperature = tf.cast(temperature, self.dtype)
    bias = self.head.bias / temperature
    if logit_bias is not None:
      bias = bias + logit_bias
    return tf.tensordot(outputs / temperature, self.head.kernel, 1) + bias
