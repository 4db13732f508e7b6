"""`tf.data` input pipelines with a deterministic held-out validation split."""

import numpy as np
import tensorflow as tf

from tfp_pixel.data.errors import DataError
from tfp_pixel.data.image_set import check_labels

__all__ = ['make_datasets', 'split_indices']


def make_datasets(images, labels=None, batch_size=32, validation_fraction=0.1,
                  seed=0):
  """Splits images into training and validation `tf.data.Dataset`s.

  A random `validation_fraction` of the images (chosen by `seed`, the same for
  every run) is held out. Both pipelines cache the data, batch it and prefetch;
  the training one also reshuffles every epoch (seeded by `seed`). The last
  batch may be smaller.

  Args:
    images: uint8 array of shape `[N, H, W, C]`, or int32 levels
      (`load_levels`).
    labels: optional integer array of shape `[N]` (class ids), or
      `[N, ...]` (per-image grids: the top codes a bottom prior of codes is
      conditioned on).
    batch_size: Python `int`, examples per batch.
    validation_fraction: Python `float` in `[0, 1)`; the validation set has
      `round(N * validation_fraction)` images, at least 1 and at most `N - 1`
      (none when `N == 1` or the fraction is 0).
    seed: Python `int`, seeds the split and the shuffling.

  Returns:
    train_dataset: `tf.data.Dataset` of batches `[b, H, W, C]`, or of
      `(images, labels)` batches (labels int64 `[b]`) when `labels` is given.
    validation_dataset: the same for the held-out images, in a fixed order,
      or `None` when none is held out.

  Raises:
    DataError: if the arguments are invalid.
  """
  images = np.asarray(images)
  if images.ndim != 4 or images.dtype not in (np.uint8, np.int32):
    raise DataError('images must be uint8 (or int32 levels) [N, H, W, C], '
                    'got {} {}.'.format(images.dtype, list(images.shape)))
  if len(images) == 0:  # pylint: disable=g-explicit-length-test
    raise DataError('no images to make datasets from.')
  if labels is not None and np.ndim(labels) > 1:
    labels = np.asarray(labels)
    if len(labels) != len(images) or not np.issubdtype(labels.dtype,
                                                       np.integer):
      raise DataError('labels must be integers, one [N] class id or [N, ...] '
                      'grid per image, got {} {} for {} images.'.format(
                          labels.dtype, list(labels.shape), len(images)))
  elif labels is not None:
    labels = check_labels(labels, len(images), 'labels')
  if isinstance(batch_size, bool) or int(batch_size) != batch_size or (
      batch_size < 1):
    raise DataError('batch_size must be a positive integer, got {!r}.'.format(
        batch_size))
  train_indices, validation_indices = split_indices(
      len(images), validation_fraction, seed)

  def dataset(indices, shuffle):
    tensors = images[indices]
    if labels is not None:
      tensors = (tensors, labels[indices])
    data = tf.data.Dataset.from_tensor_slices(tensors).cache()
    if shuffle:
      data = data.shuffle(len(indices), seed=seed,
                          reshuffle_each_iteration=True)
    return data.batch(int(batch_size)).prefetch(tf.data.AUTOTUNE)

  return (dataset(train_indices, shuffle=True),
          dataset(validation_indices, shuffle=False)
          if len(validation_indices) else None)


def split_indices(num_images, validation_fraction, seed):
  """Returns `(train_indices, validation_indices)`, a seeded random split.

  Raises:
    DataError: if `validation_fraction` is not in `[0, 1)`.
  """
  try:
    fraction = float(validation_fraction)
  except (TypeError, ValueError):
    fraction = float('nan')
  if not 0. <= fraction < 1.:
    raise DataError('validation_fraction must be in [0, 1), got {!r}.'.format(
        validation_fraction))
  num_validation = 0 if fraction == 0. else min(
      max(int(round(num_images * fraction)), 1), num_images - 1)
  order = np.random.default_rng(seed).permutation(num_images)
  return np.sort(order[num_validation:]), np.sort(order[:num_validation])
