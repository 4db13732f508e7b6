"""LevelInputs: scaled levels up to 256, one embedding table per channel
above."""

import numpy as np
import pytest
import tensorflow as tf

from tfp_pixel import quantization
from tfp_pixel.families import model_size
from tfp_pixel.networks import level_inputs


def test_up_to_256_levels_are_scaled_onto_the_unit_interval():
  inputs = level_inputs.LevelInputs(256, channels=3)
  levels = np.array([[[0, 128, 255]], [[7, 0, 1]]])
  assert not inputs.embedded and not inputs.variables
  assert inputs.num_features == 3
  np.testing.assert_array_equal(
      inputs(levels), quantization.levels_to_unit_interval(levels, 256))


def test_above_256_levels_each_channel_has_its_own_table():
  tf.random.set_seed(0)
  inputs = level_inputs.LevelInputs(300, channels=3, embedding_size=4)
  assert inputs.embedded and inputs.features_per_channel == 4
  assert inputs.num_features == 12
  assert inputs.embedding.shape == (3, 300, 4)
  levels = np.array([[[0, 299, 150], [299, 0, 150]]])
  got = inputs(levels).numpy()
  assert got.shape == (1, 2, 12)
  table = inputs.embedding.numpy()
  for pixel in range(2):
    for channel in range(3):
      np.testing.assert_array_equal(
          got[0, pixel, 4 * channel:4 * channel + 4],
          table[channel, levels[0, pixel, channel]])
  # Level 150 of the blue channel is not level 150 of another channel.
  assert not np.allclose(table[2, 150], table[1, 150])


def test_the_default_embedding_size_is_the_size_estimates():
  inputs = level_inputs.LevelInputs(257, channels=2)
  assert inputs.features_per_channel == level_inputs.DEFAULT_EMBEDDING_SIZE
  assert (level_inputs.EMBEDDING_THRESHOLD,
          level_inputs.DEFAULT_EMBEDDING_SIZE) == (
              model_size.EMBEDDING_THRESHOLD, model_size.EMBEDDING_SIZE)
  assert model_size.level_inputs_size(2, 257) == (
      int(np.prod(inputs.embedding.shape)), inputs.num_features)
  assert model_size.level_inputs_size(2, 256) == (0, 2)


@pytest.mark.parametrize('num_levels', [1, 2**16 + 1, 300.])
def test_levels_out_of_range_are_refused(num_levels):
  with pytest.raises(ValueError, match='num_levels'):
    level_inputs.LevelInputs(num_levels, channels=1)


@pytest.mark.parametrize('size', [0, 2.5])
def test_an_embedding_size_must_be_a_positive_integer(size):
  with pytest.raises(ValueError, match='embedding_size'):
    level_inputs.LevelInputs(300, channels=1, embedding_size=size)
