"""Tests of how `tfp_pixel.export` writes a SavedModel: the target refused
in one line where it must be, and an old export replaced in one step, never
half-written, on success and on failure."""

import os

import numpy as np
import pytest
import tensorflow as tf

import tfp_pixel
from tfp_pixel.engine import exports


class _Scaled(exports.ExportModule):
  """A one-variable module: `scaled(x) = factor * x`."""

  def __init__(self, factor):
    self.factor = tf.Variable(float(factor))
    super().__init__([self.factor], {'factor': factor})
    self.scaled = tf.function(
        lambda x: {'y': self.factor * x},
        input_signature=[tf.TensorSpec([None], tf.float32, name='x')])

  def signatures(self):
    concrete = self.scaled.get_concrete_function()
    return {'serving_default': concrete, 'scaled': concrete}


def _factor_of(directory):
  loaded = tf.saved_model.load(str(directory))
  return float(loaded.signatures['scaled'](x=tf.constant([1.]))['y'][0])


def _leftovers(folder):
  return [name for name in os.listdir(folder) if name.startswith('.tmp')]


def test_writes_the_signatures_and_the_metadata(tmp_path):
  written = exports.save(_Scaled(2), tmp_path / 'model')
  assert written == str(tmp_path / 'model')
  assert _factor_of(written) == 2.
  metadata = exports.read_metadata(written)
  assert metadata['config'] == {'factor': 2}
  assert metadata['signatures'] == ['scaled', 'serving_default']
  assert metadata['tfp_pixel'] == tfp_pixel.__version__
  assert _leftovers(tmp_path) == []


def test_an_empty_folder_is_a_target(tmp_path):
  (tmp_path / 'model').mkdir()
  exports.save(_Scaled(2), tmp_path / 'model')
  assert _factor_of(tmp_path / 'model') == 2.


@pytest.mark.parametrize('exchange', [True, False],
                         ids=['renameat2', 'rename-aside'])
def test_overwrite_replaces_the_old_export(tmp_path, monkeypatch, exchange):
  exports.save(_Scaled(2), tmp_path / 'model')
  if not exchange:
    monkeypatch.setattr(exports, '_exchange', lambda *_: False)
  with pytest.raises(ValueError, match='not empty: pass --overwrite'):
    exports.save(_Scaled(3), tmp_path / 'model')
  assert _factor_of(tmp_path / 'model') == 2.
  exports.save(_Scaled(3), tmp_path / 'model', overwrite=True)
  assert _factor_of(tmp_path / 'model') == 3.
  assert _leftovers(tmp_path) == []


def test_a_failed_export_leaves_the_old_one_whole(tmp_path, monkeypatch):
  exports.save(_Scaled(2), tmp_path / 'model')
  before = sorted(os.listdir(tmp_path / 'model'))

  def fail(module, directory, signatures=None):
    del module, signatures
    with open(os.path.join(directory, 'saved_model.pb'), 'wb') as f:
      f.write(b'half')
    raise OSError('disk full')

  monkeypatch.setattr(tf.saved_model, 'save', fail)
  with pytest.raises(OSError, match='disk full'):
    exports.save(_Scaled(3), tmp_path / 'model', overwrite=True)
  assert sorted(os.listdir(tmp_path / 'model')) == before
  assert _factor_of(tmp_path / 'model') == 2.
  assert _leftovers(tmp_path) == []


def test_a_symbolic_link_or_a_file_is_refused(tmp_path):
  elsewhere = tmp_path / 'elsewhere'
  elsewhere.mkdir()
  (tmp_path / 'link').symlink_to(elsewhere)
  with pytest.raises(ValueError, match='is a symbolic link'):
    exports.save(_Scaled(2), tmp_path / 'link', overwrite=True)
  assert os.listdir(elsewhere) == []
  (tmp_path / 'file').write_text('mine')
  with pytest.raises(ValueError, match='is a file'):
    exports.save(_Scaled(2), tmp_path / 'file', overwrite=True)
  assert (tmp_path / 'file').read_text() == 'mine'


def test_the_export_is_readable_by_others(tmp_path):
  exports.save(_Scaled(2), tmp_path / 'model')
  mode = os.stat(tmp_path / 'model').st_mode & 0o777
  assert mode == 0o777 & ~_umask()


def _umask():
  mask = os.umask(0)
  os.umask(mask)
  return mask


def test_what_is_not_a_model_is_refused_in_one_line(tmp_path):
  with pytest.raises(ValueError, match='Cannot export a ndarray'):
    tfp_pixel.export(np.zeros(3), tmp_path / 'model')
  with pytest.raises(ValueError, match='is not a run directory'):
    tfp_pixel.export(str(tmp_path / 'missing'), tmp_path / 'model')
  assert not os.path.exists(tmp_path / 'model')
