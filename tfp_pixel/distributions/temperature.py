"""The one rule of every model's `temperature`, without TensorFlow.

The distributions check their `temperature` with it at construction
(`base.Autoregressive`); configurations and commands check theirs with it
too, before any model is built (this module imports no TensorFlow).
"""

import numbers

import numpy as np

__all__ = ['check_temperature']


def check_temperature(temperature):
  """Returns `temperature` as a Python `float` if it is positive and finite.

  Args:
    temperature: a Python or NumPy number (a 0-d `np.ndarray` too).

  Returns:
    temperature: Python `float`.

  Raises:
    ValueError: one line naming `temperature` and its value, if it is not a
      real number (a `bool`, a string, `None`, a sequence) or not positive and
      finite.
  """
  if isinstance(temperature, (np.ndarray, np.generic)):
    temperature = temperature.tolist()
  if isinstance(temperature, bool) or not isinstance(
      temperature, numbers.Real) or not (
          np.isfinite(temperature) and temperature > 0):
    raise ValueError('`temperature` must be a positive finite number, got '
                     '{!r}.'.format(temperature))
  return float(temperature)
