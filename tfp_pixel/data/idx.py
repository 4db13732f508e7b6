"""Images and labels in the IDX format of MNIST, plain or gzip-compressed.

An IDX file is a 4-byte magic number `0x0000TTDD` (`TT` the element type, `DD`
the number of dimensions), one big-endian uint32 per dimension, then the
elements in row-major order, big-endian. MNIST images have magic 2051 (uint8,
3 dimensions: count, rows, columns) and labels magic 2049 (uint8, 1 dimension).
"""

import gzip
import os
import re
import struct
import zlib

import numpy as np

from tfp_pixel.data import convert
from tfp_pixel.data.errors import DataError
from tfp_pixel.data.image_set import ImageSet
from tfp_pixel.data.image_set import check_labels

__all__ = [
    'find_labels_file',
    'is_idx_file',
    'load_idx',
    'read_idx',
]

_DTYPES = {
    0x08: np.dtype('u1'),
    0x09: np.dtype('i1'),
    0x0B: np.dtype('>i2'),
    0x0C: np.dtype('>i4'),
    0x0D: np.dtype('>f4'),
    0x0E: np.dtype('>f8'),
}
_GZIP_MAGIC = b'\x1f\x8b'


def is_idx_file(path):
  """Whether the name of `path` looks like an IDX file (`*-idx3-ubyte[.gz]`)."""
  name = os.path.basename(os.fspath(path)).lower()
  if name.endswith('.gz'):
    name = name[:-3]
  return bool(re.search(r'idx\d', name)) or name.endswith('ubyte')


def read_idx(path):
  """Reads an IDX file (gzip-compressed or not) into a numpy array.

  Args:
    path: the file.

  Returns:
    array: `np.ndarray` with the file's shape and element type.

  Raises:
    DataError: if the file cannot be read, its magic number is not IDX, or its
      size does not match its header (e.g. a truncated file).
  """
  path = os.fspath(path)
  data = _read_bytes(path)
  if len(data) < 4:
    raise DataError('{}: truncated IDX file ({} bytes).'.format(
        path, len(data)))
  zeros, type_code, ndim = struct.unpack('>HBB', data[:4])
  magic = struct.unpack('>I', data[:4])[0]
  if zeros != 0 or type_code not in _DTYPES or ndim < 1:
    raise DataError('{}: not an IDX file (magic number {}).'.format(
        path, magic))
  header_size = 4 + 4 * ndim
  if len(data) < header_size:
    raise DataError('{}: truncated IDX header.'.format(path))
  dims = struct.unpack('>{}I'.format(ndim), data[4:header_size])
  dtype = _DTYPES[type_code]
  expected = int(np.prod(dims, dtype=np.int64)) * dtype.itemsize
  actual = len(data) - header_size
  if actual < expected:
    raise DataError(
        '{}: truncated IDX file: header {} needs {} bytes of data, found {}.'
        .format(path, 'x'.join(map(str, dims)), expected, actual))
  if actual > expected:
    raise DataError(
        '{}: IDX file has {} bytes after the {} data its header announces.'
        .format(path, actual - expected, 'x'.join(map(str, dims))))
  array = np.frombuffer(data, dtype, offset=header_size).reshape(dims)
  return array.astype(dtype.newbyteorder('='))


def find_labels_file(images_path):
  """Returns the labels file beside an IDX images file, or `None`.

  `train-images-idx3-ubyte.gz` is matched with `train-labels-idx1-ubyte.gz`
  (or `train-labels-idx1-ubyte`): `images` becomes `labels` and `idx3` becomes
  `idx1`.
  """
  folder, name = os.path.split(os.fspath(images_path))
  base = name[:-3] if name.lower().endswith('.gz') else name
  renames = (
      lambda n: _replace(_replace(n, 'images', 'labels'), 'idx3', 'idx1'),
      lambda n: _replace(n, 'idx3', 'idx1'),
      lambda n: _replace(n, 'images', 'labels'),
  )
  for rename in renames:
    labels_base = rename(base)
    if labels_base == base:
      continue
    for candidate in (labels_base, labels_base + '.gz'):
      if os.path.isfile(os.path.join(folder, candidate)):
        return os.path.join(folder, candidate)
  return None


def load_idx(path, shape=None, with_labels=False, max_images=None):
  """Loads IDX images and, with `with_labels`, the labels file beside them.

  Args:
    path: IDX images file, shape `[N, rows, columns]` or `[N, rows, columns,
      channels]`.
    shape: optional target `(height, width, channels)`.
    with_labels: Python `bool`, whether to load the matching labels file.
    max_images: optional cap on the number of images (the first ones).

  Returns:
    image_set: an `ImageSet`.

  Raises:
    DataError: if a file is invalid, the labels file is missing, or the counts
      of images and labels differ.
  """
  path = os.fspath(path)
  images = read_idx(path)
  if images.ndim not in (3, 4):
    raise DataError('{}: IDX images must have 3 or 4 dimensions, got shape {}.'
                    .format(path, list(images.shape)))
  labels = num_classes = None
  if with_labels:
    labels_path = find_labels_file(path)
    if labels_path is None:
      raise DataError(
          '{}: no labels file beside it (expected the same name with '
          '"labels"/"idx1" for "images"/"idx3").'.format(path))
    labels = read_idx(labels_path)
    if labels.ndim != 1:
      raise DataError('{}: IDX labels must have 1 dimension, got shape {}.'
                      .format(labels_path, list(labels.shape)))
    labels = check_labels(labels, len(images), labels_path)
  if max_images is not None:
    images = images[:max_images]
    labels = None if labels is None else labels[:max_images]
  if labels is not None:
    num_classes = int(labels.max(initial=-1)) + 1
  images = convert.convert_images(images, shape, source=path)
  return ImageSet(images, labels, num_classes, os.path.basename(path))


def _replace(name, old, new):
  """Replaces `old` by `new` in `name`, keeping lower or upper case."""
  return name.replace(old, new).replace(old.upper(), new.upper())


def _read_bytes(path):
  try:
    with open(path, 'rb') as f:
      data = f.read()
    if data[:2] == _GZIP_MAGIC:
      data = gzip.decompress(data)
  except FileNotFoundError:
    raise DataError('{}: no such file.'.format(path)) from None
  except EOFError:
    raise DataError('{}: truncated gzip file.'.format(path)) from None
  except (OSError, zlib.error) as error:
    raise DataError('{}: cannot read: {}'.format(
        path, ' '.join(str(error).split()))) from None
  return data
