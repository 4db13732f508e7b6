"""Image grids: tiles drawn larger, each pixel a crisp square."""

import numpy as np
import pytest

from tfp_pixel.engine import grids


@pytest.mark.parametrize('size, scale', [(8, 8), (28, 3), (32, 2), (63, 2),
                                         (64, 1), (100, 1)])
def test_default_scale_makes_tiles_of_at_least_64_pixels(size, scale):
  assert grids.default_scale(size, size // 2) == scale


def test_grid_scales_every_pixel_and_keeps_one_pixel_gaps():
  images = np.arange(2 * 2 * 3 * 1, dtype=np.uint8).reshape([2, 2, 3, 1])
  grid = grids.image_grid(images, num_columns=2, scale=2)
  assert grid.shape == (4, 2 * 6 + 1, 1)
  np.testing.assert_array_equal(grid[:, :6, 0],
                                np.kron(images[0, ..., 0], np.ones([2, 2])))
  np.testing.assert_array_equal(grid[:, 6], 0)
  np.testing.assert_array_equal(grid[:, 7:, 0],
                                np.kron(images[1, ..., 0], np.ones([2, 2])))


def test_default_grid_of_8x8_images_has_64_pixel_tiles():
  grid = grids.image_grid(np.zeros([4, 8, 8, 1], np.uint8))
  assert grid.shape == (2 * 64 + 1, 2 * 64 + 1, 1)


@pytest.mark.parametrize('scale', [0, 1.5, True])
def test_a_bad_scale_is_refused(scale):
  with pytest.raises(ValueError, match='scale'):
    grids.image_grid(np.zeros([1, 8, 8, 1], np.uint8), scale=scale)


def test_arrays_keep_the_raw_images(tmp_path):
  images = np.random.default_rng(0).integers(0, 256, [3, 8, 8, 1], np.uint8)
  grids.save_images(images, tmp_path / 'x.npy', scale=4)
  np.testing.assert_array_equal(np.load(tmp_path / 'x.npy'), images)
