"""Exact sampling of token sequences, one model step per token.

The loop of a KerasHub sampler with a recurrent model: it carries the model's
state (for an RNN, the cells' state) and asks the model only for the logits of
the next token given the token just drawn, so drawing `T` tokens costs `T`
steps instead of the `T` passes over ever longer texts of a generator that
re-runs the whole model for every token.

#### Mathematical details

With `logits[t]` the (tempered, masked) logits of step `t` given the tokens
before it, and `seed[t]` the `t`-th of `max_length` seeds split from `seed`:

```none
x[t] = F_t^-1(u[t])   until x[t] == end
x[t] = padding        after it
```

where `F_t` is the CDF of `Categorical(logits[t])` and `u[t]` uniforms drawn
from `seed[t]`, so the sequences follow the model exactly and are a
deterministic function of `seed`, the same compiled with XLA or not. The loop is
plain tensors and one `tf.while_loop` (no `TensorArray`), so it compiles with
XLA (`tf.function(jit_compile=True)`); it stops early once every sequence has
ended.
"""

import tensorflow as tf
import tensorflow_probability as tfp

from tfp_pixel.sampling import inverse_cdf

__all__ = ['draw_sequences']


def draw_sequences(next_logits, logits, state, max_length, seed, end_token,
                   padding_token):
  """Draws token sequences one step at a time, carrying the model's state.

  Args:
    next_logits: callable `(tokens, state) -> (logits, state)`: one model step
      for int32 `tokens` `[batch]` drawn last, returning the float logits
      `[batch, vocabulary_size]` of the next token and the new state.
    logits: float `[batch, vocabulary_size]`, the logits of the first token.
    state: the model's state after its inputs so far (any nest of tensors of
      fixed shapes).
    max_length: Python `int`, tokens per sequence.
    seed: a stateless seed, int `[2]` (see `tfp.random.sanitize_seed`).
    end_token: Python `int`, the token that ends a sequence.
    padding_token: Python `int`, the token after the end.

  Returns:
    tokens: int32 `[batch, max_length]`.
  """
  # `n` as a tensor: one `[max_length, 2]` tensor rather than a tuple of
  # `max_length` seeds, which the loop body would stack again at every step.
  step_seeds = tfp.random.split_seed(
      seed, n=tf.constant(max_length, tf.int32), salt='draw_sequences')
  batch_size = tf.shape(logits)[0]
  # Steps first, [max_length, batch]: a step is one row of a scatter.
  tokens = tf.fill(tf.stack([max_length, batch_size]),
                   tf.constant(padding_token, tf.int32))
  ended = tf.zeros([batch_size], tf.bool)

  def unfinished(step, unused_logits, unused_state, ended, unused_tokens):
    return tf.logical_and(step < max_length,
                          tf.logical_not(tf.reduce_all(ended)))

  def draw_step(step, logits, state, ended, tokens):
    uniform = inverse_cdf.portable_uniform(
        [batch_size], tf.gather(step_seeds, step), logits.dtype)
    drawn = inverse_cdf.categorical_from_uniform(logits, uniform)
    drawn = tf.where(ended, padding_token, drawn)
    tokens = tf.tensor_scatter_nd_update(tokens, [[step]], drawn[tf.newaxis])
    ended = tf.logical_or(ended, tf.equal(drawn, end_token))
    logits, state = next_logits(drawn, state)
    return step + 1, logits, state, ended, tokens

  _, _, _, _, tokens = tf.while_loop(
      unfinished, draw_step, (tf.constant(0), logits, state, ended, tokens))
  return tf.transpose(tokens)

