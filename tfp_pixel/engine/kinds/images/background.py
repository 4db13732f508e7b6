"""Background models: the `background` entry of a configuration, and the
mutation of the images they train on.

The likelihood ratio of Ren et al. (2019), "Likelihood Ratios for
Out-of-Distribution Detection", compares a model with a background model of
the same kind trained on perturbed images: each pixel of a training image
is replaced, with probability `mutation_rate`, by a random value, and the
training loss may add an L2 penalty on the weights. A background run's
configuration is that of the run it is a background for, plus

```python
{'background': {'for': '/abs/path/of/RUN',   # the run it is a background for
                'mutation_rate': 0.2,        # in (0, 1]
                'l2': 0.}}                   # >= 0
```

The entry only changes training (`background_task.BackgroundTask`): the
model itself, its checkpoints and its `log_prob` are those of any image run.
"""

import math
import numbers
import os

import tensorflow as tf

from tfp_pixel import quantization

__all__ = ['DEFAULT_L2', 'DEFAULT_MUTATION_RATE', 'check_background',
           'make_background', 'mutate']

DEFAULT_MUTATION_RATE = 0.2
DEFAULT_L2 = 0.
_KEYS = ('for', 'mutation_rate', 'l2')
# A seed mutates alike in eager mode and under XLA with a named algorithm
# and integer draws (XLA makes other floats of the same bits): the rate is
# drawn as an integer below `rate * _RATE_STEPS`.
_ALGORITHM = 'philox'
_RATE_STEPS = 2**24


def make_background(background_for, mutation_rate=None, l2=None):
  """The checked `background` entry of a background for the run folder
  `background_for` (`None` rate and L2: `DEFAULT_MUTATION_RATE`,
  `DEFAULT_L2`)."""
  return check_background({
      'for': background_for,
      'mutation_rate': (DEFAULT_MUTATION_RATE if mutation_rate is None else
                        mutation_rate),
      'l2': DEFAULT_L2 if l2 is None else l2})


def check_background(entry):
  """Checks a `background` entry (see the module docstring).

  Args:
    entry: `dict` with `for`, `mutation_rate` and `l2`, or `None`.

  Returns:
    entry: the entry in its JSON form (`for` an absolute path, the rate and
      L2 Python `float`s), or `None`.

  Raises:
    ValueError: one line, if it is not a background entry.
  """
  if entry is None:
    return None
  if not isinstance(entry, dict) or sorted(entry) != sorted(_KEYS):
    raise ValueError('`background` must be a dict of {}, got {!r}.'.format(
        ', '.join(_KEYS), entry))
  background_for = entry['for']
  if not isinstance(background_for, str) or not background_for:
    raise ValueError('`background` `for` must be the path of a run, got '
                     '{!r}.'.format(background_for))
  rate, l2 = entry['mutation_rate'], entry['l2']
  if not _is_real(rate) or not 0. < rate <= 1.:
    raise ValueError('The mutation rate must be in (0, 1], got {!r}.'.format(
        rate))
  if not _is_real(l2) or l2 < 0.:
    raise ValueError('The L2 weight must be a finite number >= 0, got '
                     '{!r}.'.format(l2))
  return {'for': os.path.abspath(background_for), 'mutation_rate': float(rate),
          'l2': float(l2)}


def mutate(images, rate, num_levels, seed):
  """Replaces each pixel of a batch, with probability `rate`, by a random one.

  Whether a pixel (a position) is replaced is one Bernoulli draw for all its
  channels; a replaced channel takes a level drawn uniformly in
  `[0, num_levels)`, as an 8-bit value that quantizes back to it
  (`quantization.dequantize`) for uint8 images, or as it is for integer
  levels (a model of more than 256 levels). Stateless (Philox, integer
  draws): the same `seed` gives the same batch, inside `tf.data` and under
  XLA as well.

  Args:
    images: uint8 `Tensor` `[N, H, W, C]` of 8-bit images (at most 256
      levels), or integer levels in `[0, num_levels)` of another dtype.
    rate: Python `float` in `(0, 1]`.
    num_levels: Python `int`, the model's levels.
    seed: `[2]` int32 or int64 `Tensor`, a stateless seed.

  Returns:
    mutated: `Tensor` of the shape and dtype of `images`.

  Raises:
    ValueError: if `num_levels` is invalid, or above 256 for uint8 images.
  """
  num_levels = quantization.check_num_levels(num_levels)
  images = tf.convert_to_tensor(images)
  eight_bit = images.dtype == tf.uint8
  if eight_bit:
    num_levels = quantization.check_image_levels(num_levels)
  position_seed, level_seed = tf.unstack(
      tf.random.experimental.stateless_split(seed, 2, alg=_ALGORITHM))
  shape = tf.shape(images)
  replaced = tf.random.stateless_uniform(
      tf.concat([shape[:-1], [1]], 0), position_seed, minval=0,
      maxval=_RATE_STEPS, dtype=tf.int32,
      alg=_ALGORITHM) < int(round(rate * _RATE_STEPS))
  levels = tf.random.stateless_uniform(shape, level_seed, minval=0,
                                       maxval=num_levels, dtype=tf.int32,
                                       alg=_ALGORITHM)
  values = (quantization.dequantize(levels, num_levels) if eight_bit else
            tf.cast(levels, images.dtype))
  return tf.where(replaced, values, images)


def _is_real(value):
  return (isinstance(value, numbers.Real) and not isinstance(value, bool) and
          math.isfinite(value))
