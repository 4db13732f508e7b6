"""The vector quantizer of VQ-VAE (van den Oord et al., 2017), with the
codebook learned by exponential moving averages (the paper's appendix).

Each input vector `z` (the last axis) is replaced by its nearest code
`e_k`, `k = argmin_j ||z - e_j||`. Gradients pass straight through the
quantization (`z + stop_gradient(e_k - z)`), and the encoder is pulled
towards its codes by the commitment loss
`commitment * ||z - stop_gradient(e_k)||^2`. The codebook is no trainable
variable: a training call moves it with exponential moving averages, at
decay `g`, of each code's count `N_k` and of the sum `m_k` of the vectors
it was assigned,

```none
N_k <- g N_k + (1 - g) n_k,     m_k <- g m_k + (1 - g) sum_{z -> k} z,
e_k <- m_k / N'_k,              N'_k = (N_k + eps) / (N + K eps) * N,
```

where `n_k` is the code's count in the batch, `N = sum_k N_k` and `N'_k`
the count with Laplace smoothing (a code never hit keeps a nonzero count).
Then every code whose `N_k` fell below `dead_threshold` (a code used less
than that many times per batch, on average) is re-seeded: it takes one of
the batch's input vectors, drawn at random, as its vector and
`dead_threshold` as its count. The draws are stateless, seeded by a seed
and a step counter kept in variables, so that training calls work inside
`tf.function` and under XLA (`jit_compile=True`). Under a
`tf.distribute` strategy with several replicas the batch counts and sums are
summed over the replicas, and the first replica's update is kept.
"""

import numpy as np
import tensorflow as tf

from tfp_pixel import shapes

__all__ = ['VectorQuantizer']


class VectorQuantizer(tf.Module):
  """A codebook of `num_codes` vectors of `code_dim`, updated by moving
  averages (see the module docstring).

  Attributes:
    num_codes: Python `int`, codes `K`.
    code_dim: Python `int`, the size `D` of a code's vector.
    commitment: Python `float`, the commitment loss's weight.
    ema_decay: Python `float`, the moving averages' decay.
    epsilon: Python `float`, the Laplace smoothing of the counts.
    dead_threshold: Python `float`, the count per batch below which a code
      is re-seeded.
    codebook: non-trainable `tf.Variable` `[K, D]`.
    ema_counts: non-trainable `tf.Variable` `[K]`, the counts `N_k` (each
      starts at `dead_threshold`).
    ema_sums: non-trainable `tf.Variable` `[K, D]`, the sums `m_k` (each
      starts at its code's vector times its count).
    batch_counts: non-trainable `tf.Variable` `[K]`, each code's count in
      the last training batch (zeros before the first).
  """

  def __init__(self, num_codes, code_dim, commitment=0.25, ema_decay=0.99,
               epsilon=1e-5, dtype=tf.float32, dead_threshold=1., name=None):
    """Creates the codebook and the moving averages.

    Args:
      num_codes: Python `int`, codes `K`, at least 2.
      code_dim: Python `int`, the size `D` of a code's vector.
      commitment: non-negative Python `float`, the commitment loss's weight.
      ema_decay: Python `float` in `[0, 1)`, the moving averages' decay.
      epsilon: positive Python `float`, the Laplace smoothing of the counts.
      dtype: float `tf.DType` of the codebook and of the inputs.
      dead_threshold: positive Python `float`, the moving average of a
        code's count per batch below which a training call re-seeds it.
      name: Python `str` name of the module.

    Raises:
      ValueError: for an argument out of its range (one line).
    """
    super().__init__(name=name)
    self.num_codes = shapes.check_size(num_codes, 'num_codes', minimum=2)
    self.code_dim = shapes.check_size(code_dim, 'code_dim')
    _check_range(commitment, 'commitment', 0., np.inf, 'non-negative')
    _check_range(ema_decay, 'ema_decay', 0., 1., 'in [0, 1)',
                 open_high=True)
    _check_range(epsilon, 'epsilon', 0., np.inf, 'positive', open_low=True)
    _check_range(dead_threshold, 'dead_threshold', 0., np.inf, 'positive',
                 open_low=True)
    self.commitment = float(commitment)
    self.ema_decay = float(ema_decay)
    self.epsilon = float(epsilon)
    self.dead_threshold = float(dead_threshold)
    self.dtype = tf.as_dtype(dtype)
    shape = [self.num_codes, self.code_dim]
    # Vectors of norm about 1; a training call soon re-seeds the codes that
    # no input is near.
    limit = np.sqrt(3. / self.code_dim)
    codebook = tf.random.uniform(shape, -limit, limit, dtype=self.dtype)
    state = dict(trainable=False,
                 synchronization=tf.VariableSynchronization.ON_WRITE,
                 aggregation=tf.VariableAggregation.ONLY_FIRST_REPLICA)
    self.codebook = tf.Variable(codebook, name='codebook', **state)
    self.ema_counts = tf.Variable(
        tf.fill([self.num_codes], tf.cast(self.dead_threshold, self.dtype)),
        name='ema_counts', **state)
    self.ema_sums = tf.Variable(codebook * self.dead_threshold,
                                name='ema_sums', **state)
    self.batch_counts = tf.Variable(tf.zeros([self.num_codes], self.dtype),
                                    name='batch_counts', **state)
    self.seed = tf.Variable(
        tf.random.uniform([], maxval=2**31 - 1, dtype=tf.int64),
        name='seed', **state)
    self.step = tf.Variable(tf.constant(0, tf.int64), name='step', **state)

  def __call__(self, inputs, training=False):
    """Quantizes `inputs` to their nearest codes.

    Args:
      inputs: float `Tensor` `[N, ..., D]`; the first axis indexes examples.
      training: Python `bool`; `True` updates the codebook from the batch
        (after quantizing it with the codebook as it was).

    Returns:
      quantized: `[N, ..., D]`, the codes' vectors, whose gradient passes
        straight through to `inputs`.
      codes: int32 `[N, ...]`, the nearest codes.
      commitment_loss: `[N]`, `commitment * ||inputs - quantized||^2` with the
        gradient to `inputs` only, summed over each example's positions and
        dimensions.
    """
    inputs = tf.convert_to_tensor(inputs, self.dtype)
    if inputs.shape.rank is not None and inputs.shape.rank < 2:
      raise ValueError('inputs must have shape [N, ..., {}], got {}.'.format(
          self.code_dim, inputs.shape.as_list()))
    flat = tf.reshape(inputs, [-1, self.code_dim])
    flat_codes = self.nearest(flat)
    codes = tf.reshape(flat_codes, tf.shape(inputs)[:-1])
    vectors = self.lookup(codes)
    if training:
      self._update(tf.stop_gradient(flat), flat_codes)
    quantized = inputs + tf.stop_gradient(vectors - inputs)
    errors = tf.square(inputs - tf.stop_gradient(vectors))
    commitment_loss = self.commitment * tf.reduce_sum(
        tf.reshape(errors, [tf.shape(inputs)[0], -1]), axis=1)
    return quantized, codes, commitment_loss

  def nearest(self, vectors):
    """The nearest code of each of `vectors` `[n, D]`, int32 `[n]` (the
    lowest code among equally near ones)."""
    codebook = tf.convert_to_tensor(self.codebook)
    distances = (
        tf.reduce_sum(tf.square(vectors), 1, keepdims=True) -
        2. * tf.matmul(vectors, codebook, transpose_b=True) +
        tf.reduce_sum(tf.square(codebook), 1))
    return tf.argmin(distances, axis=1, output_type=tf.int32)

  def lookup(self, codes):
    """The vectors `[..., D]` of int `codes` `[...]`."""
    return tf.gather(self.codebook, codes)

  def codes_in_use(self):
    """int32 scalar: the codes hit in the last training batch (0 before the
    first training call); the count of a code missing from it falls towards
    `dead_threshold`, below which the code is re-seeded."""
    return tf.math.count_nonzero(self.batch_counts > 0., dtype=tf.int32)

  def _update(self, flat, codes):
    """One moving-average step from `flat` `[n, D]` and its `codes` `[n]`,
    then re-seeds the dead codes."""
    one_hot = tf.one_hot(codes, self.num_codes, dtype=self.dtype)
    counts = tf.reduce_sum(one_hot, axis=0)
    sums = tf.matmul(one_hot, flat, transpose_a=True)
    context = tf.distribute.get_replica_context()
    if context is not None and context.num_replicas_in_sync > 1:
      counts, sums = context.all_reduce(tf.distribute.ReduceOp.SUM,
                                        [counts, sums])
    rate = 1. - self.ema_decay
    ema_counts = self.ema_counts + rate * (counts - self.ema_counts)
    ema_sums = self.ema_sums + rate * (sums - self.ema_sums)
    total = tf.reduce_sum(ema_counts)
    smoothed = ((ema_counts + self.epsilon) /
                (total + self.num_codes * self.epsilon) * total)
    codebook = ema_sums / smoothed[:, tf.newaxis]
    dead = ema_counts < self.dead_threshold
    picks = tf.random.stateless_uniform(
        [self.num_codes], seed=tf.stack([self.seed, self.step]), minval=0,
        maxval=tf.shape(flat)[0], dtype=tf.int32)
    seeds = tf.gather(flat, picks)
    threshold = tf.cast(self.dead_threshold, self.dtype)
    self.codebook.assign(tf.where(dead[:, tf.newaxis], seeds, codebook))
    self.ema_sums.assign(tf.where(dead[:, tf.newaxis], seeds * threshold,
                                  ema_sums))
    self.ema_counts.assign(tf.where(dead, threshold, ema_counts))
    self.batch_counts.assign(counts)
    self.step.assign_add(1)


def _check_range(value, name, low, high, wording, open_low=False,
                 open_high=False):
  """Raises a one-line `ValueError` unless `value` is a number in the range
  (`wording` says which)."""
  ok = (isinstance(value, (int, float, np.integer, np.floating)) and
        not isinstance(value, bool) and
        (value > low if open_low else value >= low) and
        (value < high if open_high else value <= high))
  if not ok:
    raise ValueError('`{}` must be {}, got {!r}.'.format(name, wording, value))
