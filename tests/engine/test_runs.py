"""Tests of run directories, atomic files and `tfp_pixel.load`."""

import json
import os

import numpy as np
import pytest

import tfp_pixel
from tfp_pixel import interface
from tfp_pixel.engine import configs
from tfp_pixel.engine import errors
from tfp_pixel.engine import files
from tfp_pixel.engine import runs


def test_new_runs_are_distinct_and_latest_is_recorded(tmp_path):
  root = tmp_path / 'runs'
  first = runs.new_run_dir(root)
  second = runs.new_run_dir(root)
  assert first != second and os.path.isdir(first) and os.path.isdir(second)
  runs.write_config(second, configs.make_config('categorical', (4, 4, 1)))
  runs.record_latest(second, root)
  assert runs.resolve_run_dir(runs_root=root) == os.path.abspath(second)


def test_resolve_without_a_run_says_what_to_do(tmp_path):
  with pytest.raises(ValueError, match='train one first or pass run_dir'):
    runs.resolve_run_dir(runs_root=tmp_path / 'runs')
  with interface.command_line():
    with pytest.raises(ValueError, match='train one first or pass --run DIR'):
      runs.resolve_run_dir(runs_root=tmp_path / 'runs')
  with pytest.raises(ValueError, match='no config.json'):
    runs.resolve_run_dir(tmp_path)


def test_metrics_of_a_repeated_epoch_replace_the_old(tmp_path):
  runs.append_metrics(tmp_path, {'epoch': 1, 'loss': 3.})
  runs.append_metrics(tmp_path, {'epoch': 2, 'loss': 2.})
  runs.append_metrics(tmp_path, {'epoch': 2, 'loss': 1.5})
  assert runs.read_metrics(tmp_path) == [{'epoch': 1, 'loss': 3.},
                                         {'epoch': 2, 'loss': 1.5}]


def test_a_damaged_metrics_line_is_named_with_its_file_and_line(tmp_path):
  runs.append_metrics(tmp_path, {'epoch': 1, 'loss': 3.})
  with open(runs.run_paths(tmp_path).metrics, 'a', encoding='utf-8') as f:
    f.write('{"epoch": 2, "loss"\n')
  with pytest.raises(ValueError, match=r'metrics.jsonl, line 2, is not a '
                     r'metrics record'):
    runs.read_metrics(tmp_path)


@pytest.mark.parametrize('umask', [0o022, 0o002, 0o077])
def test_atomic_writes_get_the_mode_open_would_give(tmp_path, umask):
  old = os.umask(umask)
  try:
    files.write_text(tmp_path / 'new.txt', 'a')
    with open(tmp_path / 'plain.txt', 'w', encoding='utf-8') as f:
      f.write('a')
  finally:
    os.umask(old)
  mode = lambda name: os.stat(tmp_path / name).st_mode & 0o777
  assert mode('new.txt') == mode('plain.txt') == 0o666 & ~umask
  os.chmod(tmp_path / 'new.txt', 0o640)
  files.write_text(tmp_path / 'new.txt', 'b')
  assert mode('new.txt') == 0o640


def test_an_atomic_write_replaces_a_link_instead_of_writing_through(tmp_path):
  outside = tmp_path / 'outside.txt'
  outside.write_text('keep')
  os.symlink(outside, tmp_path / 'link.txt')
  files.write_text(tmp_path / 'link.txt', 'new')
  assert outside.read_text() == 'keep'
  assert not os.path.islink(tmp_path / 'link.txt')


@pytest.mark.parametrize('where', ['samples', 'checkpoints/checkpoint',
                                   'metrics.jsonl', 'logs/sub'])
def test_a_run_holding_a_link_is_refused(tmp_path, where):
  run = tmp_path / 'run'
  for folder in ('samples', 'checkpoints', 'logs'):
    os.makedirs(run / folder, exist_ok=True)
  if os.path.isdir(run / where):
    os.rmdir(run / where)
  os.symlink(tmp_path, run / where)
  with pytest.raises(errors.UnsafeRunError, match='is a symbolic link'):
    runs.check_no_links(run)


def test_leftovers_of_a_killed_writer_are_removed(tmp_path):
  paths = runs.run_paths(tmp_path)
  os.makedirs(os.path.join(paths.checkpoints, 'ckpt-3_temp'))
  os.makedirs(paths.samples)
  kept = [paths.metrics, os.path.join(paths.checkpoints, 'ckpt-2.index')]
  left = [os.path.join(tmp_path, '.tmp-abc.json'),
          os.path.join(paths.samples, '.tmp-x.png')]
  for path in kept + left:
    with open(path, 'w', encoding='utf-8') as f:
      f.write('{"epoch": 1}\n')
  removed = runs.remove_leftovers(tmp_path)
  assert sorted(removed) == sorted(left + [
      os.path.join(paths.checkpoints, 'ckpt-3_temp')])
  assert all(os.path.exists(path) for path in kept)
  assert not any(os.path.exists(path) for path in removed)


def test_atomic_write_leaves_old_file_when_writer_fails(tmp_path):
  path = tmp_path / 'config.json'
  files.write_json(path, {'a': 1})

  def fail(f):
    f.write(b'{"half')
    raise RuntimeError('killed')

  with pytest.raises(RuntimeError):
    files.write_atomically(path, fail)
  assert json.loads(path.read_text()) == {'a': 1}
  assert os.listdir(tmp_path) == ['config.json']


def test_load_round_trip_gives_identical_log_prob(tmp_path, digits,
                                                  categorical_config):
  run_dir = str(tmp_path / 'run')
  result = tfp_pixel.train(digits, categorical_config, run_dir=run_dir,
                           epochs=1, steps_per_epoch=2, batch_size=16,
                           num_samples=0, verbose=False,
                           runs_root=tmp_path / 'runs')
  events = configs.images_to_events(digits[:8], categorical_config)
  loaded = tfp_pixel.load(run_dir, which='last')
  fresh = configs.build_model(categorical_config)
  np.testing.assert_array_equal(loaded.log_prob(events),
                                result.distribution.log_prob(events))
  assert not np.allclose(loaded.log_prob(events), fresh.log_prob(events))


@pytest.mark.slow
def test_load_round_trip_of_the_mixture_model(tmp_path, digits,
                                              mixture_config):
  run_dir = str(tmp_path / 'run')
  result = tfp_pixel.train(digits, mixture_config, run_dir=run_dir, epochs=1,
                           steps_per_epoch=1, batch_size=16, num_samples=0,
                           verbose=False, runs_root=tmp_path / 'runs')
  events = configs.images_to_events(digits[:8], mixture_config)
  log_prob = np.asarray(tfp_pixel.load(run_dir).log_prob(events))
  assert np.all(np.isfinite(log_prob))
  np.testing.assert_array_equal(log_prob,
                                result.distribution.log_prob(events))


def test_load_without_checkpoint_is_a_value_error(tmp_path):
  runs.write_config(tmp_path, configs.make_config('categorical', (4, 4, 1)))
  with pytest.raises(ValueError, match='no checkpoint'):
    tfp_pixel.load(tmp_path)
