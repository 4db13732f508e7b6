"""Images stored as numpy arrays in `.npy` or `.npz` files."""

import os
import zipfile

import numpy as np

from tfp_pixel.data import convert
from tfp_pixel.data.errors import DataError
from tfp_pixel.data.image_set import ImageSet
from tfp_pixel.data.image_set import check_labels

__all__ = ['ARRAY_EXTENSIONS', 'IMAGE_KEYS', 'LABEL_KEYS', 'load_arrays']

ARRAY_EXTENSIONS = ('.npy', '.npz')
IMAGE_KEYS = ('images', 'x', 'x_train')
LABEL_KEYS = ('labels', 'y', 'y_train')


def load_arrays(path, shape=None, with_labels=False, max_images=None):
  """Loads images (and labels) from a `.npy` or `.npz` file.

  A `.npy` file holds the images, `[N, H, W]` or `[N, H, W, C]`, uint8 or
  float (see `convert_images` for the accepted values). In a `.npz` file the
  images are the array named one of `IMAGE_KEYS`, or the only array, and the
  labels the array named one of `LABEL_KEYS`.

  Args:
    path: the `.npy` or `.npz` file.
    shape: optional target `(height, width, channels)`.
    with_labels: Python `bool`, whether to load labels (`.npz` only).
    max_images: optional cap on the number of images (the first ones).

  Returns:
    image_set: an `ImageSet`.

  Raises:
    DataError: if the file cannot be read, holds no images, or has no labels
      when they are asked for.
  """
  path = os.fspath(path)
  images, labels = _read(path, with_labels)
  if max_images is not None:
    images = images[:max_images]
    labels = None if labels is None else labels[:max_images]
  num_classes = None
  if labels is not None:
    labels = check_labels(labels, len(images), path)
    num_classes = int(labels.max(initial=-1)) + 1
  images = convert.convert_images(images, shape, source=path)
  return ImageSet(images, labels, num_classes, os.path.basename(path))


def _read(path, with_labels):
  """Returns the `(images, labels)` arrays of the file; labels may be None."""
  try:
    contents = np.load(path, allow_pickle=False)
  except FileNotFoundError:
    raise DataError('{}: no such file.'.format(path)) from None
  except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
    raise DataError('{}: not a readable numpy file: {}'.format(
        path, ' '.join(str(error).split()))) from None
  if isinstance(contents, np.ndarray):
    if with_labels:
      raise DataError('{}: a .npy file holds no labels; use a .npz file with '
                      'arrays "images" and "labels".'.format(path))
    return contents, None
  with contents:
    keys = list(contents.keys())
    image_key = _find_key(keys, IMAGE_KEYS)
    if image_key is None and len(keys) == 1:
      image_key = keys[0]
    if image_key is None:
      raise DataError(
          '{}: no image array; expected one named {} or a single array, found '
          '{}.'.format(path, '/'.join(IMAGE_KEYS), ', '.join(keys) or 'none'))
    labels = None
    if with_labels:
      label_key = _find_key(keys, LABEL_KEYS)
      if label_key is None:
        raise DataError('{}: no label array; expected one named {}.'.format(
            path, '/'.join(LABEL_KEYS)))
      labels = _load_array(contents, label_key, path)
    return _load_array(contents, image_key, path), labels


def _find_key(keys, names):
  return next((name for name in names if name in keys), None)


def _load_array(contents, key, path):
  try:
    return contents[key]
  except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
    raise DataError('{}: cannot read array {!r}: {}'.format(
        path, key, ' '.join(str(error).split()))) from None
