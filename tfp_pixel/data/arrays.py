"""Images stored as numpy arrays in `.npy` or `.npz` files.

What an array will cost is read from its header before its data: a `.npy`
file is memory-mapped and converted a chunk at a time; an `.npz` member (read
whole, as it may be compressed) whose header declares more than
`bounds.MAX_LOADED_BYTES` is refused, so that a small zip bomb never expands.
"""

import os
import zipfile

import numpy as np

from tfp_pixel import bounds
from tfp_pixel.data import convert
from tfp_pixel.data.errors import DataError
from tfp_pixel.data.image_set import ImageSet
from tfp_pixel.data.image_set import check_labels

__all__ = ['ARRAY_EXTENSIONS', 'IMAGE_KEYS', 'LABEL_KEYS', 'count_images',
           'load_arrays', 'read_arrays']

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
    DataError: if the file cannot be read, holds no images, has no labels
      when they are asked for, or declares an array (or converted images) of
      more than `bounds.MAX_LOADED_BYTES`.
  """
  path = os.fspath(path)
  images, labels = read_arrays(path, with_labels)
  if images.ndim >= 1 and images.shape[0] == 0:
    raise DataError('{}: holds no images (an array of shape {}).'.format(
        path, list(images.shape)))
  if max_images is not None:
    images = images[:max_images]
    labels = None if labels is None else labels[:max_images]
  num_classes = None
  if labels is not None:
    labels = check_labels(labels, len(images), path)
    num_classes = int(labels.max(initial=-1)) + 1
  if images.ndim in (3, 4):
    converted = _converted_shape(images, shape)
    _check_bytes(path, 'its images converted to {}'.format(
        'x'.join(map(str, converted))), len(images) * int(np.prod(converted)))
  images = convert.convert_images(images, shape, source=path)
  return ImageSet(images, labels, num_classes, os.path.basename(path))


def count_images(path):
  """The number of images a `.npy` or `.npz` file declares, from its header.

  Raises:
    DataError: if the file cannot be read or has no image array.
  """
  contents = _open(os.fspath(path))
  if isinstance(contents, np.ndarray):
    return len(contents) if contents.ndim else 1
  with contents:
    key = _image_key(path, contents.files)
    shape, _ = _member_header(path, contents.zip, key)
  return shape[0] if shape else 1


def read_arrays(path, with_labels):
  """Returns the `(images, labels)` arrays of the file, as stored; labels
  are `None` without `with_labels`.

  The images of a `.npy` file are memory-mapped; an `.npz` member is read
  once its header declares at most `bounds.MAX_LOADED_BYTES`.

  Raises:
    DataError: if the file cannot be read, has no image array, or no label
      array when labels are asked for.
  """
  contents = _open(path)
  if isinstance(contents, np.ndarray):
    if with_labels:
      raise DataError('{}: a .npy file holds no labels; use a .npz file with '
                      'arrays "images" and "labels".'.format(path))
    return contents, None
  with contents:
    keys = contents.files
    image_key = _image_key(path, keys)
    labels = None
    if with_labels:
      label_key = _find_key(keys, LABEL_KEYS)
      if label_key is None:
        raise DataError('{}: no label array; expected one named {}.'.format(
            path, '/'.join(LABEL_KEYS)))
      labels = _load_member(path, contents, label_key)
    return _load_member(path, contents, image_key), labels


def _open(path):
  """A `.npy` file memory-mapped, or an `.npz` file's `NpzFile`."""
  try:
    return np.load(path, mmap_mode='r', allow_pickle=False)
  except FileNotFoundError:
    raise DataError('{}: no such file.'.format(path)) from None
  except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
    raise DataError('{}: not a readable numpy file: {}'.format(
        path, ' '.join(str(error).split()))) from None


def _image_key(path, keys):
  image_key = _find_key(keys, IMAGE_KEYS)
  if image_key is None and len(keys) == 1:
    image_key = keys[0]
  if image_key is None:
    raise DataError(
        '{}: no image array; expected one named {} or a single array, found '
        '{}.'.format(path, '/'.join(IMAGE_KEYS), ', '.join(keys) or 'none'))
  return image_key


def _find_key(keys, names):
  return next((name for name in names if name in keys), None)


def _load_member(path, contents, key):
  """The array `key` of an open `.npz` file, once its header is checked."""
  shape, dtype = _member_header(path, contents.zip, key)
  _check_bytes(path, 'its array {!r} ({} of {})'.format(
      key, 'x'.join(map(str, shape)), dtype),
               int(np.prod(shape, dtype=np.float64)) * dtype.itemsize)
  try:
    return contents[key]
  except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
    raise DataError('{}: cannot read array {!r}: {}'.format(
        path, key, ' '.join(str(error).split()))) from None


def _member_header(path, archive, key):
  """The `(shape, dtype)` the `.npy` header of member `key` declares."""
  try:
    name = key if key in archive.namelist() else key + '.npy'
    with archive.open(name) as member:
      version = np.lib.format.read_magic(member)
      if version == (1, 0):
        shape, _, dtype = np.lib.format.read_array_header_1_0(member)
      elif version == (2, 0):
        shape, _, dtype = np.lib.format.read_array_header_2_0(member)
      else:
        raise ValueError('.npy format version {}.{} is not supported'.format(
            *version))
  except (OSError, ValueError, EOFError, KeyError,
          zipfile.BadZipFile) as error:
    raise DataError('{}: cannot read array {!r}: {}'.format(
        path, key, ' '.join(str(error).split()))) from None
  return shape, dtype


def _converted_shape(images, shape):
  """`(H, W, C)` of `[N, H, W(, C)]` images once converted to `shape`
  (`None`: their own, less any alpha channel)."""
  if shape is not None:
    return tuple(shape)
  channels = images.shape[3] if images.ndim == 4 else 1
  return tuple(images.shape[1:3]) + (3 if channels == 4 else channels,)


def _check_bytes(path, what, needed):
  if needed > bounds.MAX_LOADED_BYTES:
    raise DataError(
        '{}: {} would need {} in memory, more than the {} a source may load.'
        .format(path, what, bounds.format_bytes(needed),
                bounds.format_bytes(bounds.MAX_LOADED_BYTES)))
