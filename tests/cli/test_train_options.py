"""`tfp-pixel train`'s model options: the architecture, ranges checked by
the command line."""

import json
import os

import pytest

import tfp_pixel
from tests.conftest import one_line_error


@pytest.mark.parametrize('value', ['nan', 'inf', '-1', '1'])
def test_a_dropout_outside_its_range_is_refused_first(cli, tmp_path, value):
  result = cli(['train', '--levels', '4', '--dropout', value, '--epochs',
                '0', '--run', str(tmp_path / 'run')])
  assert "Invalid value for '--dropout'" in one_line_error(result)
  assert not (tmp_path / 'run').exists()


@pytest.mark.parametrize('command', [['train'], ['text', 'train']])
@pytest.mark.parametrize('option, value', [
    ('--learning-rate', 'nan'), ('--learning-rate', 'inf'),
    ('--learning-rate', '0'), ('--learning-rate', '-1e-3'),
    ('--validation-fraction', '-0.1'), ('--validation-fraction', '1')])
def test_both_training_commands_refuse_the_same_values_first(
    cli, tmp_path, command, option, value):
  result = cli(command + [option, value, '--run', str(tmp_path / 'run')])
  assert "Invalid value for '{}'".format(option) in one_line_error(result)
  assert not (tmp_path / 'run').exists()


def test_train_with_arch_gated(tmp_path, cli):
  run_dir = str(tmp_path / 'run')
  result = cli([
      'train', '--arch', 'gated', '--levels', '4', '--filters', '4',
      '--blocks', '1', '--shape', '8x8x1', '--max-images', '32',
      '--epochs', '1', '--steps', '2', '--batch-size', '16',
      '--num-samples', '0', '--run', run_dir])
  assert result.exit_code == 0, result.output
  config = json.load(open(os.path.join(run_dir, 'config.json')))
  assert config['architecture'] == 'gated'
  dist = tfp_pixel.load(run_dir)
  assert isinstance(dist.network, tfp_pixel.GatedPixelCNNNetwork)
  assert dist.sample(2, seed=(1, 2)).shape == (2, 8, 8, 1)


def test_arch_is_refused_for_the_mixture_model(cli):
  result = cli(['train', '--mix', '2', '--arch', 'gated'])
  assert result.exit_code != 0
  assert '--arch' in result.output and 'Traceback' not in result.output


def test_a_validation_fraction_of_0_trains_on_every_image(tmp_path, cli):
  run_dir = str(tmp_path / 'run')
  result = cli([
      'train', '--levels', '4', '--filters', '4', '--blocks', '1',
      '--max-images', '20', '--validation-fraction', '0', '--epochs', '1',
      '--batch-size', '10', '--num-samples', '0', '--run', run_dir])
  assert result.exit_code == 0, result.output
  record = json.loads(open(os.path.join(run_dir, 'metrics.jsonl')).read())
  assert record['images'] == 20 and 'val_bits_per_dim' not in record
