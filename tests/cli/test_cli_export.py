"""Tests of `tfp-pixel export` on a tiny run: the SavedModel it writes, as
`saved_model_cli` shows and runs it (the README's commands), the outlier
scores of `--background`, and its one-line refusals."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from tests.cli import conftest as cli_conftest
from tests.conftest import one_line_error
from tfp_pixel import data

_TINY = ['--levels', '4', '--filters', '4', '--blocks', '1', '--shape',
         '8x8x1', '--max-images', '200', '--epochs', '1', '--steps', '3',
         '--batch-size', '32', '--num-samples', '0']


@pytest.fixture(scope='module')
def workdir(tmp_path_factory, cli):
  """A trained tiny run (the latest), its background model (`bg`), its
  export (`exported`) and digits it did not train on."""
  path = tmp_path_factory.mktemp('export')
  cli_conftest.train_in(path, cli, ['train'] + _TINY)
  result = cli(['train', '--background-for', cli_conftest.latest_run(path),
                '--run', str(path / 'bg'), '--epochs', '1', '--steps', '3',
                '--num-samples', '0'])
  assert result.exit_code == 0, result.output
  np.save(path / 'fresh.npy', data.load_images(shape=(8, 8, 1)).images[-5:])
  with pytest.MonkeyPatch.context() as patch:
    patch.chdir(path)
    result = cli(['export', 'exported'])
  assert result.exit_code == 0, result.output
  assert result.output.strip() == (
      'Wrote {} (signatures: complete, log_prob, per_pixel_log_prob, '
      'sample, serving_default)'.format(path / 'exported'))
  return path


def _saved_model_cli(*args):
  command = os.path.join(os.path.dirname(sys.executable), 'saved_model_cli')
  process = subprocess.run(
      [command, *args], capture_output=True, text=True, check=False,
      env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL='2', CUDA_VISIBLE_DEVICES=''))
  assert process.returncode == 0, process.stdout + process.stderr
  return process.stdout


def test_saved_model_cli_shows_the_signatures(workdir):
  shown = _saved_model_cli('show', '--dir', str(workdir / 'exported'),
                           '--all')
  for name in ('complete', 'log_prob', 'per_pixel_log_prob', 'sample',
               'serving_default'):
    assert "signature_def['{}']".format(name) in shown
  log_prob = shown[shown.index("signature_def['log_prob']"):]
  log_prob = log_prob[:log_prob.index('Method name')]
  assert "inputs['images']" in log_prob and 'DT_UINT8' in log_prob
  assert 'shape: (-1, 8, 8, 1)' in log_prob
  assert "outputs['bits_per_dim']" in log_prob
  sample = shown[shown.index("signature_def['sample']"):]
  sample = sample[:sample.index('Method name')]
  for line in ("inputs['num_samples']", "inputs['seed']",
               "inputs['temperature']", 'DT_INT32', 'DT_FLOAT'):
    assert line in sample


def test_saved_model_cli_runs_log_prob_as_the_readme_shows(workdir, cli):
  # The README's command, on the run's digits.
  ran = _saved_model_cli(
      'run', '--dir', str(workdir / 'exported'), '--tag_set', 'serve',
      '--signature_def', 'log_prob', '--inputs',
      'images={}'.format(workdir / 'fresh.npy'))
  assert "Result for output key bits_per_dim" in ran
  with pytest.MonkeyPatch.context() as patch:
    patch.chdir(workdir)
    scored = cli(['score', 'fresh.npy', '--format', 'json'])
  assert scored.exit_code == 0, scored.output
  report = json.loads(scored.output[scored.output.index('{'):])
  bits = ran[ran.index('bits_per_dim'):].split('[', 1)[1].split(']')[0]
  np.testing.assert_allclose(
      np.array(bits.split(), float),
      [image['bits_per_dim'] for image in report['images']], rtol=1e-4)


def test_background_adds_the_outlier_scores(workdir, cli, tmp_path):
  with pytest.MonkeyPatch.context() as patch:
    patch.chdir(workdir)
    result = cli(['export', str(tmp_path / 'outliers'), '--background',
                  'bg'])
    assert result.exit_code == 0, result.output
    assert 'outlier_scores' in result.output
    scored = cli(['outliers', 'fresh.npy', '--background', 'bg',
                  '--format', 'json'])
  assert scored.exit_code == 0, scored.output
  text = scored.output[scored.output.index('{'):]
  expected = json.JSONDecoder().raw_decode(text)[0]['images']
  # In this process: `outlier_scores` adds only TensorFlow operations
  # (`map_fn`, `EncodePng`) to what the served tests load without the package.
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  outputs = tf.saved_model.load(str(tmp_path / 'outliers')).signatures[
      'outlier_scores'](images=tf.constant(np.load(workdir / 'fresh.npy')))
  served = {key: value.numpy() for key, value in outputs.items()}
  for output, field in (('nll', 'nll'), ('background_nll', 'background'),
                        ('png_bits_per_dim', 'complexity')):
    np.testing.assert_allclose(served[output],
                               [image[field] for image in expected],
                               rtol=1e-5)
  np.testing.assert_allclose(served['llr'],
                             served['nll'] - served['background_nll'],
                             rtol=1e-5)
  np.testing.assert_allclose(
      served['complexity'], served['nll'] - served['png_bits_per_dim'],
      rtol=1e-5)
  assert 'typicality' in served


def test_a_non_empty_target_is_refused_and_overwrite_replaces_it(
    workdir, cli, tmp_path):
  target = tmp_path / 'model'
  target.mkdir()
  (target / 'mine.txt').write_text('keep')
  with pytest.MonkeyPatch.context() as patch:
    patch.chdir(workdir)
    error = one_line_error(cli(['export', str(target)]))
    assert error == ('Error: {} is not empty: pass --overwrite '
                     '(overwrite=True) to replace it.'.format(target))
    assert os.listdir(target) == ['mine.txt']
    result = cli(['export', str(target), '--overwrite'])
    assert result.exit_code == 0, result.output
  assert 'saved_model.pb' in os.listdir(target)
  assert 'mine.txt' not in os.listdir(target)


def test_bad_targets_and_runs_get_one_line(workdir, cli, tmp_path):
  (tmp_path / 'link').symlink_to(tmp_path)
  (tmp_path / 'file').write_text('mine')
  with pytest.MonkeyPatch.context() as patch:
    patch.chdir(workdir)
    assert 'is a symbolic link' in one_line_error(
        cli(['export', str(tmp_path / 'link'), '--overwrite']))
    assert 'is a file' in one_line_error(
        cli(['export', str(tmp_path / 'file'), '--overwrite']))
    assert (tmp_path / 'file').read_text() == 'mine'
    assert 'is not a run directory' in one_line_error(
        cli(['export', str(tmp_path / 'x'), '--run',
             str(tmp_path / 'missing')]))
    assert 'is not a background model' in one_line_error(
        cli(['export', str(tmp_path / 'x'), '--background',
             cli_conftest.latest_run(workdir)]))
  assert not os.path.exists(tmp_path / 'x')


def _readme_request_code():
  """The README's Python block that builds TensorFlow Serving's REST body."""
  path = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
      os.path.abspath(__file__)))), 'README.md')
  with open(path, encoding='utf-8') as f:
    readme = f.read()
  start = readme.index("```python\nimport json\n")
  return readme[start + len('```python\n'):readme.index('```', start + 3)]


def _rest_predict(directory, body):
  """What TensorFlow Serving's REST `predict` does with a body in the row
  format: each input's instances stacked on a new first axis, in the
  signature's dtype; the outputs split back into one dict per instance.

  Returns:
    predictions: `list` of `{output name: value}`.
    signature: the signature called.
  """
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  request = json.loads(body)
  signature = tf.saved_model.load(str(directory)).signatures[
      request['signature_name']]
  specs = signature.structured_input_signature[1]
  instances = request['instances']
  inputs = {key: tf.constant(np.array([row[key] for row in instances]),
                             specs[key].dtype) for key in instances[0]}
  assert set(inputs) == set(specs)
  outputs = {key: value.numpy() for key, value in signature(**inputs).items()}
  return [{key: value[i] for key, value in outputs.items()}
          for i in range(len(instances))], signature


def test_the_readme_rest_body_is_what_serving_takes(workdir):
  code = _readme_request_code().replace("'digits.npy'", repr(str(
      workdir / 'fresh.npy')))
  namespace = {}
  exec(code, namespace)  # pylint: disable=exec-used
  predictions, signature = _rest_predict(workdir / 'exported',
                                         namespace['body'])
  assert len(predictions) == 5
  expected = signature(images=np.load(workdir / 'fresh.npy'))
  for key in ('log_prob', 'bits_per_dim', 'log_prob_levels'):
    np.testing.assert_array_equal([p[key] for p in predictions],
                                  expected[key])
