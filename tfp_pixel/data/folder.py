"""Images read with Pillow from files and folders, labelled by sub-folder."""

import collections
import os
import warnings

import numpy as np
from PIL import Image

from tfp_pixel.data import convert
from tfp_pixel.data.errors import DataError
from tfp_pixel.data.errors import ImageReadError
from tfp_pixel.data.errors import one_line
from tfp_pixel.data.errors import reason_of
from tfp_pixel.data.image_set import ImageSet

__all__ = [
    'IMAGE_EXTENSIONS',
    'ScannedImages',
    'class_ids',
    'class_of',
    'list_image_files',
    'load_folder',
    'names_are_class_ids',
    'read_image',
    'scan_images',
]

IMAGE_EXTENSIONS = ('.bmp', '.gif', '.jpeg', '.jpg', '.png')

ScannedImages = collections.namedtuple('ScannedImages',
                                       ['files', 'images', 'skipped'])
ScannedImages.__doc__ = """What `scan_images` read, and what it could not.

Attributes:
  files: `list` of the image files read, in order.
  images: `list` of their uint8 `[H, W, C]` arrays.
  skipped: `list` of `(path, reason)` pairs, one line each.
"""


def list_image_files(paths):
  """Lists the image files among `paths`, searching folders recursively.

  Args:
    paths: a file or folder path, or a sequence of them.

  Returns:
    files: sorted `list` of `str` paths whose extension (any case) is one of
      `IMAGE_EXTENSIONS`; hidden files and folders are left out.

  Raises:
    DataError: if a path does not exist.
  """
  if isinstance(paths, (str, os.PathLike)):
    paths = [paths]
  files = set()
  for path in map(os.fspath, paths):
    if os.path.isdir(path):
      for root, dirs, names in os.walk(path):
        dirs[:] = [d for d in dirs if not d.startswith('.')]
        files.update(
            os.path.join(root, name) for name in names
            if _is_image_name(name) and not name.startswith('.'))
    elif os.path.isfile(path):
      if _is_image_name(path):
        files.add(path)
    else:
      raise DataError('{}: no such file or folder.'.format(path))
  return sorted(files)


def scan_images(paths, shape):
  """Reads every image among `paths`, going on past the ones it cannot read.

  Folders are searched recursively (`list_image_files`); a file named
  explicitly is read whatever its extension. Each path or file that yields no
  image is reported with a one-line reason instead of an error.

  Args:
    paths: image files and folders.
    shape: `(height, width, channels)` to convert every image to.

  Returns:
    scanned: a `ScannedImages`.
  """
  files, skipped = [], []
  for path in map(os.fspath, paths):
    if os.path.isfile(path):
      files.append(path)
      continue
    try:
      found = list_image_files([path])
    except (DataError, OSError) as error:
      skipped.append((path, reason_of(error, path)))
      continue
    if not found:
      skipped.append((path, 'no image files in this folder'))
    files.extend(found)
  read, images = [], []
  for name in sorted(set(files), key=files.index):
    try:
      images.append(read_image(name, shape))
    except ImageReadError as error:
      skipped.append((name, error.reason))
      continue
    except (DataError, OSError) as error:
      skipped.append((name, one_line(error)))
      continue
    read.append(name)
  return ScannedImages(read, images, skipped)


def read_image(path, shape=None):
  """Reads one image file (PNG, JPEG, BMP, GIF, ...) with Pillow.

  Palette images become RGB (gray when the palette is gray), 16-bit images are
  scaled to 8 bits and alpha channels are dropped. Of an animation, the first
  frame is read.

  Args:
    path: the image file.
    shape: optional `(height, width, channels)` (or text like `'28x28x1'`) to
      convert the image to; `None` keeps its size and channels.

  Returns:
    image: uint8 `np.ndarray` of shape `[H, W, C]`, `C` being 1 or 3.

  Raises:
    ImageReadError: if the file cannot be opened or decoded, is truncated, or
      is not an image.
    DataError: if `shape` is invalid.
  """
  if shape is not None:
    shape = convert.check_shape(shape)
  pixels = _decode(path)
  return convert.convert_images(pixels[np.newaxis], shape, source=path)[0]


def load_folder(path, shape=None, with_labels=False, max_images=None):
  """Loads the images under `path`; labels are class sub-folders.

  With `with_labels`, each immediate sub-folder of `path` is a class (see
  `class_ids`: sub-folders named `0`, `1`, ... are those classes, other names
  get ids 0, 1, ... in sorted order). Files that cannot be read are skipped
  with one warning each.

  Args:
    path: a folder (searched recursively) or a single image file.
    shape: optional target `(height, width, channels)`; without it every image
      must already have the same shape.
    with_labels: Python `bool`, whether to return class labels.
    max_images: optional cap on the number of images (the first readable ones
      in sorted order).

  Returns:
    image_set: an `ImageSet`.

  Raises:
    DataError: if there is no readable image, images differ in shape and no
      `shape` is given, or labels are asked for but there are no class
      sub-folders.
  """
  path = os.fspath(path)
  files = list_image_files(path)
  if not files:
    raise DataError('{}: no image files ({}) found.'.format(
        path, ', '.join(IMAGE_EXTENSIONS)))
  class_names = _class_names(path, files) if with_labels else None

  pixels, read_files = [], []
  for name in files:
    if len(pixels) == max_images:
      break
    try:
      pixels.append(_decode(name))
    except ImageReadError as error:
      warnings.warn('{} (skipped)'.format(error), stacklevel=2)
      continue
    read_files.append(name)
  if not pixels:
    raise DataError('{}: none of the {} image files could be read.'.format(
        path, len(files)))

  images = convert.stack_images(pixels, read_files, shape)
  labels = num_classes = None
  if with_labels:
    ids = class_ids(class_names)
    labels = np.array([ids[class_of(path, name)] for name in read_files],
                      np.int64)
    num_classes = max(ids.values()) + 1
  return ImageSet(images, labels, num_classes, os.path.basename(
      os.path.normpath(path)))


def class_ids(names):
  """The class id of each class sub-folder name.

  Args:
    names: the names of the class sub-folders.

  Returns:
    ids: `dict` from name to Python `int`: the number itself when every name
      is a non-negative integer (`'0'`, `'7'`), else the position of the name
      in sorted order.
  """
  names = sorted(set(names))
  if names_are_class_ids(names):
    return {name: int(name) for name in names}
  return {name: i for i, name in enumerate(names)}


def names_are_class_ids(names):
  """Whether class sub-folder `names` are the class ids themselves (`'0'`,
  `'7'`), rather than names numbered in sorted order."""
  names = list(names)
  return bool(names) and all(name.isdecimal() for name in names)


def class_of(root, path):
  """The class sub-folder of `root` that holds the file `path`, or `None`."""
  parts = os.path.relpath(path, root).split(os.sep)
  return parts[0] if len(parts) > 1 else None


def _is_image_name(name):
  return os.path.splitext(name)[1].lower() in IMAGE_EXTENSIONS


def _class_names(root, files):
  """Sorted names of the class sub-folders of `root` holding `files`."""
  if not os.path.isdir(root):
    raise DataError(
        '{}: labels need a folder with one sub-folder per class.'.format(root))
  loose = [f for f in files if os.path.dirname(f) == os.path.normpath(root)]
  if loose:
    raise DataError(
        '{}: labels need one sub-folder per class, but {} is directly in the '
        'folder.'.format(root, os.path.basename(loose[0])))
  return sorted({class_of(root, f) for f in files})


def _decode(path):
  """Decodes an image file to uint8 `[H, W, C]` with `C` in {1, 3, 4}."""
  try:
    with Image.open(path) as image:
      image.load()
      return _pixels(image)
  except FileNotFoundError:
    raise ImageReadError(path, 'no such file') from None
  except Image.DecompressionBombError as error:
    raise ImageReadError(path, error) from None
  except (OSError, SyntaxError, ValueError, EOFError) as error:
    reason = str(error) or type(error).__name__
    if reason.startswith('cannot identify image file'):
      reason = 'not an image file Pillow can decode'
    raise ImageReadError(path, reason) from None


def _pixels(image):
  """Returns the pixels of a Pillow image as uint8 `[H, W, C]`."""
  mode = image.mode
  if mode == 'P' or mode == 'PA':
    mode = 'L' if _has_gray_palette(image) else 'RGB'
    image = image.convert(mode)
  elif mode.startswith('I;16') or mode == 'I':
    values = np.asarray(image, np.float64) / 257.  # 65535 -> 255.
    return np.round(values).clip(0, 255).astype(np.uint8)[..., np.newaxis]
  elif mode in ('1', 'LA', 'La', 'F'):
    image = image.convert('L')
  elif mode not in ('L', 'RGB', 'RGBA'):
    image = image.convert('RGB')
  pixels = np.asarray(image, np.uint8)
  if pixels.ndim == 2:
    pixels = pixels[..., np.newaxis]
  return pixels


def _has_gray_palette(image):
  palette = image.getpalette()
  if not palette:
    return False
  colors = np.asarray(palette).reshape(-1, 3)
  return bool(np.all(colors == colors[:, :1]))
