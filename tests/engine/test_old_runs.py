"""Run directories written by earlier versions still load.

`old_runs/` holds runs written by tfp_pixel 0.1.0 as it was before the
sub-packages (one tiny model of each kind: PixelCNN++, categorical plain,
categorical gated and class-conditional), Diagonal BiLSTM runs (gray and
class-conditional, RGB) written before the right-to-left direction read the
pixel itself (`diagonal_bilstm.OpenCentreConv2D`), and the
log-probabilities those versions computed for four digits.
"""

import json
import os
import shutil

import numpy as np
import pytest

import tfp_pixel
from tfp_pixel import data
from tfp_pixel.engine import configs
from tfp_pixel.engine import loading
from tfp_pixel.engine import runs

_OLD_RUNS = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         'old_runs')


@pytest.mark.parametrize('name', ['pixelcnn', 'categorical',
                                  'gated-conditional',
                                  'diagonal-bilstm-conditional',
                                  'diagonal-bilstm-rgb'])
def test_old_runs_load_with_the_same_log_prob(tmp_path, name):
  expected = json.load(open(os.path.join(_OLD_RUNS,
                                         'expected_log_probs.json')))[name]
  run_dir = shutil.copytree(os.path.join(_OLD_RUNS, name), tmp_path / name)
  run = loading.open_run(run_dir)
  dist = tfp_pixel.load(run_dir, which='last')
  images = data.load_images(shape=tuple(run.config['image_shape']),
                            max_images=4).images
  events = configs.images_to_events(images, run.config)
  kwargs = {}
  if run.config['num_classes']:
    kwargs['conditional_input'] = tfp_pixel.one_hot_labels(
        expected['labels'], run.config['num_classes'])
  np.testing.assert_allclose(dist.log_prob(events, **kwargs),
                             expected['log_prob'], rtol=1e-5)


def _copy(tmp_path, name):
  return str(shutil.copytree(os.path.join(_OLD_RUNS, name), tmp_path / name))


def test_old_text_run_scores_samples_and_resumes(tmp_path, cli):
  """A text run written before the engine had kinds of data (its metrics
  say `images` and bits per dim): the same scores, samples, and a resume
  that adds an epoch."""
  run_dir = _copy(tmp_path, 'text')
  corpus = shutil.copy(os.path.join(_OLD_RUNS, 'text-corpus.txt'), tmp_path)
  expected = json.load(open(os.path.join(_OLD_RUNS,
                                         'expected_log_probs.json')))['text']
  scored = cli(['text', 'score', corpus, '--run', run_dir, '--format', 'json',
                '--checkpoint', 'last'])
  assert scored.exit_code == 0, scored.output
  documents = json.loads(scored.output)['documents'][:-1]
  np.testing.assert_allclose([d['nll'] for d in documents], expected['nll'],
                             rtol=1e-5)
  sampled = cli(['text', 'sample', '--run', run_dir, '-n', '2', '--format',
                 'json', '--checkpoint', 'last'])
  assert sampled.exit_code == 0, sampled.output
  assert len(json.loads(sampled.output)) == 2
  resumed = cli(['text', 'train', '--run', run_dir, '--dataset', corpus,
                 '--fine-tune', '--epochs', '2', '--steps', '1',
                 '--batch-size', '4', '--num-samples', '0'])
  assert resumed.exit_code == 0, resumed.output
  assert [r['epoch'] for r in runs.read_metrics(run_dir)] == [1, 2]


def test_old_image_run_samples_and_scores(tmp_path, cli):
  run_dir = _copy(tmp_path, 'categorical')
  grid = str(tmp_path / 'grid.png')
  sampled = cli(['sample', '--run', run_dir, '-n', '2', '-o', grid,
                 '--checkpoint', 'last'])
  assert sampled.exit_code == 0, sampled.output
  assert os.path.getsize(grid) > 0
  images = str(tmp_path / 'images.npy')
  np.save(images, data.load_images(shape=(8, 8, 1), max_images=4).images)
  scored = cli(['score', images, '--run', run_dir, '--format', 'json',
                '--checkpoint', 'last'])
  assert scored.exit_code == 0, scored.output
  assert len(json.loads(scored.output)['images']) == 4
