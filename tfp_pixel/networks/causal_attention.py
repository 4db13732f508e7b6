"""Masked multi-head dot-product attention over earlier positions.

Position `t` of a sequence (an image's pixels in raster order) reads the
values of the positions `s < t` only, weighted by the softmax of
`q_t . k_s / sqrt(key_size)`; position 0 reads nothing and gets zeros. As
every position's key and value may then depend on its own input, the
attention keeps the strict causality of an autoregressive model's outputs.
`attend` computes every position at once (training, `log_prob`);
`attend_one` one position against stored keys (sampling), with the same
arithmetic.
"""

import tensorflow as tf

__all__ = ['attend', 'attend_one']


def attend(queries, keys, values, num_heads):
  """Every position's attention over the positions before it.

  Args:
    queries: `[batch, length, num_heads * key_size]`.
    keys: `[batch, length, num_heads * key_size]`.
    values: `[batch, length, num_heads * value_size]`.
    num_heads: Python `int`.

  Returns:
    outputs: `[batch, length, num_heads * value_size]`.
  """
  length = tf.shape(queries)[1]
  queries, keys, values = [_heads(t, num_heads)
                           for t in (queries, keys, values)]
  logits = tf.einsum('bqhd,bkhd->bhqk', queries, keys) * _scale(queries)
  earlier = tf.linalg.band_part(tf.ones([length, length], tf.bool), -1, 0)
  earlier &= ~tf.eye(length, dtype=tf.bool)
  weights = _masked_softmax(logits, earlier)
  outputs = tf.einsum('bhqk,bkhd->bqhd', weights, values)
  return _merge_heads(outputs)


def attend_one(query, keys, values, position, num_heads):
  """The attention of one position over the stored positions before it.

  Args:
    query: `[batch, num_heads * key_size]`, at `position`.
    keys: `[length, batch, num_heads * key_size]`, of every position (those
      at and after `position` are ignored).
    values: `[length, batch, num_heads * value_size]`.
    position: int32 scalar.
    num_heads: Python `int`.

  Returns:
    output: `[batch, num_heads * value_size]`.
  """
  query = _heads(query, num_heads)  # [b, h, d]
  keys, values = _heads(keys, num_heads), _heads(values, num_heads)
  logits = tf.einsum('bhd,kbhd->bhk', query, keys) * _scale(query)
  earlier = tf.range(tf.shape(keys)[0]) < position
  weights = _masked_softmax(logits, earlier)
  return _merge_heads(tf.einsum('bhk,kbhd->bhd', weights, values))


def _masked_softmax(logits, allowed):
  """Softmax over the last axis where `allowed`, zeros elsewhere; a row with
  nothing allowed is all zeros."""
  logits = tf.where(allowed, logits, logits.dtype.min)
  return tf.nn.softmax(logits) * tf.cast(allowed, logits.dtype)


def _scale(queries):
  return tf.math.rsqrt(tf.cast(queries.shape[-1], queries.dtype))


def _heads(tensor, num_heads):
  """`[..., num_heads * size]` -> `[..., num_heads, size]`."""
  size = tensor.shape[-1] // num_heads
  return tf.reshape(tensor, tf.concat([tf.shape(tensor)[:-1],
                                       [num_heads, size]], 0))


def _merge_heads(tensor):
  return tf.reshape(tensor, tf.concat(
      [tf.shape(tensor)[:-2], [tensor.shape[-2] * tensor.shape[-1]]], 0))
