"""The in-memory result of loading images, and checks shared by every source."""

import collections

import numpy as np

from tfp_pixel import class_labels
from tfp_pixel.data.errors import DataError

__all__ = ['ImageSet', 'check_labels', 'check_max_images']

ImageSet = collections.namedtuple(
    'ImageSet', ['images', 'labels', 'num_classes', 'name'])
ImageSet.__doc__ = """Images loaded into memory.

Attributes:
  images: uint8 `np.ndarray` of shape `[N, H, W, C]`, `C` being 1 or 3.
  labels: int64 `np.ndarray` of shape `[N]` with class ids in
    `[0, num_classes)`, or `None` when labels were not asked for.
  num_classes: Python `int` when `labels` is given, else `None`.
  name: short description of the source, for logs and checkpoints.
"""


def check_max_images(max_images):
  """Returns `max_images` as a positive `int`, or `None` for no cap.

  Raises:
    DataError: if it is not a positive integer.
  """
  if max_images is None:
    return None
  try:
    value = int(max_images)
  except (TypeError, ValueError):
    value = 0
  if value < 1 or value != max_images or isinstance(max_images, bool):
    raise DataError(
        'max_images must be a positive integer, got {!r}.'.format(max_images))
  return value


def check_labels(labels, num_images, source):
  """Returns `labels` as an int64 vector of `num_images` non-negative ids.

  Args:
    labels: array-like of integer class ids, shape `[N]` or `[N, 1]`.
    num_images: the number of images they label.
    source: name of the file or source, for error messages.

  Returns:
    labels: int64 `np.ndarray` of shape `[num_images]`.

  Raises:
    DataError: if the labels are not non-negative integers, one per image.
  """
  labels = np.asarray(labels)
  if labels.ndim == 2 and labels.shape[1] == 1:
    labels = labels[:, 0]
  if labels.ndim != 1:
    raise DataError('{}: labels must have shape [N], got {}.'.format(
        source, list(labels.shape)))
  if labels.shape[0] != num_images:
    raise DataError('{}: {} labels for {} images.'.format(
        source, labels.shape[0], num_images))
  try:
    return class_labels.check_labels(labels, source='{}: label'.format(
        source))
  except ValueError as error:
    raise DataError(str(error)) from None
