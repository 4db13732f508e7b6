"""The SavedModel of a prior run (a VQ-VAE and the prior(s) over its codes),
served where neither tfp_pixel nor TensorFlow Probability can be imported:
its bound is what `tfp-pixel score` reports, its samples (images and codes)
the live `TwoStageModel`'s for the same seed and temperature, and its
codes, decoded images and reconstructions the VQ-VAE's.

One grid of codes is exported from its run folder (`export_run`); VQ-VAE-2
as the live model loaded from its run (`export`)."""

import json
import os

import numpy as np
import pytest
import tensorflow as tf

import tfp_pixel
from tfp_pixel.autoencoders import vqvae as vqvae_lib
from tfp_pixel.code_priors import two_stage
from tfp_pixel.engine import exports
from tfp_pixel.engine import loading
from tfp_pixel.engine import prior_runs
from tfp_pixel.engine.kinds import autoencoder
from tfp_pixel.engine.kinds import images as image_kind
from tfp_pixel.engine.kinds.images import bound_scoring
from tfp_pixel.engine.kinds.images import code_export
from tfp_pixel.engine.kinds.images import prior_generation

from tests import code_runs
from tests import served_exports

_SHAPE = (8, 8, 1)
_SEED = (1, 2)
_COLD = 0.05
_CLI_SEED = 5


def _images(count, seed):
  return code_runs.images(count, seed, _SHAPE)


def _levels(codes):
  return codes if isinstance(codes, tuple) else (codes,)


def _code_inputs(codes):
  levels = _levels(codes)
  names = ['codes'] if len(levels) == 1 else ['top_codes', 'bottom_codes']
  return {name: np.asarray(level) for name, level in zip(names, levels)}


@pytest.fixture(scope='module',
                params=[1, pytest.param(2, marks=pytest.mark.slow)],
                ids=['vqvae', 'vqvae2'])
def served(request, tmp_path_factory):
  """A prior run exported and served once: every signature called."""
  path = tmp_path_factory.mktemp('prior_export')
  run_dir = str(path / 'prior')
  code_runs.prior_run(run_dir, code_runs.vqvae_config(request.param, _SHAPE))
  live = tfp_pixel.load(run_dir)
  target = str(path / 'export')
  if request.param == 1:
    exports.export_run(run_dir, target)
  else:
    exports.export(live, target)
  images = _images(4, seed=0)
  codes = _code_inputs(live.vqvae.encode(_images(3, seed=1)))
  cli_seed = tf.random.experimental.stateless_fold_in([_CLI_SEED, 0], 0)
  calls = [('serving_default', {'images': images}),
           ('bound', {'images': images}),
           ('sample', {'num_samples': np.int32(3), 'seed': np.int32(_SEED),
                       'temperature': np.float32(1.)}),
           ('sample', {'num_samples': np.int32(3), 'seed': np.int32(_SEED),
                       'temperature': np.float32(_COLD)}),
           ('sample', {'num_samples': np.int32(2), 'seed': cli_seed.numpy(),
                       'temperature': np.float32(1.)}),
           ('encode', {'images': images}),
           ('decode', codes),
           ('reconstruct', {'images': images})]
  results, signatures = served_exports.serve(target, calls, str(path))
  return code_runs.Served(request.param, run_dir, target, live, images, codes,
                results, signatures)


def test_the_export_has_the_signatures_and_the_configs(served):
  assert served.signatures == ['bound', 'decode', 'encode', 'reconstruct',
                               'sample', 'serving_default']
  with open(os.path.join(served.target, exports.METADATA)) as f:
    metadata = json.load(f)
  assert metadata['signatures'] == served.signatures
  config = metadata['config']
  assert config['image_shape'] == list(_SHAPE)
  assert config['vqvae']['hierarchy'] == served.hierarchy
  if served.hierarchy == 1:
    assert config['prior'] == loading.open_run(served.run_dir).config
  else:
    assert config['bottom_prior'] == {'image_shape': [4, 4, 1],
                                      'num_levels': 5}


def test_the_served_bound_is_what_score_reports(served, tmp_path):
  path = str(tmp_path / 'images.npy')
  np.save(path, served.images)
  scores = list(bound_scoring.BoundScorer([path],
                                          run_dir=served.run_dir))
  assert len(scores) == len(served.images)
  total = served.live.bound(served.images).total.numpy()
  for outputs in served.results[:2]:
    assert sorted(outputs) == ['bits_per_dim', 'nll_bound',
                               'prior_bits_per_code', 'reconstruction_mse']
    assert all(value.dtype == np.float32 for value in outputs.values())
    np.testing.assert_allclose(outputs['nll_bound'], total, rtol=1e-5)
    for name, field in (('nll_bound', 'nll'),
                        ('bits_per_dim', 'bits_per_dim'),
                        ('prior_bits_per_code', 'prior_bits_per_code'),
                        ('reconstruction_mse', 'reconstruction_mse')):
      np.testing.assert_allclose(
          outputs[name], [getattr(score, field) for score in scores],
          rtol=1e-5, err_msg=name)


def test_served_samples_are_the_live_ones(served):
  for outputs, temperature in ((served.results[2], 1.),
                               (served.results[3], _COLD)):
    live = served.live if temperature == 1. else prior_runs.load_two_stage(
        served.run_dir, temperature=temperature)
    # `TwoStageModel.sample` is `decode(sample_codes)` (test_two_stage).
    drawn = live.sample_codes(3, seed=_SEED)
    codes = _code_inputs(drawn)
    assert sorted(outputs) == sorted(['images', *codes])
    for name, expected in codes.items():
      assert outputs[name].dtype == np.int32
      np.testing.assert_array_equal(outputs[name], expected, err_msg=name)
    assert outputs['images'].dtype == np.uint8
    np.testing.assert_array_equal(outputs['images'], live.decode(drawn))
  # The temperature changes what is drawn: the comparison can fail.
  assert any(np.any(served.results[2][name] != served.results[3][name])
             for name in served.codes)


def test_a_served_sample_is_the_first_of_tfp_pixel_sample(served):
  images, codes = next(prior_generation.sample_batches(
      served.live, 2, seed=_CLI_SEED))
  outputs = served.results[4]
  np.testing.assert_array_equal(outputs['images'], images)
  for name, expected in zip(served.codes, codes):
    np.testing.assert_array_equal(outputs[name], expected)


def test_served_codes_and_images_are_the_vqvae_ones(served):
  vqvae = served.live.vqvae
  encoded = served.results[5]
  expected = _code_inputs(vqvae.encode(served.images))
  assert sorted(encoded) == sorted(expected)
  for name, codes in expected.items():
    np.testing.assert_array_equal(encoded[name], codes, err_msg=name)
  levels = tuple(served.codes.values())
  np.testing.assert_array_equal(
      served.results[6]['images'], vqvae_lib.most_likely_images(
          vqvae.decode(levels[0] if len(levels) == 1 else levels)))
  reconstructed = vqvae.reconstruct(served.images).numpy()
  np.testing.assert_array_equal(served.results[7]['images'], reconstructed)
  assert len(np.unique(reconstructed)) > 2


def test_requests_beyond_the_bounds_fail(served):
  loaded = tf.saved_model.load(served.target)
  most = (code_export.vqvae_export.MAX_SAMPLE_VALUES //
          int(np.prod(_SHAPE)))
  for count in (most + 1, 0):
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match='at most {}|at least one'.format(most)):
      loaded.signatures['sample'](num_samples=count, seed=[1, 2],
                                  temperature=1.)
  most = code_export.vqvae_export.MAX_SCORE_VALUES // int(np.prod(_SHAPE))
  with pytest.raises(tf.errors.InvalidArgumentError,
                     match='at most {}'.format(most)):
    loaded.signatures['bound'](images=tf.zeros([most + 1, *_SHAPE],
                                               tf.uint8))
  for temperature in (0., -1., float('nan')):
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match='`temperature` must be'):
      loaded.signatures['sample'](num_samples=1, seed=[1, 2],
                                  temperature=temperature)


def test_the_kinds_export_two_stage_models_alone(served):
  module = image_kind.export_module(served.live)
  assert isinstance(module, code_export.TwoStageExport)
  assert autoencoder.export_module(served.live) is None
  assert image_kind.export_module(served.live.vqvae) is None
  assert code_export.model_module(served.live.vqvae) is None
  if served.hierarchy == 2:
    # The top prior's run exports the whole model, as its parent's does.
    top = loading.open_run(os.path.join(served.run_dir,
                                        prior_runs.TOP_DIR))
    parent = loading.open_run(served.run_dir)
    assert (image_kind.export_run_module(top).config ==
            image_kind.export_run_module(parent).config)


def test_a_class_conditional_prior_is_refused():
  vqvae = tfp_pixel.VQVAE(_SHAPE, num_codes=3, code_dim=2, downsample=4,
                          num_filters=4, num_residual=1)
  prior = tfp_pixel.CategoricalPixelCNN(
      image_shape=(2, 2, 1), num_levels=3, num_filters=4,
      num_residual_blocks=1, architecture='gated', num_classes=4)
  with pytest.raises(ValueError, match='conditioned'):
    code_export.model_module(two_stage.TwoStageModel(vqvae, prior))
