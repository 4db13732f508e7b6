"""Categorical models of more than 256 levels (the codes of a VQ-VAE): their
levels are embedded (`networks.level_inputs`), and every check that matters
still holds: exact normalization, causality within a pixel, the fast
samplers against the reference sampler, training and checkpoints."""

import itertools

import numpy as np
import pytest
import tensorflow as tf

import tfp_pixel
from tfp_pixel.sampling import reference

ARCHITECTURES = ('plain', 'gated', 'row_lstm', 'diagonal_bilstm')


def make_distribution(architecture, image_shape, num_levels, seed=1):
  """A tiny categorical model of `architecture`."""
  tf.random.set_seed(seed)
  channels = image_shape[-1]
  if architecture in ('plain', 'gated'):
    return tfp_pixel.CategoricalPixelCNN(
        image_shape, num_levels=num_levels, num_filters=8 * channels,
        num_residual_blocks=1, first_kernel_size=3, architecture=architecture)
  return tfp_pixel.PixelRNN(
      image_shape, num_levels=num_levels, architecture=architecture,
      num_layers=2, hidden_units=4 * channels, first_kernel_size=3)


def random_levels(image_shape, num_levels, n, seed=0):
  return np.random.RandomState(seed).randint(
      num_levels, size=(n,) + tuple(image_shape)).astype(np.int32)


@pytest.mark.parametrize('architecture', ARCHITECTURES)
def test_512_levels_sum_to_one_over_every_image(architecture):
  dist = make_distribution(architecture, (1, 2, 1), 512)
  log_prob = tf.function(dist.log_prob)
  levels = np.arange(512, dtype=np.int32)
  # All 512**2 images, 32768 at a time: row-major over (first, second).
  total = []
  for first in np.split(levels, 8):
    images = np.stack(np.meshgrid(first, levels, indexing='ij'), -1)
    total.append(log_prob(images.reshape(-1, 1, 2, 1)).numpy())
  total = np.concatenate(total).astype(np.float64)
  assert total.shape == (512**2,)
  np.testing.assert_allclose(np.exp(total).sum(), 1., rtol=1e-4)


@pytest.mark.parametrize('architecture', ARCHITECTURES)
@pytest.mark.parametrize('image_shape', [(3, 3, 1), (2, 2, 3)])
def test_the_fast_sampler_draws_what_the_reference_sampler_draws(
    architecture, image_shape):
  dist = make_distribution(architecture, image_shape, 300)
  assert dist.network.level_inputs.embedded
  for temperature in (1., .05):
    tempered = dist.copy(temperature=temperature)
    fast = tempered.sample(6, seed=(5, 6))
    full = reference.sample_categorical(tempered, 6, (5, 6))
    np.testing.assert_array_equal(fast, full, err_msg='T = {}'.format(
        temperature))
  assert fast.numpy().max() > 255


@pytest.mark.parametrize('architecture', ARCHITECTURES)
def test_a_channel_reads_only_the_channels_before_it(architecture):
  image_shape = (2, 2, 3)
  dist = make_distribution(architecture, image_shape, 300)
  levels = random_levels(image_shape, 300, 1)
  logits = dist.logits(levels).numpy()[0]
  row, col = 1, 0
  for channel in range(3):
    changed = levels.copy()
    changed[0, row, col, channel] = (levels[0, row, col, channel] + 150) % 300
    got = dist.logits(changed).numpy()[0]
    for i, j, c in itertools.product(range(2), range(2), range(3)):
      if (i, j, c) <= (row, col, channel):
        np.testing.assert_array_equal(got[i, j, c], logits[i, j, c],
                                      err_msg=str((channel, i, j, c)))
    # The next pixel reads it.
    assert not np.allclose(got[row, col + 1], logits[row, col + 1])


@pytest.mark.parametrize('architecture', ARCHITECTURES)
def test_levels_above_256_are_embedded_and_trained(architecture, tmp_path):
  image_shape = (2, 2, 1)
  plain = make_distribution(architecture, image_shape, 256)
  assert not plain.network.level_inputs.embedded
  assert not any('embedding' in v.name for v in plain.trainable_variables)
  dist = make_distribution(architecture, image_shape, 300)
  embedding = dist.network.level_inputs.embedding
  assert embedding.shape == (1, 300, 32)
  assert any(v is embedding for v in dist.trainable_variables)
  # The embedding is the one variable more; the first layer reads 32
  # features instead of one.
  assert len(dist.trainable_variables) == len(plain.trainable_variables) + 1
  levels = random_levels(image_shape, 300, 8)
  with tf.GradientTape() as tape:
    loss = -tf.reduce_mean(dist.log_prob(levels))
  grads = tape.gradient(loss, dist.trainable_variables)
  grad = tf.convert_to_tensor(grads[[v is embedding for v in
                                     dist.trainable_variables].index(True)])
  # The levels the images hold before their last pixel (which no logits
  # read) get a gradient, the others none.
  used = np.zeros(300, bool)
  used[levels.reshape(8, -1)[:, :-1].ravel()] = True
  nonzero = np.any(grad.numpy()[0] != 0., axis=-1)
  np.testing.assert_array_equal(nonzero, used)
  for variable, g in zip(dist.trainable_variables, grads):
    variable.assign_sub(.05 * tf.convert_to_tensor(g))
  after = dist.log_prob(levels).numpy()
  assert after.mean() > -loss.numpy()

  path = tf.train.Checkpoint(model=dist).write(str(tmp_path / 'ckpt'))
  restored = make_distribution(architecture, image_shape, 300, seed=2)
  assert not np.allclose(restored.log_prob(levels), after)
  tf.train.Checkpoint(model=restored).read(path).assert_consumed()
  np.testing.assert_allclose(restored.log_prob(levels), after, rtol=1e-5)
  np.testing.assert_array_equal(restored.network.level_inputs.embedding,
                                embedding)
