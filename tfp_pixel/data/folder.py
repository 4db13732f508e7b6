"""Images read with Pillow from files and folders, labelled by sub-folder."""

import os
import warnings

import numpy as np
from PIL import Image

from tfp_pixel import bounds
from tfp_pixel import interface
from tfp_pixel.data import convert
from tfp_pixel.data.errors import DataError
from tfp_pixel.data.errors import ImageReadError
from tfp_pixel.data.image_set import ImageSet

__all__ = [
    'IMAGE_EXTENSIONS',
    'class_ids',
    'class_of',
    'list_image_files',
    'load_folder',
    'names_are_class_ids',
    'read_image',
    'read_image_and_shape',
]

IMAGE_EXTENSIONS = ('.bmp', '.gif', '.jpeg', '.jpg', '.png')
# Formats whose `I`-mode images Pillow widens from 16-bit samples.
_SIXTEEN_BIT_FORMATS = ('PNG', 'PPM')


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


def read_image(path, shape=None):
  """Reads one image file (PNG, JPEG, BMP, GIF, ...) with Pillow.

  Palette images become RGB (gray when the palette is gray), 16-bit images are
  scaled to 8 bits, 32-bit integer images must hold 8-bit values (0 to 255),
  and alpha channels are dropped. Of an animation, the first frame is read.
  An image much larger than `shape` is decoded smaller (a JPEG's draft
  scaling, then Pillow's `reduce`: block averages) down to at least twice
  `shape`, then area-averaged to it, so that one large file never costs more
  than its decoded pixels. A file of more than `bounds.MAX_IMAGE_PIXELS`
  decoded pixels is refused.

  Args:
    path: the image file.
    shape: optional `(height, width, channels)` (or text like `'28x28x1'`) to
      convert the image to; `None` keeps its size and channels.

  Returns:
    image: uint8 `np.ndarray` of shape `[H, W, C]`, `C` being 1 or 3.

  Raises:
    ImageReadError: if the file cannot be opened or decoded, is truncated, is
      not an image, or is too large.
    DataError: if `shape` is invalid.
  """
  return read_image_and_shape(path, shape)[0]


def read_image_and_shape(path, shape=None):
  """`read_image`, and the image's own shape before any conversion.

  Returns:
    image: uint8 `np.ndarray` `[H, W, C]`, as `read_image` returns it.
    source_shape: `(height, width, channels)` of the file (`channels` 1 or
      3, as read before any conversion to `shape`).

  Raises:
    As `read_image`.
  """
  if shape is not None:
    shape = convert.check_shape(shape)
  pixels, size = _decode(path, None if shape is None else shape[:2])
  image = convert.convert_images(pixels[np.newaxis], shape, source=path)[0]
  return image, size + pixels.shape[-1:]


def load_folder(path, shape=None, with_labels=False, max_images=None):
  """Loads the images under `path`; labels are class sub-folders.

  With `with_labels`, each immediate sub-folder of `path` is a class (see
  `class_ids`: sub-folders named `0`, `1`, ... are those classes, other names
  get ids 0, 1, ... in sorted order). Files that cannot be read are skipped
  with one warning each. Images are decoded and converted one at a time, so
  that only the converted images are held.

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
      `shape` is given, labels are asked for but there are no class
      sub-folders, or the images need more than `bounds.MAX_LOADED_BYTES`.
  """
  path = os.fspath(path)
  files = list_image_files(path)
  if not files:
    raise DataError('{}: no image files ({}) found.'.format(
        path, ', '.join(IMAGE_EXTENSIONS)))
  class_names = _class_names(path, files) if with_labels else None
  count = len(files) if max_images is None else min(len(files), max_images)
  images, read_files = None, []
  for name in files:
    if len(read_files) == count:
      break
    try:
      image = read_image(name, shape)
    except ImageReadError as error:
      warnings.warn('{} (skipped)'.format(error), stacklevel=2)
      continue
    if images is None:
      images = _allocate(path, count, image.shape)
    elif image.shape != images.shape[1:]:
      raise DataError(
          'images differ in shape: {} is {} but {} is {}; pass a shape such '
          'as 28x28x1 to convert them.'.format(
              read_files[0], _format(images.shape[1:]), name,
              _format(image.shape)))
    images[len(read_files)] = image
    read_files.append(name)
  if not read_files:
    raise DataError('{}: none of the {} image files could be read.'.format(
        path, len(files)))
  images = images[:len(read_files)]
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


def _decode(path, size=None):
  """Decodes an image file to uint8 `[H, W, C]`, `C` in {1, 3}.

  Args:
    path: the image file.
    size: optional `(height, width)` the image is to be converted to: a
      larger image is decoded smaller, down to at least twice this size.

  Returns:
    pixels: uint8 `np.ndarray` `[H, W, C]`.
    source_size: `(height, width)` of the file.

  Raises:
    ImageReadError: if the file cannot be read or has too many pixels.
  """
  try:
    with warnings.catch_warnings():
      # Pillow warns of images above its own limit; ours is lower.
      warnings.simplefilter('ignore', Image.DecompressionBombWarning)
      with Image.open(path) as image:
        source_size = image.size[::-1]
        if size is not None:
          image.draft(None, (2 * size[1], 2 * size[0]))
        width, height = image.size
        if width * height > bounds.MAX_IMAGE_PIXELS:
          raise ImageReadError(path, '{}x{} pixels ({}) is more than the {} '
                               'an image may have decoded'.format(
                                   width, height,
                                   bounds.format_pixels(width * height),
                                   bounds.format_pixels(
                                       bounds.MAX_IMAGE_PIXELS)))
        image.load()
        return _pixels(image, size), source_size
  except ImageReadError:
    raise
  except FileNotFoundError:
    raise ImageReadError(path, 'no such file') from None
  except Image.DecompressionBombError as error:
    raise ImageReadError(path, error) from None
  except (OSError, SyntaxError, ValueError, EOFError) as error:
    reason = str(error) or type(error).__name__
    if reason.startswith('cannot identify image file'):
      reason = 'not an image file Pillow can decode'
    raise ImageReadError(path, reason) from None


def _pixels(image, size):
  """The pixels of a loaded Pillow image as uint8 `[H, W, C]`, `C` in {1, 3},
  block-averaged down to at least twice `size` when it is given."""
  mode = image.mode
  if mode == 'P' or mode == 'PA':
    image = image.convert('L' if _has_gray_palette(image) else 'RGB')
  elif mode.startswith('I'):
    image = Image.fromarray(_eight_bit(image))
  elif mode in ('1', 'LA', 'La', 'F'):
    image = image.convert('L')
  elif mode != 'L':
    image = image.convert('RGB')  # Drops alpha.
  if size is not None:
    factor = min(image.height // (2 * size[0]), image.width // (2 * size[1]))
    if factor >= 2:
      image = image.reduce(factor)
  pixels = np.asarray(image, np.uint8)
  if pixels.ndim == 2:
    pixels = pixels[..., np.newaxis]
  return pixels


def _eight_bit(image):
  """The uint8 `[H, W]` values of an integer-mode (`I`, `I;16`) image.

  16-bit samples (`I;16` modes; the `I` mode Pillow gives 16-bit PNG and
  PGM/PPM files) are scaled, 65535 to 255. Other `I` images hold 32-bit
  integers, taken as they are: they must be 8-bit values.

  Raises:
    ValueError: if 32-bit integers lie outside 0 to 255.
  """
  values = np.asarray(image)
  if image.mode.startswith('I;16') or image.format in _SIXTEEN_BIT_FORMATS:
    # round(v / 257) in integers: v / 257 is never halfway between two.
    return ((values.astype(np.uint32) * 2 + 257) // 514).astype(np.uint8)
  low, high = int(values.min(initial=0)), int(values.max(initial=0))
  if low < 0 or high > 255:
    raise ValueError('32-bit integer pixels in [{}, {}]; expected 8-bit '
                     'values (0 to 255)'.format(low, high))
  return values.astype(np.uint8)


def _allocate(source, count, shape):
  """An uninitialized uint8 `[count, *shape]` array, within the bound."""
  needed = count * int(np.prod(shape))
  if needed > bounds.MAX_LOADED_BYTES:
    raise DataError(
        '{}: {} images of {} need {} in memory, more than the {} a source may '
        'load; pass a smaller {} or a {}.'.format(
            source, count, _format(shape), bounds.format_bytes(needed),
            bounds.format_bytes(bounds.MAX_LOADED_BYTES),
            interface.argument('shape'), interface.argument('max_images')))
  return np.empty((count,) + tuple(shape), np.uint8)


def _format(shape):
  return 'x'.join(str(d) for d in shape)


def _has_gray_palette(image):
  palette = image.getpalette()
  if not palette:
    return False
  colors = np.asarray(palette).reshape(-1, 3)
  return bool(np.all(colors == colors[:, :1]))
