"""Quantization helpers: 8-bit values to levels and back."""

import numpy as np
import pytest

import tfp_pixel
from tfp_pixel import quantization


@pytest.mark.parametrize('num_levels', [2, 3, 4, 7, 16, 100, 255, 256])
def test_quantize_inverts_dequantize(num_levels):
  levels = np.arange(num_levels)
  values = tfp_pixel.dequantize(levels, num_levels).numpy()
  assert values[0] == 0 and values[-1] == 255
  np.testing.assert_array_equal(
      tfp_pixel.quantize(values, num_levels), levels)


@pytest.mark.parametrize('num_levels', [2, 3, 4, 256])
def test_quantize_covers_all_8bit_values_in_order(num_levels):
  levels = tfp_pixel.quantize(np.arange(256), num_levels).numpy()
  assert levels.min() == 0 and levels.max() == num_levels - 1
  assert np.all(np.diff(levels) >= 0)
  np.testing.assert_array_equal(np.bincount(levels),
                                tfp_pixel.bin_widths(num_levels))
  assert tfp_pixel.bin_widths(num_levels).sum() == 256


def test_quantize_accepts_floats_and_clips():
  np.testing.assert_array_equal(
      tfp_pixel.quantize(np.array([-3., 127.6, 300.]), 2), [0, 1, 1])


def test_bad_num_levels():
  with pytest.raises(ValueError, match='num_levels'):
    tfp_pixel.quantize([0], 257)


@pytest.mark.parametrize('low, high', [(0, 0), (0, 256), (0., 3), (0, True)])
def test_bad_value_range(low, high):
  with pytest.raises(ValueError, match='`low` and `high`'):
    quantization.check_value_range(low, high)


def test_value_range_of_2_to_256_levels():
  assert quantization.check_value_range(np.int64(0), 255) == (0, 255)
  assert quantization.check_value_range(-1, 0) == (-1, 0)
