"""The command line with PixelSNAIL runs: train with either head, score,
sample and complete, through the registry only (click's CliRunner)."""

import json
import os

import numpy as np
import pytest
from PIL import Image

import tfp_pixel
from tfp_pixel import data

_TINY = ['--arch', 'pixelsnail', '--filters', '8', '--blocks', '1',
         '--resnet', '1', '--heads', '2', '--shape', '8x8x1', '--max-images',
         '48', '--epochs', '1', '--steps', '2', '--batch-size', '16',
         '--num-samples', '2']


@pytest.fixture(scope='module')
def images(tmp_path_factory):
  """Two 8x8 digit images as PNG files."""
  path = tmp_path_factory.mktemp('pixel_snail_images')
  digits = data.load_images(shape=(8, 8, 1), max_images=2).images
  names = []
  for index, image in enumerate(digits):
    names.append(str(path / 'digit-{}.png'.format(index)))
    Image.fromarray(image[..., 0]).save(names[-1])
  return names


@pytest.mark.parametrize('head, conditional', [
    (['--levels', '4'], True),
    pytest.param(['--mix', '2', '--levels', '16'], False,
                 marks=pytest.mark.slow)])
def test_train_then_score_sample_and_complete(tmp_path, images, cli, head,
                                              conditional):
  run_dir = str(tmp_path / 'run')
  label = ['--label', '1'] if conditional else []
  result = cli(['train', '--run', run_dir] + _TINY + head +
               (['--conditional'] if conditional else []))
  assert result.exit_code == 0, result.output
  config = json.load(open(os.path.join(run_dir, 'config.json')))
  assert config['model'] == 'pixelsnail' and 'architecture' not in config
  assert (config['num_blocks'], config['num_resnet'], config['num_heads'],
          config['num_filters']) == (1, 1, 2, 8)
  assert config['num_classes'] == (10 if conditional else None)
  dist = tfp_pixel.load(run_dir)
  assert isinstance(dist, tfp_pixel.PixelSNAIL)
  if '--mix' in head:
    assert (dist.num_logistic_mix, dist.num_levels) == (2, None)
    assert dist.dtype == np.float32 and float(dist.high) == 15.
  else:
    assert (dist.num_logistic_mix, dist.num_levels) == (None, 4)
    assert dist.dtype == np.int32

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

  # A resume keeps the run's model and head.
  result = cli(['train', '--run', run_dir, '--epochs', '2', '--steps', '1',
                '--num-samples', '0'])
  assert result.exit_code == 0, result.output
  assert json.load(open(os.path.join(run_dir, 'config.json'))) == config


def test_heads_select_pixelsnail_and_clash_with_pixelcnn_options(cli,
                                                                 tmp_path):
  result = cli(['train', '--heads', '2', '--hierarchies', '2', '--run',
                str(tmp_path / 'run')])
  assert result.exit_code != 0
  assert '--hierarchies' in result.output and 'pixelsnail' in result.output
  result = cli(['train', '--heads', '2', '--mix', '3', '--run',
                str(tmp_path / 'run')])
  assert result.exit_code != 0 and 'choose one with --model' in result.output
  assert not os.path.exists(tmp_path / 'run')
