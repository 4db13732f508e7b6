"""`load_images`: one entry point for every source of images."""

import os

from tfp_pixel.data import arrays
from tfp_pixel.data import convert
from tfp_pixel.data import folder
from tfp_pixel.data import idx
from tfp_pixel.data import offline_default
from tfp_pixel.data import tfds_source
from tfp_pixel.data.errors import DataError
from tfp_pixel.data.image_set import check_max_images

__all__ = ['count_images', 'load_images']


def load_images(dataset=None, shape=None, data_dir=None, split='train',
                with_labels=False, max_images=None):
  """Loads images into memory from any supported source.

  `dataset` chooses the source:

  * `None` (or `'sklearn_digits'`): the offline default, the 1,797 real 8x8
    handwritten digits bundled with scikit-learn, with labels 0-9.
  * a folder: its PNG/JPEG/BMP/GIF images, searched recursively; labels come
    from class sub-folders (named by class id `0`, `1`, ..., or by any names,
    which get ids 0, 1, ... in sorted order). Unreadable files
    are skipped with a warning. A folder without images but with IDX files uses
    the IDX images file whose name contains `split` (`t10k` for `test`).
  * an IDX images file (`*-idx3-ubyte` or `*-idx3-ubyte.gz`); labels from the
    `*-idx1-ubyte[.gz]` file beside it.
  * a `.npy` file (images) or `.npz` file (arrays `images`/`x`/`x_train` and
    `labels`/`y`/`y_train`), or a single image file.
  * anything else is a TFDS name such as `'mnist'`, `'cifar10'` or
    `'mnist:test'` (a split after the colon overrides `split`), read from or
    prepared in `data_dir`. With no network and no local copy this fails in
    seconds with a `DataError` that says what to do instead.

  Args:
    dataset: Python `str` (or path) naming the source, or `None`.
    shape: optional `(height, width, channels)` or text like `'28x28x1'`;
      every image is resized and converted gray <-> RGB to it. `None` keeps
      the source's shape (alpha channels are always dropped).
    data_dir: TFDS data folder, for TFDS names only.
    split: TFDS split, or which IDX file of a folder to use.
    with_labels: Python `bool`, whether to return class labels; a source
      without labels is then a `DataError`.
    max_images: optional positive `int`, keep only the first `max_images`.

  Returns:
    image_set: an `ImageSet` of uint8 images `[N, H, W, C]`, with labels when
      `with_labels`.

  Raises:
    DataError: with a one-line message naming the source and the problem.
  """
  shape = None if shape is None else convert.check_shape(shape)
  max_images = check_max_images(max_images)
  options = dict(shape=shape, with_labels=with_labels, max_images=max_images)
  if dataset is None or dataset == offline_default.OFFLINE_DEFAULT_NAME:
    return offline_default.load_offline_default(**options)
  dataset = os.path.expanduser(os.fspath(dataset))
  if not dataset.strip():
    raise DataError('dataset is empty; give a folder, a file or a TFDS name.')
  if os.path.isdir(dataset):
    return _load_folder(dataset, split, options)
  if os.path.isfile(dataset):
    return _load_file(dataset, options)
  if _looks_like_path(dataset):
    raise DataError('{}: no such file or folder.'.format(dataset))
  name, _, name_split = dataset.partition(':')
  return tfds_source.load_tfds(name.strip(), split=name_split.strip() or split,
                               data_dir=data_dir, **options)


def is_dataset_name(dataset):
  """Whether `dataset` names a TFDS data set (`name[/version][:split]`)
  rather than a file or folder: it is not on disk and does not look like a
  path."""
  dataset = os.path.expanduser(os.fspath(dataset))
  return bool(dataset.strip()) and not os.path.exists(dataset) and (
      not _looks_like_path(dataset))


def count_images(path):
  """The number of images an array file (`.npy`, `.npz`, IDX) declares in
  its header, without reading its data.

  Raises:
    DataError: if the file cannot be read or is not such a file.
  """
  path = os.fspath(path)
  if os.path.splitext(path)[1].lower() in arrays.ARRAY_EXTENSIONS:
    return arrays.count_images(path)
  if idx.is_idx_file(path):
    return idx.count_images(path)
  raise DataError('{}: not an array file (.npy, .npz or IDX).'.format(path))


def _load_folder(path, split, options):
  if folder.list_image_files(path):
    return folder.load_folder(path, **options)
  idx_files = sorted(
      os.path.join(path, name) for name in os.listdir(path)
      if idx.is_idx_file(name) and 'idx1' not in name.lower())
  if len(idx_files) > 1:
    prefixes = ('t10k', 'test') if split.startswith('test') else (split,)
    idx_files = [
        f for f in idx_files
        if os.path.basename(f).lower().startswith(prefixes)
    ] or idx_files
  if len(idx_files) == 1:
    return idx.load_idx(idx_files[0], **options)
  if idx_files:
    raise DataError('{}: several IDX image files ({}); pass one of them.'
                    .format(path, ', '.join(map(os.path.basename, idx_files))))
  raise DataError('{}: no image files ({}) or IDX files found.'.format(
      path, ', '.join(folder.IMAGE_EXTENSIONS)))


def _load_file(path, options):
  extension = os.path.splitext(path)[1].lower()
  if extension in arrays.ARRAY_EXTENSIONS:
    return arrays.load_arrays(path, **options)
  if extension in folder.IMAGE_EXTENSIONS:
    return folder.load_folder(path, **options)
  if idx.is_idx_file(path):
    return idx.load_idx(path, **options)
  raise DataError(
      '{}: unknown file type; expected an image ({}), an IDX file '
      '(*-idx3-ubyte[.gz]) or {}.'.format(
          path, ', '.join(folder.IMAGE_EXTENSIONS),
          ' / '.join(arrays.ARRAY_EXTENSIONS)))


def _looks_like_path(dataset):
  """Whether a missing `dataset` was meant as a path rather than a TFDS name."""
  extension = os.path.splitext(dataset)[1].lower()
  parent = os.path.dirname(dataset)
  return (os.path.isabs(dataset) or dataset.startswith('.') or
          bool(parent and os.path.isdir(parent)) or
          extension in folder.IMAGE_EXTENSIONS + arrays.ARRAY_EXTENSIONS or
          idx.is_idx_file(dataset))
