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


@pytest.mark.parametrize('convert', [
    lambda: tfp_pixel.quantize([0], 257),
    lambda: tfp_pixel.dequantize([0], 257),
    lambda: tfp_pixel.bin_widths(300)])
def test_8bit_conversions_take_at_most_256_levels(convert):
  with pytest.raises(ValueError, match=r'8-bit .*`num_levels` in \[2, 256\]'):
    convert()


def test_models_take_up_to_2_to_the_16_levels():
  assert quantization.MAX_LEVELS == 2**16
  assert quantization.check_num_levels(np.int64(2**16)) == 2**16
  assert quantization.check_num_levels(257) == 257
  for bad in (1, 2**16 + 1, 300., True):
    with pytest.raises(ValueError, match=r'`num_levels` must be an integer '
                                         r'in \[2, 65536\]'):
      quantization.check_num_levels(bad)


@pytest.mark.parametrize('low, high', [(0, 0), (0, 2**16), (0., 3),
                                       (0, True)])
def test_bad_value_range(low, high):
  with pytest.raises(ValueError, match='`low` and `high`'):
    quantization.check_value_range(low, high)


def test_value_range_of_2_to_2_to_the_16_levels():
  assert quantization.check_value_range(np.int64(0), 255) == (0, 255)
  assert quantization.check_value_range(0, 2**16 - 1) == (0, 2**16 - 1)
  assert quantization.check_value_range(-1, 0) == (-1, 0)
