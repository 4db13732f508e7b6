"""The VQ-VAE vector quantizer: nearest codes, straight-through gradients,
the commitment loss and the moving-average codebook, against hand
computations."""

import numpy as np
import pytest
import tensorflow as tf

from tfp_pixel.networks import vector_quantizer

_CODEBOOK = np.array([[0., 0.], [1., 0.], [0., 2.]], np.float32)
# Two examples of two positions: nearest codes 0, 1 | 2, 1.
_INPUTS = np.array([[[0.1, -0.2], [0.8, 0.1]],
                    [[0.3, 1.5], [1.2, 0.4]]], np.float32)
_CODES = np.array([[0, 1], [2, 1]])


def _quantizer(codebook=_CODEBOOK, **kwargs):
  quantizer = vector_quantizer.VectorQuantizer(*codebook.shape, **kwargs)
  quantizer.codebook.assign(codebook)
  return quantizer


def test_nearest_codes_and_commitment_loss_by_hand():
  quantized, codes, commitment = _quantizer(commitment=0.25)(_INPUTS)
  np.testing.assert_array_equal(codes, _CODES)
  assert codes.dtype == tf.int32
  np.testing.assert_allclose(quantized, _CODEBOOK[_CODES], atol=1e-6)
  # 0.25 * (0.01 + 0.04 + 0.04 + 0.01), 0.25 * (0.09 + 0.25 + 0.04 + 0.16).
  np.testing.assert_allclose(commitment, [0.025, 0.135], rtol=1e-5)


def test_nearest_codes_match_brute_force():
  rng = np.random.default_rng(1)
  codebook = rng.normal(size=(37, 5)).astype(np.float32)
  inputs = rng.normal(size=(4, 6, 6, 5)).astype(np.float32)
  _, codes, _ = _quantizer(codebook)(inputs)
  distances = np.sum((inputs[..., None, :] - codebook) ** 2, axis=-1)
  np.testing.assert_array_equal(codes, np.argmin(distances, axis=-1))


def test_gradient_passes_straight_through():
  quantizer = _quantizer(commitment=0.25)
  inputs = tf.constant(_INPUTS)
  weights = tf.constant(np.arange(8.).reshape(_INPUTS.shape), tf.float32)
  with tf.GradientTape(persistent=True) as tape:
    tape.watch(inputs)
    quantized, _, commitment = quantizer(inputs)
    loss = tf.reduce_sum(weights * tf.square(quantized))
    total_commitment = tf.reduce_sum(commitment)
  to_inputs, to_quantized = tape.gradient(loss, [inputs, quantized])
  np.testing.assert_allclose(to_quantized, 2. * weights * _CODEBOOK[_CODES])
  np.testing.assert_allclose(to_inputs, to_quantized)
  # The commitment loss pulls the inputs only: 2 * 0.25 * (z - e).
  np.testing.assert_allclose(
      tape.gradient(total_commitment, inputs),
      0.5 * (_INPUTS - _CODEBOOK[_CODES]), rtol=1e-5, atol=1e-7)
  assert not quantizer.trainable_variables


def _ema_reference(counts, sums, inputs, codebook, decay, epsilon):
  """One moving-average step in numpy (no re-seeding)."""
  flat = inputs.reshape(-1, codebook.shape[1]).astype(np.float64)
  codes = np.argmin(((flat[:, None] - codebook) ** 2).sum(-1), axis=1)
  one_hot = np.eye(len(codebook))[codes]
  counts = decay * counts + (1. - decay) * one_hot.sum(0)
  sums = decay * sums + (1. - decay) * one_hot.T @ flat
  total = counts.sum()
  smoothed = (counts + epsilon) / (total + len(counts) * epsilon) * total
  return counts, sums, sums / smoothed[:, None]


def test_moving_averages_after_one_and_two_steps_by_hand():
  decay, epsilon = 0.5, 1e-2
  quantizer = _quantizer(ema_decay=decay, epsilon=epsilon,
                         dead_threshold=0.1)
  counts = np.array([2., 3., 1.])
  sums = _CODEBOOK * counts[:, None]
  quantizer.ema_counts.assign(counts)
  quantizer.ema_sums.assign(sums)
  codebook = _CODEBOOK.astype(np.float64)
  second_inputs = _INPUTS[:, :1] + 0.05  # Codes 0 and 2; code 1 decays.
  for inputs in (_INPUTS, second_inputs):
    counts, sums, codebook = _ema_reference(counts, sums, inputs, codebook,
                                            decay, epsilon)
    quantizer(inputs, training=True)
    np.testing.assert_allclose(quantizer.ema_counts, counts, rtol=1e-6)
    np.testing.assert_allclose(quantizer.ema_sums, sums, rtol=1e-6,
                               atol=1e-7)
    np.testing.assert_allclose(quantizer.codebook, codebook, rtol=1e-5,
                               atol=1e-7)
  np.testing.assert_array_equal(quantizer.batch_counts, [1., 0., 1.])
  assert quantizer.codes_in_use() == 2


def test_inference_leaves_the_codebook_alone():
  quantizer = _quantizer()
  quantizer(_INPUTS)
  np.testing.assert_array_equal(quantizer.codebook, _CODEBOOK)
  assert quantizer.codes_in_use() == 0


def test_a_dead_code_is_reseeded_from_the_batch_under_xla():
  # Code 2 is far from every input: its count falls below 1 at once.
  codebook = _CODEBOOK.copy()
  codebook[2] = [50., 50.]
  quantizer = _quantizer(codebook)
  inputs = tf.constant(_INPUTS[:, :1])  # Codes 0 and 0: code 1 dies too.
  tf.function(lambda x: quantizer(x, training=True)[1],
              jit_compile=True)(inputs)
  rows = _INPUTS[:, 0]
  for code in (1, 2):
    assert np.any(np.all(np.isclose(quantizer.codebook[code], rows), -1))
  np.testing.assert_allclose(quantizer.ema_counts, [1.01, 1., 1.],
                             rtol=1e-6)
  np.testing.assert_allclose(quantizer.ema_sums[1:],
                             quantizer.codebook[1:])
  assert quantizer.codes_in_use() == 1
  assert int(quantizer.step) == 1


def test_reseeding_draws_differ_from_step_to_step():
  quantizer = _quantizer(dead_threshold=1e6)  # Every code dies every step.
  inputs = np.random.default_rng(2).normal(size=(64, 2)).astype(np.float32)
  draws = []
  for _ in range(3):
    quantizer(inputs, training=True)
    draws.append(quantizer.codebook.numpy().copy())
  assert not np.array_equal(draws[0], draws[1])
  assert not np.array_equal(draws[1], draws[2])


@pytest.mark.parametrize('kwargs, match', [
    (dict(num_codes=1), 'num_codes'),
    (dict(code_dim=0), 'code_dim'),
    (dict(commitment=-1.), 'commitment'),
    (dict(ema_decay=1.), 'ema_decay'),
    (dict(epsilon=0.), 'epsilon'),
    (dict(dead_threshold=0.), 'dead_threshold'),
])
def test_bad_arguments_raise_one_line(kwargs, match):
  arguments = dict(num_codes=3, code_dim=2)
  arguments.update(kwargs)
  with pytest.raises(ValueError, match=match) as error:
    vector_quantizer.VectorQuantizer(**arguments)
  assert '\n' not in str(error.value)
