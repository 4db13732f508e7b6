"""Shared fixtures: tiny real images and tiny model configurations."""

import numpy as np
import pytest

from tfp_pixel import data
from tfp_pixel import models


@pytest.fixture(scope='session')
def digits():
  """64 real 8x8x1 uint8 digit images (scikit-learn's, offline)."""
  return data.load_images(shape=(8, 8, 1), max_images=64).images


@pytest.fixture
def categorical_config():
  return models.make_config('categorical', (8, 8, 1), num_levels=4,
                            num_filters=4, num_residual_blocks=1)


@pytest.fixture
def mixture_config():
  return models.make_config('pixelcnn', (8, 8, 1), num_filters=4,
                            num_hierarchies=1, num_logistic_mix=2,
                            dropout_p=0.)


def unshuffled(images, batch_size):
  """A deterministic dataset of uint8 batches (no shuffling)."""
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  return tf.data.Dataset.from_tensor_slices(
      np.asarray(images, np.uint8)).batch(batch_size)
