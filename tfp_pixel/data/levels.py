"""Levels stored as integer arrays: the data of a model of more than 256
levels.

8-bit images quantize to at most 256 levels. A model of more (the codes of a
VQ-VAE) reads its levels from `.npy`/`.npz` or IDX files of integers, used as
they are: no quantization, no resizing, every value in `[0, num_levels)`.
"""

import os

import numpy as np

from tfp_pixel import bounds
from tfp_pixel.data import arrays
from tfp_pixel.data import convert
from tfp_pixel.data import idx
from tfp_pixel.data.errors import DataError
from tfp_pixel.data.image_set import ImageSet
from tfp_pixel.data.image_set import check_labels
from tfp_pixel.data.image_set import check_max_images

__all__ = ['load_levels']


def load_levels(dataset, num_levels, shape=None, with_labels=False,
                max_images=None):
  """Loads integer levels `[N, H, W(, C)]` from an array file.

  Args:
    dataset: a `.npy` or `.npz` file (as `load_images` reads them) or an IDX
      file (labels from the file beside it), of integers.
    num_levels: Python `int`, the model's levels: every value must lie in
      `[0, num_levels)`.
    shape: optional `(height, width, channels)` the levels must have (they
      are never converted).
    with_labels: Python `bool`, whether to return class labels.
    max_images: optional positive `int`, keep only the first `max_images`.

  Returns:
    image_set: an `ImageSet` of int32 levels `[N, H, W, C]`, `C` in {1, 3}.

  Raises:
    DataError: one line naming the source and the problem: not an array
      file, values that are not integers or not levels, another shape than
      `shape`, more than `bounds.MAX_LOADED_BYTES`.
  """
  max_images = check_max_images(max_images)
  path = None if dataset is None else os.path.expanduser(os.fspath(dataset))
  array_name = path is not None and (
      os.path.splitext(path)[1].lower() in arrays.ARRAY_EXTENSIONS or
      idx.is_idx_file(path))
  if array_name and not os.path.exists(path):
    raise DataError('{}: no such file.'.format(path))
  if not (array_name and os.path.isfile(path)):
    raise DataError(
        '{}: a model of {} levels trains on integer levels in [0, {}) from an '
        'array file (.npy, .npz or IDX), not on 8-bit images (which quantize '
        'to at most 256 levels).'.format(
            dataset or 'the default digits', num_levels, num_levels))
  if idx.is_idx_file(path):
    levels = idx.read_idx(path)
    labels = idx.read_labels(path, len(levels)) if with_labels else None
  else:
    levels, labels = arrays.read_arrays(path, with_labels)
    if labels is not None:
      labels = check_labels(labels, len(levels), path)
  if levels.ndim == 3:
    levels = levels[..., np.newaxis]
  if levels.ndim != 4 or not len(levels):
    raise DataError('{}: levels must have shape [N, H, W] or [N, H, W, C] '
                    'with N > 0, got {}.'.format(path, list(levels.shape)))
  if not np.issubdtype(levels.dtype, np.integer):
    raise DataError('{}: holds {} values; levels must be integers.'.format(
        path, levels.dtype))
  try:
    own_shape = convert.check_shape(levels.shape[1:])
  except DataError as error:
    raise DataError('{}: {}'.format(path, error)) from None
  if shape is not None and tuple(convert.check_shape(shape)) != own_shape:
    raise DataError(
        '{}: its levels are {} and are used as they are; they cannot be '
        'converted to {}.'.format(path, 'x'.join(map(str, own_shape)),
                                  'x'.join(map(str, shape))))
  if max_images is not None:
    levels = levels[:max_images]
    labels = None if labels is None else labels[:max_images]
  needed = levels.size * np.dtype(np.int32).itemsize
  if needed > bounds.MAX_LOADED_BYTES:
    raise DataError(
        '{}: its levels would need {} in memory, more than the {} a source '
        'may load.'.format(path, bounds.format_bytes(needed),
                           bounds.format_bytes(bounds.MAX_LOADED_BYTES)))
  low, high = int(levels.min()), int(levels.max())
  if low < 0 or high >= num_levels:
    raise DataError(
        '{}: holds values in [{}, {}]; a model of {} levels needs levels in '
        '[0, {}).'.format(path, low, high, num_levels, num_levels))
  num_classes = None
  if labels is not None:
    num_classes = int(labels.max(initial=-1)) + 1
  return ImageSet(np.array(levels, np.int32), labels, num_classes,
                  os.path.basename(path))
