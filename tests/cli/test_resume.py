"""Resuming runs: the run's own data and model, refusals that name what
differs, runs that lost their checkpoints, and runs that are unsafe."""

import json
import os
import shutil

import numpy as np
import pytest

from tests.conftest import one_line_error
from tfp_pixel.engine import configs
from tfp_pixel.engine import runs

_TINY = ['--filters', '4', '--blocks', '1', '--steps', '2', '--batch-size',
         '16', '--num-samples', '0']


@pytest.fixture(scope='module')
def trained(tmp_path_factory, digits, cli):
  """A folder with two `.npy` sources and a run of one epoch on the first
  (trained with `--levels 4 --filters 4 --blocks 1`)."""
  path = tmp_path_factory.mktemp('resume')
  np.save(path / 'first.npy', digits[:48])
  np.save(path / 'second.npy', digits[16:64])
  result = cli(['train', '--levels', '4', '--dataset',
                str(path / 'first.npy'), '--epochs', '1', '--run',
                str(path / 'run')] + _TINY)
  assert result.exit_code == 0, result.output
  return path


@pytest.fixture
def run(trained, tmp_path, monkeypatch):
  """A copy of the trained run, and the sources, in the current folder."""
  monkeypatch.chdir(tmp_path)
  for name in ('first.npy', 'second.npy'):
    shutil.copy(trained / name, tmp_path / name)
  shutil.copytree(trained / 'run', tmp_path / 'run')
  record = tmp_path / 'run' / 'data.json'
  if record.exists():  # The copy's data are the copied source.
    data = json.loads(record.read_text())
    data['options']['dataset'] = str(tmp_path / 'first.npy')
    record.write_text(json.dumps(data))
  return tmp_path / 'run'


def _resume(cli, run, *args, epochs=2):
  return cli(['train', '--run', str(run), '--epochs', str(epochs)] +
             list(args))


def test_a_run_records_its_data(run, digits):
  record = json.loads((run / 'data.json').read_text())
  assert record['options']['shape'] == [8, 8, 1]
  assert record['options']['seed'] == 0
  assert record['options']['validation_fraction'] == 0.1
  assert record['examples'] == 48
  assert record['earlier'] == []


def test_a_resume_reads_the_runs_own_data(run, cli):
  result = _resume(cli, run)
  assert result.exit_code == 0, result.output
  assert 'on 48 images of 8x8x1 from first.npy' in result.output


def test_a_resume_on_other_data_is_refused_unless_fine_tuning(run, cli):
  error = one_line_error(_resume(cli, run, '--dataset', 'second.npy'))
  assert error.startswith('Error: {} was trained on other data: dataset={} '
                          '(asked: {}).'.format(run, run.parent / 'first.npy',
                                                run.parent / 'second.npy'))
  assert error.endswith('pass --fine-tune to go on training on these (the run '
                        'records them).')
  assert runs.read_metrics(run)[-1]['epoch'] == 1
  result = _resume(cli, run, '--dataset', 'second.npy', '--fine-tune')
  assert result.exit_code == 0, result.output
  assert 'from second.npy' in result.output
  record = json.loads((run / 'data.json').read_text())
  assert record['options']['dataset'] == str(run.parent / 'second.npy')
  assert [(e['options']['dataset'], e['until_epoch'])
          for e in record['earlier']] == [(str(run.parent / 'first.npy'), 1)]
  result = _resume(cli, run, epochs=3)  # Now on the new data.
  assert result.exit_code == 0 and 'from second.npy' in result.output


def test_a_source_whose_contents_changed_is_refused(run, cli, digits):
  np.save(run.parent / 'first.npy', digits[:40])
  error = one_line_error(_resume(cli, run))
  assert ('The data of {} changed since it was trained (48 examples then, 40 '
          'now'.format(run)) in error
  assert _resume(cli, run, '--fine-tune').exit_code == 0


@pytest.mark.parametrize('option', [['--seed', '3'],
                                    ['--validation-fraction', '0.5'],
                                    ['--shape', '4x4x1']])
def test_other_data_options_are_refused(run, cli, option):
  key = option[0][2:].replace('-', '_')
  assert 'trained on other data: {}='.format(key) in one_line_error(
      _resume(cli, run, *option))


@pytest.mark.parametrize('options', [
    ['--levels', '4'], ['--filters', '4'], ['--levels', '4', '--blocks', '1'],
    ['--model', 'categorical', '--arch', 'plain', '--seed', '0']])
def test_repeating_the_runs_own_options_resumes(run, cli, options):
  result = _resume(cli, run, *options)
  assert result.exit_code == 0, result.output
  assert 'Run: {} (epoch 2)'.format(run) in result.output


def test_only_the_options_that_differ_are_named(run, cli):
  assert one_line_error(_resume(cli, run, '--filters', '16', '--levels',
                                '4')) == (
      'Error: {} was trained with num_filters=4 (asked: 16); a run\'s model '
      'cannot change: leave that option out to resume it, or train a new '
      'run.'.format(run))
  error = one_line_error(_resume(cli, run, '--arch', 'gated', '--blocks', '2'))
  assert 'architecture=plain (asked: gated), num_residual_blocks=1 (asked: ' \
         '2)' in error


def test_a_run_that_lost_its_checkpoints_is_refused_unless_restarted(run,
                                                                     cli):
  metrics = (run / 'metrics.jsonl').read_text()
  shutil.rmtree(run / 'checkpoints')
  shutil.rmtree(run / 'best')
  error = one_line_error(_resume(cli, run))
  assert error == (
      'Error: {} trained 1 epoch(s) (metrics.jsonl) but has no checkpoint '
      'left (checkpoints/ and best/ are missing or empty): restore them, or '
      'pass --restart to train it again from epoch 1 (its metrics, grids and '
      'logs are kept in a before-restart-* folder).'.format(run))
  assert (run / 'metrics.jsonl').read_text() == metrics
  result = _resume(cli, run, '--restart', epochs=1)
  assert result.exit_code == 0, result.output
  archive, = [name for name in os.listdir(run)
              if name.startswith('before-restart-')]
  assert (run / archive / 'metrics.jsonl').read_text() == metrics
  assert [r['epoch'] for r in runs.read_metrics(run)] == [1]


def test_a_damaged_metrics_line_is_refused_before_training(run, cli):
  with open(run / 'metrics.jsonl', 'a', encoding='utf-8') as f:
    f.write('not json\n')
  checkpoints = sorted(os.listdir(run / 'checkpoints'))
  error = one_line_error(_resume(cli, run))
  assert error.startswith('Error: {}, line 2, is not a metrics record'.format(
      run / 'metrics.jsonl'))
  assert sorted(os.listdir(run / 'checkpoints')) == checkpoints


def test_leftovers_of_a_killed_run_are_removed_at_the_next_start(run, cli):
  (run / '.tmp-abc.json').write_text('{')
  os.makedirs(run / 'checkpoints' / 'ckpt-2_temp')
  assert _resume(cli, run).exit_code == 0
  assert not os.path.exists(run / '.tmp-abc.json')
  assert not os.path.exists(run / 'checkpoints' / 'ckpt-2_temp')


def test_a_run_with_a_linked_folder_is_refused(run, cli, tmp_path):
  outside = tmp_path / 'outside'
  os.makedirs(outside)
  shutil.rmtree(run / 'samples')
  os.symlink(outside, run / 'samples')
  error = one_line_error(_resume(cli, run, '--num-samples', '4'))
  assert error.startswith('Error: {} is a symbolic link (to {})'.format(
      run / 'samples', outside))
  assert os.listdir(outside) == []


def test_an_image_command_on_a_text_run_is_one_line(tmp_path, cli):
  runs.write_config(tmp_path / 'text-run', configs.make_config(
      'text', vocabulary_size=20, max_length=8))
  error = one_line_error(cli(['train', '--run', str(tmp_path / 'text-run')]))
  assert error == ('Error: {} is a run of the text model, a model of texts, '
                   'not of images (the tfp-pixel text commands read it).'
                   .format(tmp_path / 'text-run'))


def test_a_failed_first_start_leaves_no_run_directory(tmp_path, cli):
  error = one_line_error(cli(['train', '--dataset', str(tmp_path / 'no.npy'),
                              '--run', str(tmp_path / 'new')]))
  assert 'no.npy' in error
  assert not os.path.exists(tmp_path / 'new')
