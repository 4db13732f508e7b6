"""The SavedModel of a VQ-VAE run (`tfp_pixel.engine.exports`), served where
neither tfp_pixel nor TensorFlow Probability can be imported: its
reconstructions, codes and decoded images are the live model's; requests
beyond its bounds fail."""

import json
import os

import numpy as np
import pytest
import tensorflow as tf

import tfp_pixel
from tfp_pixel.autoencoders import vqvae as vqvae_lib
from tfp_pixel.engine import exports
from tfp_pixel.engine import runs
from tfp_pixel.engine.kinds import autoencoder
from tfp_pixel.engine.kinds.autoencoder import export as vqvae_export

from tests import code_runs
from tests import served_exports

_SHAPE = (8, 8, 3)


def _images(count, seed):
  return code_runs.images(count, seed, _SHAPE)


def _code_inputs(codes):
  levels = codes if isinstance(codes, tuple) else (codes,)
  names = ['codes'] if len(levels) == 1 else ['top_codes', 'bottom_codes']
  return {name: np.asarray(level) for name, level in zip(names, levels)}


@pytest.fixture(scope='module', params=[
    1, pytest.param(2, marks=pytest.mark.slow)], ids=['vqvae', 'vqvae2'])
def served(request, tmp_path_factory):
  """A VQ-VAE run exported and served once: every signature called."""
  path = tmp_path_factory.mktemp('vqvae_export')
  run_dir = str(path / 'run')
  code_runs.save_run(run_dir, code_runs.vqvae_config(request.param, _SHAPE))
  live = tfp_pixel.load(run_dir)
  target = exports.export_run(run_dir, str(path / 'export'))
  images = _images(4, seed=0)
  codes = _code_inputs(live.encode(_images(3, seed=1)))
  calls = [('serving_default', {'images': images}),
           ('reconstruct', {'images': images}),
           ('encode', {'images': images}),
           ('decode', codes)]
  results, signatures = served_exports.serve(target, calls, str(path))
  return code_runs.Served(request.param, run_dir, target, live, images, codes, results,
                signatures)


def test_the_export_has_the_signatures_and_the_run_config(served):
  assert served.signatures == ['decode', 'encode', 'reconstruct',
                               'serving_default']
  with open(os.path.join(served.target, exports.METADATA)) as f:
    metadata = json.load(f)
  assert metadata['config'] == runs.read_config(served.run_dir)
  assert metadata['signatures'] == served.signatures


def test_served_reconstructions_are_the_live_ones(served):
  expected = served.live.reconstruct(served.images).numpy()
  for outputs in served.results[:2]:
    assert list(outputs) == ['images']
    assert outputs['images'].dtype == np.uint8
    np.testing.assert_array_equal(outputs['images'], expected)
  # Untrained, yet not one value everywhere: the comparison can fail.
  assert len(np.unique(expected)) > 2


def test_served_codes_and_decoded_images_are_the_live_ones(served):
  encoded = served.results[2]
  expected = _code_inputs(served.live.encode(served.images))
  assert sorted(encoded) == sorted(expected)
  for name, codes in expected.items():
    assert encoded[name].dtype == np.int32
    np.testing.assert_array_equal(encoded[name], codes)
  levels = list(served.codes.values())
  decoded = vqvae_lib.most_likely_images(served.live.decode(
      levels[0] if len(levels) == 1 else tuple(levels)))
  np.testing.assert_array_equal(served.results[3]['images'], decoded)


def test_requests_beyond_the_bounds_fail(served):
  loaded = tf.saved_model.load(served.target)
  most = vqvae_export.MAX_SCORE_VALUES // int(np.prod(_SHAPE))
  with pytest.raises(tf.errors.InvalidArgumentError,
                     match='at most {} images per call'.format(most)):
    loaded.signatures['reconstruct'](
        images=tf.zeros([most + 1, *_SHAPE], tf.uint8))
  with pytest.raises(tf.errors.InvalidArgumentError, match='at least one'):
    loaded.signatures['encode'](images=served.images[:0])
  for name in served.codes:
    for value, message in ((5, 'codes must be below 5'),
                           (-1, 'a negative code')):
      codes = dict(served.codes)
      codes[name] = np.full_like(codes[name], value)
      with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        loaded.signatures['decode'](**codes)
  if served.hierarchy == 2:
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match='as many top_codes as bottom_codes'):
      loaded.signatures['decode'](top_codes=served.codes['top_codes'][:1],
                                  bottom_codes=served.codes['bottom_codes'])


def test_the_kind_exports_vqvaes_alone(served):
  module = autoencoder.export_module(served.live)
  assert isinstance(module, vqvae_export.VQVAEExport)
  assert module.config['hierarchy'] == served.hierarchy
  assert autoencoder.export_module(object()) is None
