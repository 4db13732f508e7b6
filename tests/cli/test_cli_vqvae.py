"""The command line of VQ-VAEs and the priors over their codes: vqvae train
and reconstruct, train --prior-for (one grid and VQ-VAE-2's two), sample and
score of a prior run, which keeps working when the VQ-VAE's run is gone
(click's CliRunner)."""

import json
import os
import shutil

import numpy as np
import pytest
from PIL import Image

import tfp_pixel
from tfp_pixel import data
from tfp_pixel.code_priors import two_stage

from tests import conftest

_VQVAE = ['vqvae', 'train', '--shape', '8x8x1', '--codes', '6', '--code-dim',
          '3', '--downsample', '2', '--filters', '8', '--residual', '1',
          '--epochs', '1', '--steps', '3', '--batch-size', '16',
          '--num-samples', '4']
# No --dataset: a new prior reads its VQ-VAE's.
_PRIOR = ['--filters', '4', '--blocks', '1', '--epochs', '1', '--steps', '2',
          '--batch-size', '16', '--num-samples', '2']


@pytest.fixture(scope='module')
def images(tmp_path_factory):
  """Three 8x8 digit images as PNG files."""
  path = tmp_path_factory.mktemp('vqvae_images')
  names = []
  for index, image in enumerate(data.load_images(shape=(8, 8, 1),
                                                 max_images=3).images):
    names.append(str(path / 'digit-{}.png'.format(index)))
    Image.fromarray(image[..., 0]).save(names[-1])
  return names


@pytest.fixture(scope='module', params=[1, 2], ids=['vqvae', 'vqvae2'])
def trained(request, tmp_path_factory, module_cli):
  """A VQ-VAE run (of one grid, or two) and a prior run over its codes."""
  path = tmp_path_factory.mktemp('vqvae{}'.format(request.param))
  vqvae_run, prior_run = str(path / 'vqvae'), str(path / 'prior')
  digits = str(path / 'digits.npy')
  np.save(digits, data.load_images(shape=(8, 8, 1), max_images=64).images)
  result = module_cli(_VQVAE + ['--run', vqvae_run, '--hierarchy',
                                str(request.param), '--dataset', digits])
  assert result.exit_code == 0, result.output
  assert 'Codes in use:' in result.output
  result = module_cli(['train', '--prior-for', vqvae_run, '--run',
                       prior_run] + _PRIOR)
  assert result.exit_code == 0, result.output
  return request.param, vqvae_run, prior_run, path


@pytest.fixture(scope='module')
def module_cli():
  from click.testing import CliRunner  # pylint: disable=g-import-not-at-top
  from tfp_pixel_cli.main import main  # pylint: disable=g-import-not-at-top
  runner = CliRunner()
  return lambda args: runner.invoke(main, list(args))


def test_vqvae_run_records_codes_and_reconstructions(trained):
  hierarchy, vqvae_run, _, _ = trained
  records = [json.loads(line) for line in
             open(os.path.join(vqvae_run, 'metrics.jsonl'))]
  assert len(records[-1]['codes_in_use']) == hierarchy
  assert all(1 <= n <= 6 for n in records[-1]['codes_in_use'])
  assert 'val_bits_per_dim' in records[-1]
  grid = np.asarray(Image.open(os.path.join(vqvae_run, 'samples',
                                            'epoch-001.png')))
  assert grid.ndim >= 2
  vqvae = tfp_pixel.load(vqvae_run)
  assert isinstance(vqvae, tfp_pixel.VQVAE) and vqvae.hierarchy == hierarchy


def test_vqvae_resumes_and_refuses_bad_input(trained, tmp_path, module_cli):
  _, vqvae_run, prior_run, _ = trained
  copy = str(tmp_path / 'resumed')
  shutil.copytree(vqvae_run, copy)
  result = module_cli(['vqvae', 'train', '--run', copy, '--epochs', '2',
                       '--steps', '1', '--batch-size', '16'])
  assert result.exit_code == 0, result.output
  assert 'Resuming from' in result.output
  assert [json.loads(line)['epoch'] for line in
          open(os.path.join(copy, 'metrics.jsonl'))] == [1, 2]
  assert 'multiples of 4' in conftest.one_line_error(module_cli(
      _VQVAE + ['--run', str(tmp_path / 'odd'), '--shape', '6x6x1',
                '--downsample', '4']))
  assert 'not of autoencoder' in conftest.one_line_error(module_cli(
      ['vqvae', 'reconstruct', '--run', prior_run, '-o',
       str(tmp_path / 'r.png'), vqvae_run]))
  assert 'complete reads models of pixels' in conftest.one_line_error(
      module_cli(['complete', '--run', prior_run, '-o',
                  str(tmp_path / 'c.png'), str(tmp_path / 'none.png')]))


def test_prior_run_holds_its_vqvae_and_codes(trained):
  hierarchy, _, prior_run, _ = trained
  assert os.path.isfile(os.path.join(prior_run, 'vqvae', 'config.json'))
  assert os.path.isfile(os.path.join(prior_run, 'codes.npz'))
  config = json.load(open(os.path.join(prior_run, 'config.json')))
  assert config['model'] == 'categorical'
  assert config['architecture'] == 'gated' and config['num_levels'] == 6
  assert config['image_shape'] == [4, 4, 1]
  assert os.path.isdir(os.path.join(prior_run, 'top')) == (hierarchy == 2)
  for run in [prior_run] + ([os.path.join(prior_run, 'top')]
                            if hierarchy == 2 else []):
    record = json.load(open(os.path.join(run, 'data.json')))
    assert record['options']['dataset'].endswith('digits.npy')
    assert record['examples'] == 64
  model = tfp_pixel.load(prior_run)
  assert isinstance(model, two_stage.TwoStageModel)
  if hierarchy == 1:
    assert model.prior is not None and model.top_prior is None
  else:
    assert config['code_prior']['condition'] == {'num_codes': 6,
                                                 'grid': [2, 2]}
    assert model.top_prior.image_shape == (2, 2, 1)
    assert model.bottom_prior.image_shape == (4, 4, 1)


def test_reconstruct_sample_and_score(trained, images, module_cli):
  hierarchy, vqvae_run, prior_run, path = trained
  grid = str(path / 'reconstructions.png')
  result = module_cli(['vqvae', 'reconstruct', '--run', vqvae_run, '-o',
                       grid] + images)
  assert result.exit_code == 0, result.output
  assert 'Reconstructed 3 images' in result.output and os.path.isfile(grid)

  samples, codes = str(path / 'samples.npy'), str(
      path / ('codes.npy' if hierarchy == 1 else 'codes.npz'))
  result = module_cli(['sample', '--run', prior_run, '-n', '5', '-o',
                       samples, '--codes', codes])
  assert result.exit_code == 0, result.output
  drawn = np.load(samples)
  assert drawn.shape == (5, 8, 8, 1) and drawn.dtype == np.uint8
  drawn_codes = np.load(codes)
  if hierarchy == 1:
    assert drawn_codes.shape == (5, 4, 4)
  else:
    assert drawn_codes['top'].shape == (5, 2, 2)
    assert drawn_codes['bottom'].shape == (5, 4, 4)
  model = tfp_pixel.load(prior_run)
  decoded = model.decode(drawn_codes if hierarchy == 1 else
                         (drawn_codes['top'], drawn_codes['bottom']))
  np.testing.assert_array_equal(decoded, drawn)

  result = module_cli(['score', '--run', prior_run, '--format', 'json'] +
                      images)
  assert result.exit_code == 0, result.output
  scores = json.loads(result.output)['images']
  assert len(scores) == 3
  expected = model.elbo(np.stack([np.asarray(Image.open(p))[..., None]
                                  for p in images]))
  np.testing.assert_allclose([s['nll'] for s in scores], expected,
                             rtol=1e-4)
  assert all(s['prior_bits_per_code'] > 0 and s['reconstruction_mse'] >= 0
             for s in scores)
  maps = path / 'maps'
  assert 'no per-pixel terms' in conftest.one_line_error(module_cli(
      ['score', '--run', prior_run, '--per-pixel', str(maps)] + images))
  assert not maps.exists()


@pytest.mark.slow
def test_prior_run_samples_after_its_vqvae_run_is_deleted(trained,
                                                          module_cli):
  _, vqvae_run, prior_run, path = trained
  moved = str(path / 'vqvae-moved')
  shutil.copytree(vqvae_run, moved)
  shutil.rmtree(vqvae_run)
  try:
    result = module_cli(['sample', '--run', prior_run, '-n', '2', '-o',
                         str(path / 'after.png')])
    assert result.exit_code == 0, result.output
    # A resume reads the codes from the cache, without the VQ-VAE's run.
    result = module_cli(['train', '--run', prior_run, '--epochs', '2',
                         '--steps', '1', '--batch-size', '16'])
    assert result.exit_code == 0, result.output
    assert 'from the cache' in result.output
  finally:
    shutil.copytree(moved, vqvae_run)


@pytest.mark.parametrize('extra, message', [
    (['--mix', '2'], 'categorical'),
    (['--levels', '16'], 'levels'),
    (['--shape', '16x16x1'], 'leave --shape out'),
    (['--conditional'], 'leave out its class labels'),
])
def test_prior_errors_are_one_line(trained, tmp_path, module_cli, extra,
                                   message):
  _, vqvae_run, _, _ = trained
  result = module_cli(['train', '--prior-for', vqvae_run, '--run',
                       str(tmp_path / 'bad')] + _PRIOR + extra)
  assert result.exit_code != 0
  assert message in conftest.one_line_error(result)


def test_prior_for_a_run_that_is_not_a_vqvae(tmp_path, module_cli):
  result = module_cli(['train', '--prior-for', str(tmp_path / 'none'),
                       '--run', str(tmp_path / 'prior')] + _PRIOR)
  assert result.exit_code != 0
  assert 'none' in conftest.one_line_error(result)


@pytest.mark.parametrize('arch', [
    pytest.param('plain', marks=pytest.mark.slow),
    pytest.param('row-lstm', marks=pytest.mark.slow),
    pytest.param('diagonal-bilstm', marks=pytest.mark.slow),
    pytest.param('pixelsnail', marks=pytest.mark.slow)])
def test_every_categorical_architecture_is_a_prior(trained, tmp_path,
                                                   module_cli, arch):
  hierarchy, vqvae_run, _, _ = trained
  if hierarchy == 1:
    pytest.skip('the conditioned bottom prior covers both cases')
  prior_run = str(tmp_path / 'prior')
  result = module_cli(['train', '--prior-for', vqvae_run, '--run', prior_run,
                       '--arch', arch] + (['--hidden', '4'] if 'lstm' in arch
                                          else ['--filters', '4']) + [
                       '--max-images',
                       '32', '--epochs', '1', '--steps', '1',
                       '--batch-size', '16', '--num-samples', '0'])
  assert result.exit_code == 0, result.output
  model = tfp_pixel.load(prior_run)
  assert model.bottom_prior.conditional_shape == (4, 4, 6)
  images = np.asarray(model.sample(2, seed=(3, 4)))
  assert images.shape == (2, 8, 8, 1) and images.dtype == np.uint8
