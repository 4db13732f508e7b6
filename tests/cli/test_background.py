"""`tfp-pixel train --background-for RUN`: a background model of RUN's model
on RUN's data, mutated; its refusals; its resume; it loads and scores as any
image run (click's CliRunner)."""

import json
import os

import numpy as np
import pytest
from PIL import Image

import tfp_pixel
from tests import conftest
from tfp_pixel.engine import runs

_TINY = ['--epochs', '1', '--steps', '2', '--batch-size', '16',
         '--num-samples', '0']
_SOURCE = ['--levels', '4', '--filters', '4', '--blocks', '1', '--shape',
           '8x8x1', '--max-images', '48', '--validation-fraction', '0.25',
           '--seed', '5'] + _TINY


def _json(run_dir, name):
  with open(os.path.join(run_dir, name), encoding='utf-8') as f:
    return json.load(f)


@pytest.fixture(scope='module')
def trained(tmp_path_factory, cli):
  """An image run and a background run for it (on fewer of its images)."""
  path = tmp_path_factory.mktemp('background')
  source, bg_run = str(path / 'source'), str(path / 'bg')
  result = cli(['train', '--run', source] + _SOURCE)
  assert result.exit_code == 0, result.output
  result = cli(['train', '--background-for', source, '--run', bg_run,
                '--mutation-rate', '0.3', '--l2', '0.001', '--max-images',
                '32'] + _TINY)
  assert result.exit_code == 0, result.output
  return source, bg_run, result.output


def test_background_run_has_the_model_and_data_of_its_run(trained):
  source, bg_run, output = trained
  assert ('Training a background model (categorical) for {} with mutation '
          'rate 0.3, L2 0.001 on 32 images'.format(source)) in output
  config = _json(bg_run, 'config.json')
  assert config.pop('background') == {
      'for': os.path.abspath(source), 'mutation_rate': 0.3, 'l2': 0.001}
  assert config == _json(source, 'config.json')
  data, own = (_json(source, 'data.json')['options'],
               _json(bg_run, 'data.json')['options'])
  assert own == dict(data, max_images=32)
  assert (own['seed'], own['validation_fraction']) == (5, 0.25)


def test_background_run_loads_and_scores_as_an_image_run(trained, tmp_path,
                                                         cli, digits):
  _, bg_run, _ = trained
  dist = tfp_pixel.load(bg_run)
  log_prob = dist.log_prob(tfp_pixel.quantize(digits[:2], 4)).numpy()
  assert log_prob.shape == (2,) and np.isfinite(log_prob).all()
  Image.fromarray(digits[0][..., 0]).save(tmp_path / 'digit.png')
  result = cli(['score', '--run', bg_run, str(tmp_path / 'digit.png')])
  assert result.exit_code == 0, result.output


def test_plain_resume_goes_on_as_a_background_run(trained, tmp_path, cli):
  _, bg_run, _ = trained
  result = cli(['train', '--run', bg_run, '--epochs', '2', '--steps', '1',
                '--batch-size', '16', '--num-samples', '0'])
  assert result.exit_code == 0, result.output
  assert 'Training a background model' in result.output
  assert [record['epoch'] for record in runs.read_metrics(bg_run)] == [1, 2]
  assert _json(bg_run, 'config.json')['background']['mutation_rate'] == 0.3


@pytest.mark.parametrize('extra, message', [
    (['--levels', '8'], 'leave out --levels'),
    (['--mix', '2', '--arch', 'gated'], 'leave out --arch, --mix'),
    (['--shape', '16x16x1'], 'leave --shape out'),
    (['--mutation-rate', '0'], 'mutation-rate'),
    (['--mutation-rate', '1.5'], 'mutation-rate'),
    (['--l2', '-1'], 'l2'),
    (['--prior-for', 'x'], 'not both'),
])
def test_bad_options_are_refused_in_one_line(trained, tmp_path, cli, extra,
                                             message):
  source, _, _ = trained
  result = cli(['train', '--background-for', source, '--run',
                str(tmp_path / 'bad')] + _TINY + extra)
  assert message in conftest.one_line_error(result)
  assert not os.path.exists(tmp_path / 'bad' / 'config.json')


def test_runs_that_are_not_image_runs_are_refused(trained, tmp_path, cli):
  source, bg_run, _ = trained
  prior = tmp_path / 'prior'
  runs.write_config(prior, dict(_json(source, 'config.json'),
                                code_prior={'level': 'codes'}))
  for background_for, message in (
      (str(tmp_path / 'nowhere'), 'nowhere'),
      (str(prior), 'a prior over the codes'),
      (bg_run, 'itself a background model')):
    result = cli(['train', '--background-for', background_for, '--run',
                  str(tmp_path / 'bad')] + _TINY)
    assert message in conftest.one_line_error(result)


def test_resumes_that_do_not_fit_are_refused(trained, tmp_path, cli):
  source, bg_run, _ = trained
  for args, message in (
      (['--run', bg_run, '--mutation-rate', '0.1'], 'leave --mutation-rate'),
      (['--run', bg_run, '--background-for', str(tmp_path)],
       'is a background model for'),
      (['--run', source, '--background-for', source],
       'not a background model'),
      (['--run', source, '--l2', '0.1'], 'pass --background-for')):
    result = cli(['train'] + args + _TINY)
    assert message in conftest.one_line_error(result)
