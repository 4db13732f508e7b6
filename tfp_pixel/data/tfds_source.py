"""Images from TensorFlow Datasets (TFDS), failing fast when offline.

`tfds.load` of a data set that is not prepared locally downloads it, and with
no network that retries for minutes before failing. Here a data set is only
downloaded after a short connection check; offline it is prepared from raw
files already on disk (TFDS's manual folder or download cache), or a one-line
`DataError` says what to do instead.
"""

import contextlib
import logging
import os
import socket
import threading
import urllib.parse

import numpy as np

from tfp_pixel import interface
from tfp_pixel.data import convert
from tfp_pixel.data.errors import DataError
from tfp_pixel.data.image_set import ImageSet

__all__ = ['load_tfds', 'network_reachable']

_DEFAULT_HOST = 'storage.googleapis.com'
_CONNECT_TIMEOUT_SECONDS = 2.
_BATCH_SIZE = 1024


def load_tfds(name, split='train', data_dir=None, shape=None,
              with_labels=False, max_images=None):
  """Loads an image data set of TFDS into memory.

  Args:
    name: TFDS name, e.g. `'mnist'`, `'cifar10'` or `'mnist/3.0.1'`.
    split: TFDS split, e.g. `'train'`, `'test'` or `'train[:10%]'`.
    data_dir: TFDS data folder (default `~/tensorflow_datasets`); a prepared
      data set is read from `<data_dir>/<name>/<version>/`, raw files from
      `<data_dir>/downloads/manual/`.
    shape: optional target `(height, width, channels)`; needed when the data
      set's images vary in size.
    with_labels: Python `bool`, whether to return the class labels.
    max_images: optional cap on the number of images (the first ones).

  Returns:
    image_set: an `ImageSet` named `'<name>:<split>'`.

  Raises:
    DataError: if the name is unknown, the data set is not prepared and cannot
      be downloaded, has no image (or, with `with_labels`, class label)
      feature, or the split does not exist.
  """
  tfds = _import_tfds()
  builder = _builder(tfds, name, data_dir)
  with _quiet_absl_warnings():
    prepared = builder.is_prepared()
  if not prepared:
    _prepare(tfds, builder, name)
  image_key, label_key = _feature_keys(tfds, builder, name, with_labels)
  sliced = max_images is not None and '[' not in split
  try:
    dataset = builder.as_dataset(
        split='{}[:{}]'.format(split, max_images) if sliced else split,
        shuffle_files=False)
  except (ValueError, KeyError, AssertionError) as error:
    raise DataError('TFDS dataset {!r}: cannot read split {!r} (splits: {}): '
                    '{}'.format(name, split, ', '.join(builder.info.splits),
                                _one_line(error))) from None
  if max_images is not None and not sliced:
    dataset = dataset.take(max_images)
  source = '{}:{}'.format(name, split)
  images, labels = _collect(dataset, image_key, label_key,
                            builder.info.features[image_key].shape, source,
                            shape)
  num_classes = None
  if label_key is not None:
    num_classes = builder.info.features[label_key].num_classes
  return ImageSet(images, labels, num_classes, source)


def network_reachable(host=_DEFAULT_HOST, port=443,
                      timeout=_CONNECT_TIMEOUT_SECONDS):
  """Whether a TCP connection to `host:port` opens within `timeout` seconds.

  The name lookup is bounded by the same timeout.
  """
  outcome = []

  def connect():
    try:
      socket.create_connection((host, port), timeout=timeout).close()
      outcome.append(True)
    except OSError:
      outcome.append(False)

  thread = threading.Thread(target=connect, daemon=True)
  thread.start()
  thread.join(timeout + 1.)
  return bool(outcome and outcome[0])


def _import_tfds():
  """Imports TFDS on first use: it takes seconds."""
  import tensorflow_datasets as tfds  # pylint: disable=g-import-not-at-top
  return tfds


@contextlib.contextmanager
def _quiet_absl_warnings():
  """Drops TFDS's absl warnings, such as the one that a data set not yet
  prepared has no `dataset_info.json`: `_prepare` explains in one line."""
  logger = logging.getLogger('absl')
  level = logger.level
  logger.setLevel(logging.ERROR)
  try:
    yield
  finally:
    logger.setLevel(level)


def _builder(tfds, name, data_dir):
  try:
    return tfds.builder(name, data_dir=data_dir)
  except tfds.core.registered.DatasetNotFoundError:
    raise DataError(
        '{!r} is not an existing file or folder, nor a TFDS dataset name '
        '(e.g. mnist, cifar10).'.format(name)) from None
  except (ValueError, KeyError, AttributeError) as error:
    raise DataError('TFDS dataset {!r}: {}'.format(
        name, _one_line(error))) from None


def _prepare(tfds, builder, name):
  """Prepares the data set from local raw files, or downloads it if online."""
  download_dir = builder.data_dir_root / 'downloads'
  manual_dir = download_dir / 'manual'
  url_infos = type(builder).url_infos or {}
  if _raw_files_present(tfds, builder, url_infos, download_dir, manual_dir):
    config = tfds.download.DownloadConfig(try_download_gcs=False)
  elif _urls_reachable(url_infos):
    config = None
  else:
    raise DataError(
        'TFDS dataset {!r} is not prepared in {} and the network is '
        'unreachable: pass {} (a folder holding a prepared copy, {}/), put '
        'its raw files{} in {}, or use a folder of images, an IDX file or an '
        '.npz file instead.'.format(
            name, builder.data_dir_root, interface.argument('data_dir'),
            os.path.relpath(builder.data_dir, builder.data_dir_root),
            _raw_file_names(url_infos), manual_dir))
  try:
    builder.download_and_prepare(download_dir=download_dir,
                                 download_config=config)
  except Exception as error:  # pylint: disable=broad-except
    # TFDS raises many kinds of errors from its downloads and generators.
    raise DataError('TFDS dataset {!r} could not be prepared: {}'.format(
        name, _one_line(error))) from None


def _raw_files_present(tfds, builder, url_infos, download_dir, manual_dir):
  """Whether every raw file is in the manual folder or download cache."""
  if not url_infos:
    return bool(builder.MANUAL_DOWNLOAD_INSTRUCTIONS and manual_dir.is_dir()
                and any(manual_dir.iterdir()))
  for url, info in url_infos.items():
    in_manual_dir = info.filename and (manual_dir / info.filename).exists()
    cached_name = tfds.download.resource.get_dl_fname(url, info.checksum)
    cached = (download_dir / cached_name).exists()
    if not (in_manual_dir or cached):
      return False
  return True


def _raw_file_names(url_infos, shown=4):
  """Returns `' (a.gz, b.gz)'`, the raw files to put in the manual folder."""
  names = sorted(info.filename for info in url_infos.values() if info.filename)
  if not names:
    return ''
  more = ', ...' if len(names) > shown else ''
  return ' ({}{})'.format(', '.join(names[:shown]), more)


def _urls_reachable(url_infos):
  hosts = {urllib.parse.urlparse(url).hostname for url in url_infos}
  hosts.discard(None)
  host = min(hosts) if hosts else _DEFAULT_HOST
  return network_reachable(host)


def _feature_keys(tfds, builder, name, with_labels):
  """Returns the keys of the image feature and of the label (or `None`)."""
  features = builder.info.features
  image_keys = [k for k, f in features.items()
                if isinstance(f, tfds.features.Image)]
  if not image_keys:
    raise DataError('TFDS dataset {!r} has no image feature.'.format(name))
  label_key = None
  if with_labels:
    label_keys = [k for k, f in features.items()
                  if isinstance(f, tfds.features.ClassLabel) and
                  not f.shape]
    if not label_keys:
      raise DataError('TFDS dataset {!r} has no class label feature.'.format(
          name))
    label_key = 'label' if 'label' in label_keys else label_keys[0]
  image_key = 'image' if 'image' in image_keys else image_keys[0]
  return image_key, label_key


def _collect(dataset, image_key, label_key, image_shape, source, shape):
  """Reads all examples into `(images, labels)` numpy arrays."""
  def select(example):
    label = example[label_key] if label_key is not None else 0
    return example[image_key], label

  dataset = dataset.map(select)
  if None in image_shape:
    examples = list(dataset.as_numpy_iterator())
    _check_not_empty(examples, source)
    images = convert.stack_images([e[0] for e in examples],
                                  [source] * len(examples), shape)
    labels = [e[1] for e in examples]
  else:
    batches = list(dataset.batch(_BATCH_SIZE).as_numpy_iterator())
    _check_not_empty(batches, source)
    images = convert.convert_images(
        np.concatenate([b[0] for b in batches]), shape, source=source)
    labels = np.concatenate([b[1] for b in batches])
  labels = np.asarray(labels, np.int64) if label_key is not None else None
  return images, labels


def _check_not_empty(examples, source):
  if not examples:
    raise DataError('{}: the split holds no images.'.format(source))


def _one_line(error):
  return ' '.join(str(error).split())[:300] or type(error).__name__
