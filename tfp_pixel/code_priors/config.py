"""The `code_prior` entry of a prior's configuration: which grid of codes a
categorical model of images models, and what conditions it.

```python
{'level': 'codes'}                      # the one grid of a VQ-VAE
{'level': 'top'}                        # VQ-VAE-2's top grid
{'level': 'bottom',                     # VQ-VAE-2's bottom grid, given
 'condition': {'num_codes': 512,        # the top grid of 512 codes
               'grid': [8, 8]}}         # at half its resolution
```

A prior's images are the code grids themselves, `[h, w, 1]` of
`num_levels = num_codes` levels, read as they are (never quantized); a
conditioned prior takes the top grid as a one-hot map at its own resolution
(`top_code_map`), `conditional_shape = (h, w, num_top_codes)`.
"""

import numpy as np

__all__ = ['LEVELS', 'check_code_prior', 'check_top_codes', 'top_code_map']

LEVELS = ('codes', 'top', 'bottom')


def check_code_prior(code_prior, image_shape, num_classes):
  """Checks a `code_prior` entry against the rest of an image configuration.

  Args:
    code_prior: `dict` as in the module docstring, or `None`.
    image_shape: the configuration's checked `(height, width, channels)`.
    num_classes: the configuration's `num_classes`.

  Returns:
    code_prior: the entry in its JSON form, or `None`.

  Raises:
    ValueError: one line, if it does not describe a prior over codes.
  """
  if code_prior is None:
    return None
  if not isinstance(code_prior, dict) or code_prior.get('level') not in LEVELS:
    raise ValueError('`code_prior` must be a dict whose `level` is one of {}, '
                     'got {!r}.'.format(', '.join(LEVELS), code_prior))
  unknown = sorted(set(code_prior) - {'level', 'condition'})
  if unknown:
    raise ValueError('Unknown `code_prior` key(s): {}.'.format(
        ', '.join(unknown)))
  if image_shape[2] != 1 or num_classes is not None:
    raise ValueError('A prior over codes models a grid of one channel '
                     'without class labels, got image_shape {} and '
                     'num_classes {}.'.format(list(image_shape), num_classes))
  condition = code_prior.get('condition')
  if (condition is None) != (code_prior['level'] != 'bottom'):
    raise ValueError('The bottom prior over codes (and only it) is '
                     'conditioned on the top grid, got {!r}.'.format(
                         code_prior))
  checked = {'level': code_prior['level']}
  if condition is not None:
    num_codes, grid = condition.get('num_codes'), condition.get('grid')
    if (not isinstance(num_codes, int) or num_codes < 2 or
        not isinstance(grid, (list, tuple)) or len(grid) != 2 or
        any(not isinstance(g, int) or g < 1 or size % g
            for g, size in zip(grid, image_shape[:2]))):
      raise ValueError('The condition of a bottom prior must name the top '
                       'grid\'s num_codes (2 or more) and grid [h, w] '
                       'dividing the bottom grid {}, got {!r}.'.format(
                           list(image_shape[:2]), condition))
    checked['condition'] = {'num_codes': num_codes, 'grid': list(grid)}
  return checked


def top_code_map(top_codes, num_codes, grid_shape, dtype='float32'):
  """The one-hot map of a top grid at the bottom grid's resolution.

  Each top code covers the `factor x factor` bottom positions below it
  (nearest-neighbour upsampling), `factor = bottom / top`.

  Args:
    top_codes: integer array or `Tensor` `[..., h_top, w_top]`.
    num_codes: Python `int`, the top codebook's size.
    grid_shape: `(h, w)` of the bottom grid.
    dtype: the map's float dtype.

  Returns:
    map: float `Tensor` `[..., h, w, num_codes]`.
  """
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  top_codes = tf.convert_to_tensor(top_codes)
  factors = [int(size) // int(top) for size, top in
             zip(grid_shape, top_codes.shape[-2:])]
  upsampled = tf.repeat(tf.repeat(top_codes, factors[0], axis=-2),
                        factors[1], axis=-1)
  return tf.one_hot(tf.cast(upsampled, tf.int32), num_codes, dtype=dtype)


def check_top_codes(top_codes, config, source='top codes'):
  """Integer top grids `[N, h_top, w_top]` of codes of the condition.

  Raises:
    ValueError: one line, if they are not the condition's grid of codes.
  """
  condition = config['code_prior']['condition']
  top_codes = np.asarray(top_codes)
  if (top_codes.ndim < 2 or list(top_codes.shape[-2:]) != condition['grid']
      or not np.issubdtype(top_codes.dtype, np.integer) or (
          top_codes.size and (top_codes.min() < 0 or
                              top_codes.max() >= condition['num_codes']))):
    raise ValueError('{} must be integer grids [..., {}, {}] of codes in '
                     '[0, {}), got {} {}.'.format(
                         source, *condition['grid'], condition['num_codes'],
                         top_codes.dtype, list(top_codes.shape)))
  return top_codes.astype(np.int32)
