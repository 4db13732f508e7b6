"""Damaged checkpoints: named in one line, and a resume from an intact one."""

import glob
import os
import shutil

import pytest
from PIL import Image

import tfp_pixel
from tests.conftest import one_line_error
from tfp_pixel.engine import checkpoints
from tfp_pixel.engine import errors
from tfp_pixel.engine import runs

_TINY = ['--levels', '4', '--filters', '4', '--blocks', '1', '--shape',
         '8x8x1', '--max-images', '64', '--steps', '1', '--batch-size', '16',
         '--num-samples', '0', '--keep', '5']


@pytest.fixture(scope='module')
def trained(tmp_path_factory, cli):
  """A run of 3 epochs (checkpoints 1-3) and an image to score."""
  root = tmp_path_factory.mktemp('checkpoints')
  result = cli(['train', '--epochs', '3', '--run', str(root / 'run')] + _TINY)
  assert result.exit_code == 0, result.output
  Image.new('L', (8, 8)).save(root / 'image.png')
  return root


@pytest.fixture
def run_dir(trained, tmp_path):
  """A copy of the trained run, to damage."""
  shutil.copytree(trained / 'run', tmp_path / 'run')
  return tmp_path / 'run'


def _data_file(folder, number):
  return glob.glob(os.path.join(folder, 'ckpt-{}.data-*'.format(number)))[0]


def _truncate(path):
  with open(path, 'r+b') as f:
    f.truncate(os.path.getsize(path) // 2)
  return path


def _best_number(run_dir):
  return int(checkpoints.checkpoint_prefixes(
      runs.run_paths(run_dir).best)[0].rsplit('-', 1)[1])


@pytest.mark.parametrize('damage', ['truncated data', 'missing data',
                                    'truncated index'])
def test_the_damaged_file_is_found(run_dir, damage):
  prefix = os.path.join(runs.run_paths(run_dir).checkpoints, 'ckpt-2')
  assert checkpoints.find_damage(prefix) is None
  path = (prefix + '.index' if 'index' in damage else
          _data_file(os.path.dirname(prefix), 2))
  if damage.startswith('missing'):
    os.remove(path)
  else:
    _truncate(path)
  assert checkpoints.find_damage(prefix)[0] == path
  assert checkpoints.find_damage(
      os.path.join(os.path.dirname(prefix), 'ckpt-1')) is None


def test_sample_and_score_name_the_damaged_file(run_dir, trained, cli):
  damaged = _truncate(_data_file(runs.run_paths(run_dir).checkpoints, 3))
  advice = ('Resume the run (tfp-pixel train --run {}) to write a new '
            'checkpoint.'.format(run_dir))
  for args in (['sample', '-o', str(run_dir / 'x.png')],
               ['score', str(trained / 'image.png')],
               ['export', str(run_dir / 'exported')]):
    error = one_line_error(cli(args + ['--run', str(run_dir), '--checkpoint',
                                       'last']))
    assert error.startswith('Error: {} is damaged ('.format(damaged))
    assert error.endswith(advice)
  with pytest.raises(errors.DamagedCheckpointError, match='ckpt-3.data'):
    tfp_pixel.load(run_dir, 'last')
  best = _truncate(_data_file(runs.run_paths(run_dir).best,
                              _best_number(run_dir)))
  error = one_line_error(cli(['sample', '-o', str(run_dir / 'x.png'), '--run',
                              str(run_dir)]))
  assert error.startswith('Error: {} is damaged ('.format(best))
  assert error.endswith(', or use --checkpoint last.')
  assert not os.path.exists(run_dir / 'exported')


def test_train_resumes_from_the_newest_intact_checkpoint(run_dir, cli):
  paths = runs.run_paths(run_dir)
  damaged = [_truncate(_data_file(paths.checkpoints, 3)),
             _truncate(_data_file(paths.best, _best_number(run_dir)))]
  intact = {p: open(p, 'rb').read()
            for p in glob.glob(os.path.join(paths.checkpoints, 'ckpt-[12].*'))}
  result = cli(['train', '--run', str(run_dir), '--epochs', '4'] + _TINY)
  assert result.exit_code == 0, result.output
  for path in damaged:
    assert 'Skipping a damaged checkpoint: {} is damaged ('.format(
        path) in result.output
  assert 'Resuming from {} (epoch 2)'.format(
      os.path.join(paths.checkpoints, 'ckpt-2')) in result.output
  assert 'Run: {} (epoch 4)'.format(run_dir) in result.output
  assert [m['epoch'] for m in runs.read_metrics(run_dir)] == [1, 2, 3, 4]
  for path, content in intact.items():  # Intact files are left as they were.
    assert open(path, 'rb').read() == content
  assert checkpoints.find_damage(damaged[0].split('.data')[0]) is None


def test_the_best_checkpoint_is_resumed_from_too(run_dir, cli):
  paths = runs.run_paths(run_dir)
  for number in (1, 2, 3):
    _truncate(_data_file(paths.checkpoints, number))
  best = _best_number(run_dir)
  result = cli(['train', '--run', str(run_dir), '--epochs', '4'] + _TINY)
  assert result.exit_code == 0, result.output
  assert 'Resuming from {} (epoch {})'.format(
      os.path.join(paths.best, 'ckpt-{}'.format(best)), best) in result.output


def test_without_an_intact_checkpoint_training_refuses(run_dir, cli):
  paths = runs.run_paths(run_dir)
  for number in (1, 2, 3):
    _truncate(_data_file(paths.checkpoints, number))
  _truncate(_data_file(paths.best, _best_number(run_dir)))
  error = one_line_error(cli(['train', '--run', str(run_dir), '--epochs',
                              '4'] + _TINY))
  assert error.startswith('Error: {} is damaged ('.format(
      _data_file(paths.checkpoints, 3)))
  assert error.endswith('No intact checkpoint to resume from: pass another '
                        '--run DIR, or move the damaged files away to start over.')
