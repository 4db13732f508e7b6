"""The command line with PixelRNN runs: train, score, sample and complete,
through the registry only (click's CliRunner)."""

import json
import os

import numpy as np
import pytest
from PIL import Image

import tfp_pixel
from tfp_pixel import data

_TINY = ['--levels', '4', '--layers', '2', '--hidden', '4', '--shape',
         '8x8x1', '--max-images', '48', '--epochs', '1', '--steps', '2',
         '--batch-size', '16', '--num-samples', '2']


@pytest.fixture(scope='module')
def images(tmp_path_factory):
  """Two 8x8 digit images as PNG files."""
  path = tmp_path_factory.mktemp('pixel_rnn_images')
  digits = data.load_images(shape=(8, 8, 1), max_images=2).images
  names = []
  for index, image in enumerate(digits):
    names.append(str(path / 'digit-{}.png'.format(index)))
    Image.fromarray(image[..., 0]).save(names[-1])
  return names


@pytest.mark.parametrize('arch, architecture, conditional', [
    ('row-lstm', 'row_lstm', True),
    pytest.param('diagonal-bilstm', 'diagonal_bilstm', False,
                 marks=pytest.mark.slow)])
def test_train_then_score_sample_and_complete(tmp_path, images, cli, arch,
                                              architecture, conditional):
  run_dir = str(tmp_path / 'run')
  label = ['--label', '1'] if conditional else []
  result = cli(['train', '--arch', arch, '--run', run_dir] + _TINY +
               (['--conditional'] if conditional else []))
  assert result.exit_code == 0, result.output
  config = json.load(open(os.path.join(run_dir, 'config.json')))
  assert (config['model'], config['architecture']) == ('pixelrnn',
                                                       architecture)
  assert (config['num_layers'], config['hidden_units']) == (2, 4)
  assert config['num_classes'] == (10 if conditional else None)
  dist = tfp_pixel.load(run_dir)
  assert isinstance(dist, tfp_pixel.PixelRNN)
  assert dist.architecture == architecture

  result = cli(['score', '--run', run_dir, '--format', 'json'] + images +
               label)
  assert result.exit_code == 0, result.output
  assert len(json.loads(result.output)['images']) == 2

  samples = str(tmp_path / 'samples.npy')
  result = cli(['sample', '--run', run_dir, '-n', '3', '-o', samples] +
               label)
  assert result.exit_code == 0, result.output
  assert np.load(samples).shape == (3, 8, 8, 1)

  grid = str(tmp_path / 'completed.png')
  result = cli(['complete', '--run', run_dir, '-n', '2', '-o', grid,
                '--mask', 'bottom-half'] + images[:1] + label)
  assert result.exit_code == 0, result.output
  assert os.path.exists(grid)
