"""Image grids: tiles drawn larger, each pixel a crisp square."""

import os

import numpy as np
import pytest

from tfp_pixel.engine.kinds.images import grids


@pytest.mark.parametrize('size, scale', [(8, 8), (28, 3), (32, 2), (63, 2),
                                         (64, 1), (100, 1)])
def test_default_scale_makes_tiles_of_at_least_64_pixels(size, scale):
  assert grids.default_scale(size, size // 2) == scale


def test_grid_scales_every_pixel_and_keeps_two_pixel_gaps():
  images = np.arange(2 * 2 * 3 * 1, dtype=np.uint8).reshape([2, 2, 3, 1])
  grid = grids.image_grid(images, num_columns=2, scale=2)
  assert grid.shape == (4, 2 * 6 + 2, 1)
  np.testing.assert_array_equal(grid[:, :6, 0],
                                np.kron(images[0, ..., 0], np.ones([2, 2])))
  np.testing.assert_array_equal(grid[:, 6:8], 224)
  np.testing.assert_array_equal(grid[:, 8:, 0],
                                np.kron(images[1, ..., 0], np.ones([2, 2])))


def test_default_grid_of_8x8_images_has_64_pixel_tiles():
  grid = grids.image_grid(np.zeros([4, 8, 8, 1], np.uint8))
  assert grid.shape == (2 * 64 + 2, 2 * 64 + 2, 1)
  assert grids.grid_shape(4, (8, 8, 1)) == grid.shape


@pytest.mark.parametrize('background, gap', [(0, 224), (60, 224), (255, 32),
                                             (200, 32)])
def test_gaps_contrast_with_the_images_borders(background, gap):
  # Digits on black (a dark border) get light gaps, light images dark ones:
  # a 2-pixel line that never has the border's colour.
  images = np.full([6, 8, 8, 3], background, np.uint8)
  images[:, 2:6, 2:6] = 255 - background
  grid = grids.image_grid(images, num_columns=3, scale=1)
  assert grid.shape == (2 * 8 + 2, 3 * 8 + 2 * 2, 3)
  for gaps in (grid[8:10], grid[:, 8:10], grid[:, 18:20]):
    np.testing.assert_array_equal(gaps, gap)


def test_a_grid_too_large_is_refused_before_it_is_drawn(monkeypatch):
  from tfp_pixel import bounds  # pylint: disable=g-import-not-at-top
  monkeypatch.setattr(bounds, 'MAX_GRID_PIXELS', 100 * 100)
  grids.check_grid(4, (8, 8, 1), scale=5)  # 2 x 2 tiles of 40: 82 x 82.
  with pytest.raises(ValueError) as error:
    grids.check_grid(9, (8, 8, 1), scale=5)
  assert str(error.value).startswith(
      'A PNG grid of 9 images of 8x8 at scale 5 would be 124x124 (15376 '
      'pixels, 15 KiB)')
  with pytest.raises(ValueError, match='124x124'):
    grids.image_grid(np.zeros([9, 8, 8, 1], np.uint8), scale=5)


def test_a_huge_scale_is_refused_in_one_line():
  with pytest.raises(ValueError, match='scale 100000 would be') as error:
    grids.image_grid(np.zeros([4, 8, 8, 1], np.uint8), scale=100000)
  assert '\n' not in str(error.value)


def test_npy_output_streams_batches_after_its_header(tmp_path):
  batches = [np.full([3, 2, 2, 1], i, np.uint8) for i in range(3)]
  grids.write_npy(tmp_path / 'x.npy', iter(batches), 9, (2, 2, 1))
  np.testing.assert_array_equal(np.load(tmp_path / 'x.npy'),
                                np.concatenate(batches))
  with pytest.raises(ValueError, match='6 images written of 9'):
    grids.write_npy(tmp_path / 'y.npy', batches[:2], 9, (2, 2, 1))
  assert sorted(os.listdir(tmp_path)) == ['x.npy']


def test_check_output_names_a_missing_folder_and_the_disk_needed(tmp_path):
  with pytest.raises(FileNotFoundError) as error:
    grids.check_output(tmp_path / 'nodir' / 'a.png', 4, (8, 8, 1))
  assert str(error.value) == '{}: no such folder (to write {}).'.format(
      tmp_path / 'nodir', tmp_path / 'nodir' / 'a.png')
  with pytest.raises(OSError, match=r'need 5\.82 TiB on disk'):
    grids.check_output(tmp_path / 'a.npy', 10**11, (8, 8, 1))
  grids.check_output(tmp_path / 'a.npy', 10**4, (8, 8, 1))


@pytest.mark.parametrize('scale', [0, 1.5, True])
def test_a_bad_scale_is_refused(scale):
  with pytest.raises(ValueError, match='scale'):
    grids.image_grid(np.zeros([1, 8, 8, 1], np.uint8), scale=scale)


def test_arrays_keep_the_raw_images(tmp_path):
  images = np.random.default_rng(0).integers(0, 256, [3, 8, 8, 1], np.uint8)
  grids.save_images(images, tmp_path / 'x.npy', scale=4)
  np.testing.assert_array_equal(np.load(tmp_path / 'x.npy'), images)
