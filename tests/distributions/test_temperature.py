"""The one rule of `temperature`, for numbers and for tensors."""

import numpy as np
import pytest
import tensorflow as tf

import tfp_pixel
from tfp_pixel.distributions import temperature


@pytest.mark.parametrize('value', [1, .5, np.float32(2.), np.array(3.)])
def test_positive_finite_numbers_are_python_floats(value):
  checked = temperature.check_temperature(value)
  assert type(checked) is float and checked == float(value)


@pytest.mark.parametrize('value', [
    -1., 0, float('nan'), float('inf'), 'hot', None, True, [1., 2.],
    np.array([1., 2.])])
def test_anything_else_is_a_one_line_value_error(value):
  with pytest.raises(ValueError, match='`temperature` must be') as error:
    temperature.check_temperature(value)
  assert '\n' not in str(error.value)


def _tiny_model(temperature_value, validate_args=False):
  return tfp_pixel.CategoricalPixelCNN(
      (2, 2, 1), num_levels=2, num_filters=2, num_residual_blocks=1,
      first_kernel_size=3, temperature=temperature_value,
      validate_args=validate_args)


def test_a_constant_tensor_is_checked_at_construction():
  with pytest.raises(ValueError, match='got -1.0'):
    _tiny_model(tf.constant(-1.))
  with pytest.raises(ValueError, match='scalar'):
    _tiny_model(tf.Variable([1., 2.]))


def test_a_value_known_only_at_run_time_is_checked_under_validate_args():
  variable = tf.Variable(-1.)
  _tiny_model(variable).log_prob(np.zeros((2, 2, 1), np.int32))
  with pytest.raises(tf.errors.InvalidArgumentError, match='temperature'):
    _tiny_model(variable, validate_args=True).log_prob(
        np.zeros((2, 2, 1), np.int32))
