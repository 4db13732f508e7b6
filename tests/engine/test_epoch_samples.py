"""The samples drawn after each epoch: bounded, in batches, checked first."""

import os

import numpy as np
import pytest
import tensorflow as tf

from tests.conftest import one_line_error
from tests import tiny_configs
from tfp_pixel.engine import configs
from tfp_pixel.engine.kinds.images import generation
from tfp_pixel.engine.kinds.images import task as image_task


def test_an_epoch_grid_is_drawn_in_batches(monkeypatch):
  config = tiny_configs.categorical()
  dist = configs.build_model(config)
  monkeypatch.setattr(generation, 'batch_size', lambda shape: 3)
  drawn = []
  sample = type(dist).sample

  def recorded(self, n, **kwargs):
    drawn.append(n)
    return sample(self, n, **kwargs)

  monkeypatch.setattr(type(dist), 'sample', recorded)
  seed = tf.constant([4, 1], tf.int32)
  grid = image_task.ImageTask(config).sample_grid(dist, 7, seed, scale=1)
  assert drawn == [3, 3, 1]
  first = configs.events_to_images(sample(dist, 3, seed=seed), config)
  np.testing.assert_array_equal(grid[:8, :8], first[0])


def test_an_epoch_grid_too_large_is_refused_before_training(tmp_path, cli):
  error = one_line_error(cli([
      'train', '--levels', '4', '--filters', '4', '--blocks', '1',
      '--shape', '8x8x1', '--num-samples', '100000', '--run',
      str(tmp_path / 'run')]))
  assert error.startswith('Error: A PNG grid of 100000 images of 8x8')
  assert error.endswith('lower --num-samples or --scale.')
  assert not os.path.exists(tmp_path / 'run')


def test_too_many_epoch_texts_are_refused(tmp_path):
  from tfp_pixel.engine.kinds.texts import task as text_task  # pylint: disable=g-import-not-at-top
  task = text_task.TextTask(configs.make_config('text', vocabulary_size=20,
                                                max_length=100))
  task.check_samples(1000)
  with pytest.raises(ValueError, match='lower --num-samples'):
    task.check_samples(10**6)
