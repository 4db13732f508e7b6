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

from tfp_pixel import bounds
from tfp_pixel.data import convert
from tfp_pixel.data.errors import DataError
from tfp_pixel.data.image_set import ImageSet
from tfp_pixel.data.image_set import check_labels

__all__ = [
    'count_images',
    'find_labels_file',
    'is_idx_file',
    'load_idx',
    'read_idx',
    'read_labels',
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

  The header is read first: a file whose header declares more than
  `bounds.MAX_LOADED_BYTES` is refused before its data are read (or
  decompressed).

  Args:
    path: the file.

  Returns:
    array: `np.ndarray` with the file's shape and element type.

  Raises:
    DataError: if the file cannot be read, its magic number is not IDX, its
      size does not match its header (e.g. a truncated file), or its header
      declares too much data.
  """
  path = os.fspath(path)
  with _open(path) as f:
    dims, dtype = _read_header(path, f)
    expected = int(np.prod(dims, dtype=np.float64)) * dtype.itemsize
    if expected > bounds.MAX_LOADED_BYTES:
      raise DataError(
          '{}: its header declares {} of {} ({}), more than the {} a source '
          'may load.'.format(path, 'x'.join(map(str, dims)), dtype.name,
                             bounds.format_bytes(expected),
                             bounds.format_bytes(bounds.MAX_LOADED_BYTES)))
    data = _read(path, f, expected)
    extra = len(_read(path, f, 2**20))
  if len(data) < expected:
    raise DataError(
        '{}: truncated IDX file: header {} needs {} bytes of data, found {}.'
        .format(path, 'x'.join(map(str, dims)), expected, len(data)))
  if extra:
    raise DataError(
        '{}: IDX file has {}{} bytes after the {} data its header announces.'
        .format(path, 'over ' if extra == 2**20 else '', extra,
                'x'.join(map(str, dims))))
  array = np.frombuffer(data, dtype).reshape(dims)
  return array.astype(dtype.newbyteorder('='))


def count_images(path):
  """The number of images (the first dimension) an IDX file's header
  declares.

  Raises:
    DataError: if the file cannot be read or is not an IDX file.
  """
  path = os.fspath(path)
  with _open(path) as f:
    dims, _ = _read_header(path, f)
  return dims[0]


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
    DataError: if a file is invalid or holds no images, the labels file is
      missing, the counts of images and labels differ, or the images need
      more than `bounds.MAX_LOADED_BYTES`.
  """
  path = os.fspath(path)
  images = read_idx(path)
  if images.ndim not in (3, 4):
    raise DataError('{}: IDX images must have 3 or 4 dimensions, got shape {}.'
                    .format(path, list(images.shape)))
  if not len(images):
    raise DataError('{}: holds no images (an array of shape {}).'.format(
        path, list(images.shape)))
  labels = num_classes = None
  if with_labels:
    labels = read_labels(path, len(images))
  if max_images is not None:
    images = images[:max_images]
    labels = None if labels is None else labels[:max_images]
  if labels is not None:
    num_classes = int(labels.max(initial=-1)) + 1
  if shape is not None and len(images) * int(np.prod(shape)) > (
      bounds.MAX_LOADED_BYTES):
    raise DataError(
        '{}: {} images converted to {} would need {} in memory, more than the '
        '{} a source may load.'.format(
            path, len(images), 'x'.join(map(str, shape)),
            bounds.format_bytes(len(images) * int(np.prod(shape))),
            bounds.format_bytes(bounds.MAX_LOADED_BYTES)))
  images = convert.convert_images(images, shape, source=path)
  return ImageSet(images, labels, num_classes, os.path.basename(path))


def read_labels(images_path, num_images):
  """The labels of an IDX images file, from the labels file beside it.

  Returns:
    labels: int64 `np.ndarray` `[num_images]`.

  Raises:
    DataError: if there is no labels file, it is invalid, or its count is
      not `num_images`.
  """
  labels_path = find_labels_file(images_path)
  if labels_path is None:
    raise DataError(
        '{}: no labels file beside it (expected the same name with '
        '"labels"/"idx1" for "images"/"idx3").'.format(images_path))
  labels = read_idx(labels_path)
  if labels.ndim != 1:
    raise DataError('{}: IDX labels must have 1 dimension, got shape {}.'
                    .format(labels_path, list(labels.shape)))
  return check_labels(labels, num_images, labels_path)


def _replace(name, old, new):
  """Replaces `old` by `new` in `name`, keeping lower or upper case."""
  return name.replace(old, new).replace(old.upper(), new.upper())


def _open(path):
  """The file, decompressed as it is read when it is gzip-compressed."""
  try:
    f = open(path, 'rb')
  except FileNotFoundError:
    raise DataError('{}: no such file.'.format(path)) from None
  except OSError as error:
    raise DataError('{}: cannot read: {}'.format(
        path, ' '.join(str(error).split()))) from None
  with f:
    compressed = f.read(2) == _GZIP_MAGIC
  return gzip.open(path, 'rb') if compressed else open(path, 'rb')


def _read_header(path, f):
  """The `(dims, dtype)` of an open IDX file's header."""
  magic_bytes = _read(path, f, 4)
  if len(magic_bytes) < 4:
    raise DataError('{}: truncated IDX file ({} bytes).'.format(
        path, len(magic_bytes)))
  zeros, type_code, ndim = struct.unpack('>HBB', magic_bytes)
  if zeros != 0 or type_code not in _DTYPES or ndim < 1:
    raise DataError('{}: not an IDX file (magic number {}).'.format(
        path, struct.unpack('>I', magic_bytes)[0]))
  dims_bytes = _read(path, f, 4 * ndim)
  if len(dims_bytes) < 4 * ndim:
    raise DataError('{}: truncated IDX header.'.format(path))
  return struct.unpack('>{}I'.format(ndim), dims_bytes), _DTYPES[type_code]


def _read(path, f, size):
  """Up to `size` bytes of `f`, fewer at its end."""
  try:
    return f.read(size)
  except EOFError:
    raise DataError('{}: truncated gzip file.'.format(path)) from None
  except (OSError, zlib.error) as error:
    raise DataError('{}: cannot read: {}'.format(
        path, ' '.join(str(error).split()))) from None
