"""The command line with class-conditional runs (click's CliRunner)."""

import json
import os

import numpy as np
import pytest
from PIL import Image

from tests.cli import conftest as cli_conftest
from tests.conftest import one_line_error
from tfp_pixel import data

_TINY_MIXTURE = ['--mix', '2', '--filters', '4', '--hierarchies', '1',
                 '--dropout', '0', '--epochs', '1', '--steps', '2',
                 '--batch-size', '16']


@pytest.fixture(scope='module')
def workdir(tmp_path_factory, cli):
  """A trained conditional run (the latest) on a folder of 3 digit classes."""
  path = tmp_path_factory.mktemp('cli_conditional')
  digits = data.load_images(shape=(8, 8, 1), with_labels=True)
  for label in range(3):
    folder = path / 'digits' / str(label)
    os.makedirs(folder)
    for i in np.flatnonzero(digits.labels == label)[:12]:
      Image.fromarray(digits.images[i, ..., 0]).save(
          folder / '{}.png'.format(i))
  first = np.flatnonzero(digits.labels < 3)[:6]
  np.savez(path / 'test.npz', images=digits.images[first],
           labels=digits.labels[first])
  result = cli_conftest.train_in(
      path, cli, ['train', '--conditional', '--dataset', 'digits',
                  '--num-samples', '0'] + _TINY_MIXTURE)
  assert 'conditioned on 3 classes on 36 images' in result.output
  return path


def test_train_conditional_records_the_classes(in_workdir):
  run_dir = cli_conftest.latest_run(in_workdir)
  config = json.load(open(os.path.join(run_dir, 'config.json')))
  assert config['num_classes'] == 3


def test_sample_a_label(in_workdir, cli):
  result = cli(['sample', '--label', '2', '-n', '3', '-o', 'two.npy'])
  assert result.exit_code == 0, result.output
  assert result.output == 'Wrote 3 samples of class 2 to two.npy\n'
  assert np.load('two.npy').shape == (3, 8, 8, 1)


def test_sample_without_a_label_draws_a_row_per_class(in_workdir, cli):
  result = cli(['sample', '-n', '2', '-o', 'grid.png'])
  assert result.exit_code == 0, result.output
  assert 'classes 0-2 (2 each, one row per class)' in result.output
  # 8x8 images drawn 8 times larger: 64-pixel tiles, 2-pixel gaps.
  assert Image.open('grid.png').size == (2 * 66 - 2, 3 * 66 - 2)


def test_score_under_a_label(in_workdir, cli):
  result = cli(['score', 'digits/1', '--label', '1', '--format', 'csv'])
  assert result.exit_code == 0, result.output
  header, *rows = result.output.splitlines()
  assert header.split(',') == ['path', 'nll', 'bits_per_dim', 'nll_levels',
                               'bits_per_dim_levels', 'label']
  assert len(rows) == 13 and all(r.endswith(',1') for r in rows[:-1])


def test_classify_the_labelled_folder(in_workdir, cli):
  result = cli(['score', 'digits', '--labels-from-data', '--classify'])
  assert result.exit_code == 0, result.output
  lines = result.output.splitlines()
  assert lines[1].split()[-3:] == ['label', 'predicted', 'correct']
  rows = [line.split() for line in lines[2:-2]]
  assert len(rows) == 36
  assert all(r[0].split('/')[1] == r[-3] for r in rows)
  correct = sum(r[-2] == r[-3] for r in rows)
  assert all(r[-1] == str(int(r[-2] == r[-3])) for r in rows)
  assert lines[-1] == 'accuracy: {:.1%} ({} of 36)'.format(correct / 36,
                                                          correct)


def test_classify_a_labelled_npz_as_json(in_workdir, cli):
  result = cli(['score', 'test.npz', '--labels-from-data', '--classify',
                 '--format', 'json'])
  assert result.exit_code == 0, result.output
  report = json.loads(result.output)
  assert [row['path'] for row in report['images']] == [
      'test.npz[{}]'.format(i) for i in range(6)]
  assert [row['label'] for row in report['images']] == [0, 1, 2, 0, 1, 2]
  assert report['accuracy'] == pytest.approx(
      np.mean([row['correct'] for row in report['images']]))


@pytest.mark.slow
def test_per_pixel_maps_are_under_the_class_scored(in_workdir, cli):
  terms = {}
  for folder, options in (('given', ['--label', '2']),
                          ('predicted', ['--classify'])):
    result = cli(['score', 'test.npz', '--format', 'json', '--per-pixel',
                  folder] + options)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)['images']
    terms[folder] = [np.load(os.path.join(folder, 'test-{}.npy'.format(i)))
                     for i in range(6)]
    assert [-t.sum(dtype=np.float64) for t in terms[folder]] == pytest.approx(
        [row['nll_levels'] for row in rows], rel=1e-5, abs=1e-3)
    if folder == 'predicted':
      predicted = [row['predicted'] for row in rows]
  for i, label in enumerate(predicted):
    assert np.allclose(terms['given'][i], terms['predicted'][i]) == (
        label == 2)


def test_complete_with_a_label(in_workdir, cli):
  result = cli(['complete', 'digits/0/0.png', '--label', '0', '-n', '2',
                 '-o', 'completed.png'])
  assert result.exit_code == 0, result.output
  assert Image.open('completed.png').size == (4 * 66 - 2, 64)


@pytest.mark.parametrize('args, message', [
    (['score', 'digits'], 'pass --label N, --labels-from-data'),
    (['score', 'digits', '--label', '3'], 'label 3 is not a class'),
    (['sample', '--label', '7', '-o', 'x.png'], 'label 7 is not a class'),
    (['complete', 'digits/0/0.png', '-o', 'x.png'], '--label K'),
])
def test_conditional_run_errors_are_one_line(in_workdir, args, message, cli):
  assert message in one_line_error(cli(args))


def test_unconditional_runs_refuse_labels(tmp_path, monkeypatch, cli):
  monkeypatch.chdir(tmp_path)
  result = cli(['train', '--levels', '4', '--filters', '2', '--blocks', '0',
                 '--max-images', '32', '--epochs', '1', '--steps', '1',
                 '--num-samples', '0'])
  assert result.exit_code == 0, result.output
  Image.fromarray(np.zeros([8, 8], np.uint8)).save('blank.png')
  for args in (['score', 'blank.png', '--label', '1'],
               ['score', 'blank.png', '--classify'],
               ['score', 'blank.png', '--labels-from-data'],
               ['sample', '--label', '1', '-o', 'x.png'],
               ['complete', 'blank.png', '--label', '1', '-o', 'x.png']):
    assert 'needs a class-conditional model' in one_line_error(cli(args))


def test_conditional_training_needs_labelled_data(tmp_path, monkeypatch, cli):
  monkeypatch.chdir(tmp_path)
  np.save('images.npy', np.zeros([4, 8, 8], np.uint8))
  error = one_line_error(cli(['train', '--conditional', '--dataset',
                                'images.npy', '--epochs', '0']))
  assert 'images.npy' in error and 'no labels' in error
