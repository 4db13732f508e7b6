"""Tests of tfp_pixel.data: every image source, conversions and pipelines."""

import gzip
import io
import logging
import os
import pathlib
import shutil
import struct
import time
import tracemalloc
import warnings
import zipfile
import zlib

import numpy as np
from PIL import Image
import pytest

from tests import tiny_tfds
from tests.conftest import one_line_error
from tfp_pixel import data
from tfp_pixel.data import tfds_source

# Shared real data beside the project, never part of it.
MNIST_5K = (pathlib.Path(__file__).resolve().parents[2].parent / 'shared' /
            'data' / 'mnist-5k')

_RNG = np.random.default_rng(0)
# 8x8 RGB images in two classes, written losslessly (PNG, BMP) or lossily
# (JPEG, GIF).
_CAT_PNG = _RNG.integers(0, 256, (8, 8, 3), dtype=np.uint8)
_CAT_BMP = _RNG.integers(0, 256, (8, 8, 3), dtype=np.uint8)
_DOG_GIF = np.full((8, 8, 3), (200, 30, 90), np.uint8)
_DOG_JPG = np.full((8, 8, 3), 128, np.uint8)


@pytest.fixture
def image_folder(tmp_path):
  """A folder with class sub-folders `cat` and `dog`, one corrupt and one
  truncated PNG, and a text file."""
  root = tmp_path / 'pets'
  (root / 'cat').mkdir(parents=True)
  (root / 'dog' / 'puppies').mkdir(parents=True)
  Image.fromarray(_CAT_PNG).save(root / 'cat' / 'a.png')
  Image.fromarray(_CAT_BMP).save(root / 'cat' / 'b.BMP')
  Image.fromarray(_DOG_GIF).save(root / 'dog' / 'c.gif')
  Image.fromarray(_DOG_JPG).save(root / 'dog' / 'puppies' / 'd.jpeg',
                                 quality=95)
  (root / 'dog' / 'notes.txt').write_text('not an image')
  return root


def _add_broken_files(root):
  (root / 'cat' / 'corrupt.png').write_bytes(b'this is not a PNG file')
  png = io.BytesIO()
  Image.fromarray(_RNG.integers(0, 256, (64, 64, 3),
                                dtype=np.uint8)).save(png, 'PNG')
  (root / 'dog' / 'truncated.png').write_bytes(png.getvalue()[:400])
  return root / 'cat' / 'corrupt.png', root / 'dog' / 'truncated.png'


def _write_idx(path, array, magic, compress=False):
  header = struct.pack('>I', magic) + struct.pack(
      '>{}I'.format(array.ndim), *array.shape)
  content = header + array.astype(np.uint8).tobytes()
  path.write_bytes(gzip.compress(content) if compress else content)
  return path


def _png_header(width, height):
  """A gray 8-bit PNG of `width x height` pixels whose data stop after one
  row: enough for Pillow to open it."""
  def chunk(kind, body):
    return (struct.pack('>I', len(body)) + kind + body +
            struct.pack('>I', zlib.crc32(kind + body)))
  return (b'\x89PNG\r\n\x1a\n' +
          chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 0, 0, 0,
                                     0)) +
          chunk(b'IDAT', zlib.compress(b'\0' * (width + 1))) +
          chunk(b'IEND', b''))


def _one_line(error):
  message = str(error.value)
  assert '\n' not in message
  return message


class TestParseShape:

  @pytest.mark.parametrize('text, expected', [
      ('32x32x1', (32, 32, 1)),
      ('28x28', (28, 28, 1)),
      (' 8X16x3 ', (8, 16, 3)),
  ])
  def test_good(self, text, expected):
    assert data.parse_shape(text) == expected

  @pytest.mark.parametrize('text', [
      '32x32x2', '32x32x4', 'abc', '0x5x1', '32x32x1x1', '', '32', '3.5x4x1',
      '-3x4x1', 32,
  ])
  def test_bad(self, text):
    with pytest.raises(data.DataError) as error:
      data.parse_shape(text)
    _one_line(error)


class TestConvertImages:

  def test_gray_to_rgb_repeats_the_channel(self):
    gray = _RNG.integers(0, 256, (2, 5, 6, 1), dtype=np.uint8)
    rgb = data.convert_images(gray, (5, 6, 3))
    assert rgb.shape == (2, 5, 6, 3) and rgb.dtype == np.uint8
    for c in range(3):
      np.testing.assert_array_equal(rgb[..., c], gray[..., 0])

  def test_rgb_to_gray_matches_pillow(self):
    rgb = _RNG.integers(0, 256, (1, 6, 7, 3), dtype=np.uint8)
    gray = data.convert_images(rgb, '6x7x1')
    expected = np.asarray(Image.fromarray(rgb[0]).convert('L'))
    assert gray.shape == (1, 6, 7, 1)
    assert np.abs(gray[0, ..., 0].astype(int) - expected).max() <= 1
    red = np.zeros((1, 1, 1, 3), np.uint8)
    red[..., 0] = 255
    assert data.convert_images(red, (1, 1, 1))[0, 0, 0, 0] == 76

  def test_rgba_drops_alpha(self):
    rgba = _RNG.integers(0, 256, (3, 4, 4, 4), dtype=np.uint8)
    np.testing.assert_array_equal(
        data.convert_images(rgba, (4, 4, 3)), rgba[..., :3])
    np.testing.assert_array_equal(
        data.convert_images(rgba, None), rgba[..., :3])

  def test_other_channel_counts_are_rejected(self):
    with pytest.raises(data.DataError, match='has 2 channels; expected 1, 3'):
      data.convert_images(np.zeros((1, 4, 4, 2), np.uint8), (4, 4, 1))

  def test_shrinking_averages_areas(self):
    blocks = np.array([[10, 50], [90, 250]], np.uint8)
    images = np.kron(blocks, np.ones((2, 2), np.uint8))[None, :, :, None]
    shrunk = data.convert_images(images, (2, 2, 1))
    np.testing.assert_array_equal(shrunk[0, :, :, 0], blocks)
    halves = data.convert_images(np.array([[[[0], [100]]]], np.uint8),
                                 (1, 1, 1))
    assert halves[0, 0, 0, 0] == 50

  def test_enlarging_keeps_constant_images_and_range(self):
    constant = np.full((1, 3, 3, 1), 77, np.uint8)
    np.testing.assert_array_equal(
        data.convert_images(constant, (7, 5, 1)), np.full((1, 7, 5, 1), 77))
    ramp = np.arange(0, 256, 85, dtype=np.uint8).reshape(1, 1, 4, 1)
    wide = data.convert_images(ramp, (1, 10, 1))[0, 0, :, 0].astype(int)
    assert wide.min() == 0 and wide.max() == 255
    assert np.all(np.diff(wide) >= 0)

  def test_float_images(self):
    unit = np.array([[[0., 0.5], [1., 0.25]]])
    np.testing.assert_array_equal(
        data.convert_images(unit, None)[0, :, :, 0], [[0, 128], [255, 64]])
    bytes_range = np.array([[[0., 17.], [255., 3.]]])
    np.testing.assert_array_equal(
        data.convert_images(bytes_range, None)[0, :, :, 0],
        [[0, 17], [255, 3]])
    with pytest.raises(data.DataError, match='values'):
      data.convert_images(np.full((1, 2, 2), 300.), None)
    with pytest.raises(data.DataError, match='NaN'):
      data.convert_images(np.full((1, 2, 2), np.nan), None)

  def test_wrong_rank(self):
    with pytest.raises(data.DataError, match='shape'):
      data.convert_images(np.zeros((4, 4), np.uint8), (4, 4, 1))


class TestFolder:

  def test_list_image_files(self, image_folder):
    files = data.list_image_files(image_folder)
    names = [os.path.relpath(f, image_folder) for f in files]
    assert names == ['cat/a.png', 'cat/b.BMP', 'dog/c.gif',
                     'dog/puppies/d.jpeg']
    single = data.list_image_files([str(image_folder / 'dog'),
                                    image_folder / 'cat' / 'a.png',
                                    image_folder / 'dog' / 'notes.txt'])
    assert [os.path.basename(f) for f in single] == ['a.png', 'c.gif',
                                                     'd.jpeg']
    with pytest.raises(data.DataError, match='no such file'):
      data.list_image_files(image_folder / 'missing')

  def test_read_image(self, image_folder):
    png = data.read_image(image_folder / 'cat' / 'a.png')
    np.testing.assert_array_equal(png, _CAT_PNG)
    np.testing.assert_array_equal(
        data.read_image(image_folder / 'cat' / 'b.BMP'), _CAT_BMP)
    gif = data.read_image(image_folder / 'dog' / 'c.gif')
    assert gif.shape == (8, 8, 3)
    assert np.abs(gif.astype(int) - _DOG_GIF).max() <= 8
    jpeg = data.read_image(image_folder / 'dog' / 'puppies' / 'd.jpeg')
    assert np.abs(jpeg.astype(int) - 128).max() <= 3
    small = data.read_image(image_folder / 'cat' / 'a.png', '4x4x1')
    assert small.shape == (4, 4, 1) and small.dtype == np.uint8

  def test_read_gray_and_palette_images(self, tmp_path):
    gray = _RNG.integers(0, 256, (5, 4), dtype=np.uint8)
    Image.fromarray(gray).save(tmp_path / 'gray.png')
    np.testing.assert_array_equal(data.read_image(tmp_path / 'gray.png'),
                                  gray[..., None])
    Image.fromarray(gray).save(tmp_path / 'gray.gif')
    assert data.read_image(tmp_path / 'gray.gif').shape == (5, 4, 1)
    rgba = _RNG.integers(0, 256, (3, 3, 4), dtype=np.uint8)
    Image.fromarray(rgba).save(tmp_path / 'rgba.png')
    np.testing.assert_array_equal(data.read_image(tmp_path / 'rgba.png'),
                                  rgba[..., :3])

  def test_unreadable_files_raise_image_read_error(self, image_folder):
    corrupt, truncated = _add_broken_files(image_folder)
    for path in (corrupt, truncated):
      with pytest.raises(data.ImageReadError) as error:
        data.read_image(path)
      assert error.value.path == str(path)
      assert error.value.reason
      assert str(path) in _one_line(error)
      assert isinstance(error.value, data.DataError)
    with pytest.raises(data.ImageReadError, match='no such file'):
      data.read_image(image_folder / 'missing.png')

  def test_load_folder_with_labels_skips_unreadable_files(self, image_folder):
    _add_broken_files(image_folder)
    with pytest.warns(UserWarning, match='skipped') as caught:
      loaded = data.load_images(str(image_folder), with_labels=True)
    messages = [str(w.message) for w in caught if 'skipped' in str(w.message)]
    assert len(messages) == 2
    assert any('corrupt.png' in m for m in messages)
    assert any('truncated.png' in m for m in messages)
    assert all('\n' not in m for m in messages)
    assert loaded.images.shape == (4, 8, 8, 3)
    assert loaded.images.dtype == np.uint8
    np.testing.assert_array_equal(loaded.images[0], _CAT_PNG)
    np.testing.assert_array_equal(loaded.labels, [0, 0, 1, 1])
    assert loaded.labels.dtype == np.int64
    assert loaded.num_classes == 2 and loaded.name == 'pets'
    with pytest.warns(UserWarning, match='corrupt.png'):
      capped = data.load_images(image_folder, max_images=3)
    np.testing.assert_array_equal(capped.images, loaded.images[:3])

  def test_load_folder_converts_to_shape(self, image_folder):
    Image.fromarray(_RNG.integers(0, 256, (20, 12), dtype=np.uint8)).save(
        image_folder / 'dog' / 'big_gray.png')
    loaded = data.load_images(image_folder, shape=(6, 6, 1), max_images=5)
    assert loaded.images.shape == (5, 6, 6, 1)
    assert loaded.labels is None and loaded.num_classes is None

  def test_mixed_shapes_need_a_shape(self, image_folder):
    Image.fromarray(np.zeros((3, 3), np.uint8)).save(image_folder / 'cat' /
                                                     'tiny.png')
    with pytest.raises(data.DataError, match='differ in shape') as error:
      data.load_images(image_folder)
    _one_line(error)

  def test_empty_folder(self, tmp_path):
    (tmp_path / 'empty' / 'sub').mkdir(parents=True)
    with pytest.raises(data.DataError, match='no image files') as error:
      data.load_images(tmp_path / 'empty')
    _one_line(error)

  def test_only_unreadable_files(self, tmp_path):
    (tmp_path / 'bad.png').write_bytes(b'garbage')
    with pytest.raises(data.DataError, match='could be read'):
      with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        data.load_images(tmp_path)

  def test_labels_need_class_sub_folders(self, image_folder):
    Image.fromarray(_CAT_PNG).save(image_folder / 'loose.png')
    with pytest.raises(data.DataError, match='loose.png'):
      data.load_images(image_folder, with_labels=True)
    assert len(data.load_images(image_folder).images) == 5


  def test_integer_images(self, tmp_path):
    values = np.arange(64, dtype=np.int32).reshape(8, 8) * 4
    Image.fromarray(values).save(tmp_path / 'wide.tif')  # Mode I, 32 bits.
    np.testing.assert_array_equal(data.read_image(tmp_path / 'wide.tif'),
                                  values[..., None])
    sixteen = (values * 257).astype(np.uint16)
    Image.fromarray(sixteen).save(tmp_path / 'deep.png')  # Mode I;16.
    np.testing.assert_array_equal(data.read_image(tmp_path / 'deep.png'),
                                  values[..., None])
    # Pillow reads a 16-bit PGM as mode I, scaled to 16 bits.
    (tmp_path / 'deep.pgm').write_bytes(
        b'P5 8 8 65535\n' + sixteen.astype('>u2').tobytes())
    assert Image.open(tmp_path / 'deep.pgm').mode == 'I'
    np.testing.assert_array_equal(data.read_image(tmp_path / 'deep.pgm'),
                                  values[..., None])
    Image.fromarray(values * 10).save(tmp_path / 'large.tif')
    with pytest.raises(data.ImageReadError,
                       match=r'32-bit integer pixels in \[0, 2520\]'):
      data.read_image(tmp_path / 'large.tif')

  def test_large_images_are_decoded_one_at_a_time_and_smaller(
      self, tmp_path):
    folder = tmp_path / 'photos'
    folder.mkdir()
    for i in range(12):
      Image.fromarray(np.full((300, 300, 3), 20 * i, np.uint8)).save(
          folder / '{:02d}.png'.format(i))
    data.load_images(folder, shape=(8, 8, 1), max_images=1)  # Warm up.
    tracemalloc.start()
    try:
      loaded = data.load_images(folder, shape=(8, 8, 1))
      peak = tracemalloc.get_traced_memory()[1]
    finally:
      tracemalloc.stop()
    np.testing.assert_array_equal(
        loaded.images, np.arange(0, 240, 20).repeat(64).reshape(12, 8, 8, 1))
    # Each decoded image is 270 kB; all of them, with float copies: 24 MB.
    assert peak < 2e6

  def test_block_averages_then_area_averages(self, tmp_path):
    blocks = _RNG.integers(0, 256, (6, 9), dtype=np.uint8)
    Image.fromarray(np.kron(blocks, np.ones((40, 40), np.uint8))).save(
        tmp_path / 'blocks.png')
    np.testing.assert_array_equal(
        data.read_image(tmp_path / 'blocks.png', (6, 9, 1))[..., 0], blocks)

  def test_decoded_pixels_are_bounded(self, tmp_path):
    # The header of a 12000x12000 gray PNG: 144 million pixels once decoded.
    path = tmp_path / 'huge.png'
    path.write_bytes(_png_header(12000, 12000))
    with pytest.raises(data.ImageReadError) as error:
      data.read_image(path, (28, 28, 1))
    assert _one_line(error) == (
        'cannot read image {}: 12000x12000 pixels (144 million pixels) is '
        'more than the 67 million pixels an image may have decoded'.format(
            path))

  def test_a_folder_loads_within_the_bound(self, image_folder, monkeypatch):
    from tfp_pixel import bounds  # pylint: disable=g-import-not-at-top
    monkeypatch.setattr(bounds, 'MAX_LOADED_BYTES', 4 * 8 * 8)
    assert data.load_images(image_folder,
                            shape=(8, 8, 1)).images.shape == (4, 8, 8, 1)
    with pytest.raises(data.DataError) as error:
      data.load_images(image_folder, shape=(8, 8, 3))
    assert _one_line(error) == (
        '{}: 4 images of 8x8x3 need 768 bytes in memory, more than the 256 '
        'bytes a source may load; pass a smaller shape or a max_images.'
        .format(image_folder))


class TestIdx:

  @pytest.fixture
  def idx_files(self, tmp_path):
    images = _RNG.integers(0, 256, (5, 3, 4), dtype=np.uint8)
    labels = np.array([3, 0, 1, 3, 2], np.uint8)
    _write_idx(tmp_path / 'train-images-idx3-ubyte.gz', images, 2051, True)
    _write_idx(tmp_path / 'train-labels-idx1-ubyte.gz', labels, 2049, True)
    _write_idx(tmp_path / 't10k-images-idx3-ubyte', images[:2], 2051)
    _write_idx(tmp_path / 't10k-labels-idx1-ubyte', labels[:2], 2049)
    return tmp_path, images, labels

  def test_gzip_and_plain(self, idx_files):
    folder, images, labels = idx_files
    loaded = data.load_images(folder / 'train-images-idx3-ubyte.gz',
                              with_labels=True)
    np.testing.assert_array_equal(loaded.images, images[..., None])
    np.testing.assert_array_equal(loaded.labels, labels)
    assert loaded.num_classes == 4
    plain = data.load_images(str(folder / 't10k-images-idx3-ubyte'),
                             with_labels=True, shape=(6, 8, 3))
    assert plain.images.shape == (2, 6, 8, 3)
    np.testing.assert_array_equal(plain.labels, labels[:2])

  def test_folder_of_idx_files_follows_split(self, idx_files):
    folder, _, _ = idx_files
    assert len(data.load_images(folder).images) == 5
    assert len(data.load_images(folder, split='test').images) == 2

  def test_truncated_file(self, idx_files):
    folder, images, _ = idx_files
    path = folder / 'short-images-idx3-ubyte'
    _write_idx(path, images, 2051)
    path.write_bytes(path.read_bytes()[:-7])
    with pytest.raises(data.DataError, match='truncated') as error:
      data.load_images(path)
    assert str(path) in _one_line(error)
    gz_path = folder / 'short-images-idx3-ubyte.gz'
    gz_path.write_bytes(gzip.compress(path.read_bytes())[:30])
    with pytest.raises(data.DataError, match='truncated'):
      data.load_images(gz_path)

  def test_bad_magic_and_counts(self, idx_files):
    folder, images, labels = idx_files
    bad = _write_idx(folder / 'bad-images-idx3-ubyte', images, 0x12345678)
    with pytest.raises(data.DataError, match='not an IDX file'):
      data.load_images(bad)
    _write_idx(folder / 'odd-images-idx3-ubyte', images, 2051)
    _write_idx(folder / 'odd-labels-idx1-ubyte', labels[:3], 2049)
    with pytest.raises(data.DataError, match='3 labels for 5 images'):
      data.load_images(folder / 'odd-images-idx3-ubyte', with_labels=True)
    _write_idx(folder / 'lone-images-idx3-ubyte', images, 2051)
    with pytest.raises(data.DataError, match='no labels file'):
      data.load_images(folder / 'lone-images-idx3-ubyte', with_labels=True)

  def test_a_header_declaring_too_much_is_refused_unread(self, tmp_path):
    header = struct.pack('>IIII', 2051, 60000, 10000, 10000)
    path = tmp_path / 'huge-images-idx3-ubyte.gz'
    path.write_bytes(gzip.compress(header + b'\0\0\0'))
    with pytest.raises(data.DataError) as error:
      data.load_images(path)
    assert _one_line(error) == (
        '{}: its header declares 60000x10000x10000 of uint8 (5.46 TiB), more '
        'than the 2 GiB a source may load.'.format(path))
    assert data.count_images(path) == 60000

  def test_a_gzip_bomb_is_not_decompressed(self, tmp_path, monkeypatch):
    from tfp_pixel import bounds  # pylint: disable=g-import-not-at-top
    path = _write_idx(tmp_path / 'zeros-images-idx3-ubyte.gz',
                      np.zeros((100, 100, 100), np.uint8), 2051, True)
    assert path.stat().st_size < 5000
    monkeypatch.setattr(bounds, 'MAX_LOADED_BYTES', 10**5)
    with pytest.raises(data.DataError, match=r'100x100x100 of uint8 \(977 '
                       r'KiB\), more than the 97\.7 KiB'):
      data.load_images(path)

  def test_no_images(self, tmp_path):
    path = _write_idx(tmp_path / 'none-images-idx3-ubyte',
                      np.zeros((0, 4, 4), np.uint8), 2051)
    with pytest.raises(data.DataError, match='holds no images'):
      data.load_images(path)

  def test_real_mnist_5k(self):
    if not MNIST_5K.is_dir():
      pytest.skip('shared MNIST-5k data not found at {}'.format(MNIST_5K))
    mnist = data.load_images(MNIST_5K, with_labels=True)
    assert mnist.images.shape == (5000, 28, 28, 1)
    assert mnist.images.dtype == np.uint8
    np.testing.assert_array_equal(np.unique(mnist.labels), np.arange(10))
    np.testing.assert_array_equal(mnist.labels[:5], [7, 2, 1, 0, 4])
    assert mnist.num_classes == 10
    assert mnist.images.max() == 255 and mnist.images.min() == 0
    assert 20 < mnist.images.mean() < 50


class TestArrays:

  def test_npy(self, tmp_path):
    images = _RNG.integers(0, 256, (4, 5, 5), dtype=np.uint8)
    np.save(tmp_path / 'images.npy', images)
    loaded = data.load_images(tmp_path / 'images.npy')
    np.testing.assert_array_equal(loaded.images, images[..., None])
    np.save(tmp_path / 'unit.npy', images / 255.)
    np.testing.assert_array_equal(
        data.load_images(tmp_path / 'unit.npy').images, images[..., None])
    with pytest.raises(data.DataError, match='no labels'):
      data.load_images(tmp_path / 'images.npy', with_labels=True)

  def test_npz(self, tmp_path):
    images = _RNG.integers(0, 256, (6, 4, 4, 3), dtype=np.uint8)
    labels = np.array([1, 0, 1, 2, 2, 0])
    np.savez(tmp_path / 'xy.npz', x_train=images, y_train=labels)
    loaded = data.load_images(tmp_path / 'xy.npz', with_labels=True,
                              max_images=4)
    np.testing.assert_array_equal(loaded.images, images[:4])
    np.testing.assert_array_equal(loaded.labels, labels[:4])
    assert loaded.num_classes == 3 and loaded.name == 'xy.npz'
    np.savez_compressed(tmp_path / 'only.npz', pixels=images)
    assert data.load_images(tmp_path / 'only.npz',
                            shape='2x2x1').images.shape == (6, 2, 2, 1)
    np.savez(tmp_path / 'two.npz', a=images, b=labels)
    with pytest.raises(data.DataError, match='no image array'):
      data.load_images(tmp_path / 'two.npz')
    np.savez(tmp_path / 'named.npz', images=images, labels=labels[:5])
    with pytest.raises(data.DataError, match='5 labels for 6 images'):
      data.load_images(tmp_path / 'named.npz', with_labels=True)

  def test_unreadable_and_bad_channels(self, tmp_path):
    (tmp_path / 'broken.npz').write_bytes(b'PK\x03\x04 broken')
    with pytest.raises(data.DataError, match='broken.npz') as error:
      data.load_images(tmp_path / 'broken.npz')
    _one_line(error)
    np.save(tmp_path / 'five.npy', np.zeros((2, 3, 3, 5), np.uint8))
    with pytest.raises(data.DataError, match='has 5 channels; expected 1, 3'):
      data.load_images(tmp_path / 'five.npy')


  def test_empty_arrays_hold_no_images(self, tmp_path):
    np.save(tmp_path / 'empty.npy', np.zeros((0, 8, 8, 1), np.uint8))
    np.savez(tmp_path / 'empty.npz', images=np.zeros((0, 8, 8)),
             labels=np.zeros(0))
    for name, shape in (('empty.npy', '[0, 8, 8, 1]'),
                        ('empty.npz', '[0, 8, 8]')):
      with pytest.raises(data.DataError) as error:
        data.load_images(tmp_path / name)
      assert _one_line(error) == '{}: holds no images (an array of shape {}).'\
          .format(tmp_path / name, shape)

  def test_declared_sizes_are_checked_before_reading(self, tmp_path):
    # Headers of a terabyte of images, with no data behind them.
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {
        'descr': '|u1', 'fortran_order': False,
        'shape': (10**6, 1000, 1000)})
    with zipfile.ZipFile(tmp_path / 'bomb.npz', 'w') as archive:
      archive.writestr('images.npy', header.getvalue())
    with pytest.raises(data.DataError) as error:
      data.load_images(tmp_path / 'bomb.npz')
    assert _one_line(error) == (
        "{}: its array 'images' (1000000x1000x1000 of uint8) would need 931 "
        'GiB in memory, more than the 2 GiB a source may load.'.format(
            tmp_path / 'bomb.npz'))
    assert data.count_images(tmp_path / 'bomb.npz') == 10**6
    (tmp_path / 'bomb.npy').write_bytes(b'\x93NUMPY\x01\x00' + struct.pack(
        '<H', len(header.getvalue()) - 10) + header.getvalue()[10:])
    with pytest.raises(data.DataError, match='bomb.npy: not a readable'):
      data.load_images(tmp_path / 'bomb.npy')

  def test_a_zip_bomb_is_not_expanded(self, tmp_path, monkeypatch):
    from tfp_pixel import bounds  # pylint: disable=g-import-not-at-top
    np.savez_compressed(tmp_path / 'zeros.npz',
                        images=np.zeros((100, 100, 100), np.uint8))
    assert (tmp_path / 'zeros.npz').stat().st_size < 5000
    monkeypatch.setattr(bounds, 'MAX_LOADED_BYTES', 10**5)
    with pytest.raises(data.DataError, match=r"array 'images' \(100x100x100 "
                       r'of uint8\) would need 977 KiB'):
      data.load_images(tmp_path / 'zeros.npz')

  def test_npy_files_are_mapped_and_converted_in_chunks(self, tmp_path,
                                                       monkeypatch):
    from tfp_pixel import bounds  # pylint: disable=g-import-not-at-top
    images = _RNG.random((64, 64, 64))  # float64, 2 MB.
    np.save(tmp_path / 'floats.npy', images)
    expected = np.round(images.astype(np.float32) * 255).astype(np.uint8)
    monkeypatch.setattr(bounds, 'CONVERT_CHUNK_VALUES', 8 * 64 * 64)
    data.load_images(tmp_path / 'floats.npy', max_images=1)  # Warm up.
    tracemalloc.start()
    try:
      loaded = data.load_images(tmp_path / 'floats.npy')
      peak = tracemalloc.get_traced_memory()[1]
    finally:
      tracemalloc.stop()
    np.testing.assert_array_equal(loaded.images, expected[..., None])
    # The result (262 kB) and float32 copies of 8 images (131 kB each); the
    # whole file read and converted at once would take 5 MB.
    assert peak < 1e6


class TestOfflineDefault:

  def test_digits(self):
    digits = data.load_images(with_labels=True)
    assert digits.images.shape == (1797, 8, 8, 1)
    assert digits.images.dtype == np.uint8
    assert digits.images.min() == 0 and digits.images.max() == 255
    np.testing.assert_array_equal(np.unique(digits.labels), np.arange(10))
    assert digits.num_classes == 10 and digits.name == data.OFFLINE_DEFAULT_NAME
    per_image_std = digits.images.reshape(len(digits.images), -1).std(axis=1)
    assert per_image_std.min() > 10
    # Different digits look different: class means are far apart.
    means = [digits.images[digits.labels == k].mean(axis=0) for k in (0, 1)]
    assert np.abs(means[0] - means[1]).mean() > 20

  def test_shape_and_cap(self):
    digits = data.load_images(shape='16x16x3', max_images=10)
    assert digits.images.shape == (10, 16, 16, 3)
    assert digits.labels is None
    named = data.load_images(data.OFFLINE_DEFAULT_NAME, max_images=10)
    np.testing.assert_array_equal(
        data.convert_images(named.images, (16, 16, 3)), digits.images)


class TestLoadImagesArguments:

  @pytest.mark.parametrize('max_images', [0, -1, 2.5, 'ten', True])
  def test_bad_max_images(self, max_images):
    with pytest.raises(data.DataError, match='max_images'):
      data.load_images(max_images=max_images)

  @pytest.mark.parametrize('dataset', ['./missing', 'missing.png',
                                       'nothing.npz', '/no/such/folder'])
  def test_missing_paths(self, dataset):
    with pytest.raises(data.DataError, match='no such file') as error:
      data.load_images(dataset)
    _one_line(error)

  def test_unknown_file_type(self, tmp_path):
    (tmp_path / 'notes.txt').write_text('hello')
    with pytest.raises(data.DataError, match='unknown file type'):
      data.load_images(tmp_path / 'notes.txt')


@pytest.fixture(scope='module')
def tiny_tfds_name():
  """A TFDS data set whose one raw file is never downloadable
  (`tests.tiny_tfds`)."""
  pytest.importorskip('tensorflow_datasets')
  return tiny_tfds.registered_name()


def _sorted_by_content(images, labels):
  keys = [img.tobytes() + bytes([lab]) for img, lab in zip(images, labels)]
  order = np.argsort(keys)
  return images[order], labels[order]


class TestTfds:

  def test_offline_fails_fast_without_local_data(self, tmp_path,
                                                 tiny_tfds_name):
    start = time.time()
    with pytest.raises(data.DataError) as error:
      data.load_images(tiny_tfds_name, data_dir=tmp_path)
    assert time.time() - start < 30
    message = _one_line(error)
    assert 'network is unreachable' in message
    assert 'tiny-images.bin' in message and 'data_dir' in message

  def test_offline_error_logs_nothing_and_names_the_option(
      self, tmp_path, tiny_tfds_name, caplog, cli):
    with caplog.at_level(logging.WARNING):
      with pytest.raises(data.DataError) as error:
        data.load_images(tiny_tfds_name, data_dir=tmp_path / 'python')
    assert 'pass data_dir (a folder holding a prepared copy' in _one_line(
        error)
    assert not [r for r in caplog.records if r.name == 'absl'], (
        caplog.records)
    result = cli(['train', '--dataset', tiny_tfds_name, '--data-dir',
                  str(tmp_path / 'command'), '--epochs', '0', '--run',
                  str(tmp_path / 'run')])
    line = one_line_error(result)
    assert 'pass --data-dir DIR (a folder holding a prepared copy' in line
    assert 'data_dir' not in line and 'absl' not in result.output

  def test_real_tfds_name_offline_fails_fast(self, tmp_path):
    if tfds_source.network_reachable():
      pytest.skip('the network is reachable; TFDS would download')
    start = time.time()
    with pytest.raises(data.DataError) as error:
      data.load_images('mnist', data_dir=tmp_path / 'tfds')
    assert time.time() - start < 30
    assert 'mnist' in _one_line(error)
    assert 'train-images-idx3-ubyte.gz' in str(error.value)

  def test_unknown_name(self):
    with pytest.raises(data.DataError, match='not an existing file') as error:
      data.load_images('no_such_dataset_anywhere')
    _one_line(error)

  def test_prepares_from_manual_dir_then_reads_prepared_copy(
      self, tmp_path, tiny_tfds_name):
    manual = tmp_path / 'tfds' / 'downloads' / 'manual'
    manual.mkdir(parents=True)
    (manual / 'tiny-images.bin').write_bytes(tiny_tfds.RAW)
    train = data.load_images(tiny_tfds_name, data_dir=tmp_path / 'tfds',
                             with_labels=True)
    assert train.images.shape == (6, 4, 4, 1) and train.num_classes == 3
    assert train.name == tiny_tfds_name + ':train'
    for got, want in zip(
        _sorted_by_content(train.images, train.labels),
        _sorted_by_content(tiny_tfds.IMAGES[:6], tiny_tfds.LABELS[:6])):
      np.testing.assert_array_equal(got, want)

    # A copy of the prepared data set, without raw files, is enough.
    shutil.copytree(tmp_path / 'tfds' / tiny_tfds_name,
                    tmp_path / 'copy' / tiny_tfds_name)
    test = data.load_images(tiny_tfds_name + ':test',
                            data_dir=tmp_path / 'copy', shape=(2, 2, 3),
                            with_labels=True)
    assert test.images.shape == (2, 2, 2, 3)
    np.testing.assert_array_equal(np.sort(test.labels), np.sort(
        tiny_tfds.LABELS[6:]))
    capped = data.load_images(tiny_tfds_name, data_dir=tmp_path / 'copy',
                              max_images=3)
    assert capped.images.shape == (3, 4, 4, 1) and capped.labels is None
    with pytest.raises(data.DataError, match='validation') as error:
      data.load_images(tiny_tfds_name, data_dir=tmp_path / 'copy',
                       split='validation')
    _one_line(error)


class TestMakeDatasets:

  @staticmethod
  def _numbered_images(n):
    """Images whose pixels all hold their index, so batches reveal order."""
    return np.repeat(np.arange(n, dtype=np.uint8), 4).reshape(n, 2, 2, 1)

  @staticmethod
  def _ids(dataset):
    return [int(i) for batch in dataset.as_numpy_iterator()
            for i in (batch[0] if isinstance(batch, tuple) else batch)[:, 0,
                                                                         0, 0]]

  def test_split_is_deterministic_disjoint_and_complete(self):
    images = self._numbered_images(50)
    train, validation = data.make_datasets(images, batch_size=8,
                                           validation_fraction=0.2, seed=3)
    train_ids, validation_ids = self._ids(train), self._ids(validation)
    assert len(validation_ids) == 10 and len(train_ids) == 40
    assert sorted(train_ids + validation_ids) == list(range(50))
    again = data.make_datasets(images, batch_size=8, validation_fraction=0.2,
                               seed=3)[1]
    assert self._ids(again) == validation_ids
    other = data.make_datasets(images, batch_size=8, validation_fraction=0.2,
                               seed=4)[1]
    assert sorted(self._ids(other)) != sorted(validation_ids)

  def test_training_order_is_seeded_and_reshuffled(self):
    images = self._numbered_images(60)
    train, _ = data.make_datasets(images, batch_size=60, seed=1)
    first, second = self._ids(train), self._ids(train)
    assert sorted(first) == sorted(second) and first != second
    same_seed, _ = data.make_datasets(images, batch_size=60, seed=1)
    assert self._ids(same_seed) == first

  def test_batches_with_labels(self):
    images = self._numbered_images(10)
    labels = np.arange(10) * 2
    train, validation = data.make_datasets(images, labels, batch_size=4,
                                           validation_fraction=0.3)
    image_spec, label_spec = train.element_spec
    assert image_spec.dtype.name == 'uint8' and label_spec.dtype.name == 'int64'
    assert image_spec.shape.as_list() == [None, 2, 2, 1]
    batch_sizes = []
    for dataset in (train, validation):
      for batch_images, batch_labels in dataset.as_numpy_iterator():
        np.testing.assert_array_equal(batch_images[:, 0, 0, 0] * 2,
                                      batch_labels)
        batch_sizes.append(len(batch_images))
    assert sorted(batch_sizes) == [3, 3, 4]

  def test_two_images_give_a_validation_image(self):
    train, validation = data.make_datasets(self._numbered_images(2),
                                           validation_fraction=0.01)
    assert len(self._ids(train)) == 1 and len(self._ids(validation)) == 1

  def test_a_fraction_of_0_holds_nothing_out(self):
    # As texts do: `--validation-fraction 0` trains on every image.
    train, validation = data.make_datasets(self._numbered_images(5),
                                           validation_fraction=0.)
    assert len(self._ids(train)) == 5 and validation is None

  @pytest.mark.parametrize('kwargs, match', [
      (dict(validation_fraction=-.1), 'validation_fraction'),
      (dict(validation_fraction=1.), 'validation_fraction'),
      (dict(batch_size=0), 'batch_size'),
      (dict(labels=np.arange(3)), '3 labels for 4 images'),
      (dict(images=np.zeros((4, 2, 2, 1), np.float32)), 'uint8'),
      (dict(images=np.zeros((0, 2, 2, 1), np.uint8)), 'no images'),
  ])
  def test_bad_arguments(self, kwargs, match):
    arguments = dict(images=self._numbered_images(4))
    arguments.update(kwargs)
    with pytest.raises(data.DataError, match=match):
      data.make_datasets(**arguments)


class _WritesWhenUnpickled:
  """A payload whose unpickling would create the file `path`."""

  def __init__(self, path):
    self.path = str(path)

  def __reduce__(self):
    return (pathlib.Path.touch, (pathlib.Path(self.path),))


@pytest.mark.parametrize('suffix', ['.npy', '.npz'])
def test_pickled_arrays_are_refused_and_never_run(tmp_path, suffix):
  touched = tmp_path / 'ran'
  payload = np.empty((2,), dtype=object)
  payload[:] = [_WritesWhenUnpickled(touched), 1]
  path = tmp_path / ('images' + suffix)
  if suffix == '.npy':
    np.save(path, payload, allow_pickle=True)
  else:
    np.savez(path, images=payload)
  with pytest.raises(data.DataError) as refused:
    data.load_images(str(path))
  assert str(path) in str(refused.value)
  assert '\n' not in str(refused.value)
  assert not touched.exists()
