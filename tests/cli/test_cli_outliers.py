"""Tests of `tfp-pixel outliers` and `outliers evaluate` on a tiny run."""

import csv
import io
import json

import numpy as np
import pytest
from PIL import Image

from tests.cli import conftest as cli_conftest
from tests.conftest import one_line_error
from tests import tiny_tfds
from tfp_pixel import data
from tfp_pixel import outliers
from tfp_pixel import quantization

_TINY = ['--levels', '4', '--filters', '4', '--blocks', '1', '--shape',
         '8x8x1', '--max-images', '200', '--epochs', '1', '--steps', '3',
         '--batch-size', '32', '--num-samples', '0']


@pytest.fixture(scope='module')
def workdir(tmp_path_factory, cli):
  """A trained tiny run (the latest) and its background model (`bg`),
  reference and fresh digits they did not train on, and noise."""
  path = tmp_path_factory.mktemp('outliers')
  cli_conftest.train_in(path, cli, ['train'] + _TINY)
  result = cli(['train', '--background-for', cli_conftest.latest_run(path),
                '--run', str(path / 'bg'), '--epochs', '1', '--steps', '3',
                '--num-samples', '0'])
  assert result.exit_code == 0, result.output
  digits = data.load_images(shape=(8, 8, 1)).images
  np.save(path / 'reference.npy', digits[1000:1400])
  np.save(path / 'fresh.npy', digits[1400:])
  np.save(path / 'noise.npy', np.random.default_rng(0).integers(
      0, 256, (40, 8, 8, 1)).astype(np.uint8))
  return path


def _json(result):
  assert result.exit_code == 0, result.output
  text = result.output[result.output.index('{'):]
  return json.JSONDecoder().raw_decode(text)[0]  # stderr lines may follow.


def test_threshold_flags_about_the_asked_share_of_fresh_images(in_workdir,
                                                                cli):
  report = _json(cli(['outliers', 'fresh.npy', '--reference',
                      'reference.npy', '--method', 'nll', '--fpr', '0.05',
                      '--format', 'json']))
  flagged = [image['outlier'] for image in report['images']]
  assert len(flagged) == 397
  assert 0.01 < np.mean(flagged) < 0.12
  assert report['mean']['outlier'] == pytest.approx(np.mean(flagged))
  assert report['method'] == 'nll' and report['fpr'] == 0.05
  scores = np.array([image['score'] for image in report['images']])
  np.testing.assert_array_equal(scores > report['threshold'], flagged)


def test_columns_are_the_model_nll_and_the_png_length(in_workdir, cli):
  report = _json(cli(['outliers', 'fresh.npy', '--method', 'complexity',
                      '--format', 'json']))
  scored = _json(cli(['score', 'fresh.npy', '--format', 'json']))
  levels = np.asarray(quantization.quantize(np.load('fresh.npy'), 4))
  png = outliers.png_bits(levels, 4) / 64.
  for image, own, bits in zip(report['images'], scored['images'], png):
    assert image['path'] == own['path']
    assert image['nll'] == pytest.approx(own['bits_per_dim_levels'],
                                         rel=1e-5)
    assert image['complexity'] == bits
    assert image['score'] == pytest.approx(image['nll'] - bits)
    assert 'outlier' not in image  # No reference, no verdict.


def test_typicality_against_the_run_or_the_reference(in_workdir, cli):
  own = _json(cli(['outliers', 'fresh.npy', '--method', 'typicality',
                   '--format', 'json']))
  metrics = [json.loads(line) for line in open(
      cli_conftest.latest_run(in_workdir) + '/metrics.jsonl')]
  typical = metrics[-1]['val_bits_per_dim_levels']
  for image in own['images'][:5]:
    assert image['score'] == pytest.approx(abs(image['nll'] - typical))
  report = _json(cli(['outliers', 'noise.npy', '--method', 'typicality',
                      '--reference', 'reference.npy', '--format', 'json']))
  test = report['batch_typicality']
  assert test['batch_size'] == 40 and test['outlier']
  assert test['distance'] > test['threshold']


def test_table_csv_and_skipped_files(in_workdir, cli):
  (in_workdir / 'broken.png').write_bytes(b'not a png')
  result = cli(['outliers', 'broken.png', 'noise.npy', '--reference',
                'reference.npy'])
  assert result.exit_code == 1
  assert 'broken.png:' in result.output and '1 path(s) skipped' in (
      result.output)
  assert 'noise.npy[39]' in result.output
  assert 'threshold:' in result.output and 'method: nll' in (
      result.output)
  rows = list(csv.DictReader(io.StringIO(cli(
      ['outliers', 'noise.npy', '--format', 'csv']).output)))
  assert len(rows) == 41 and rows[-1]['path'] == 'mean'
  assert set(rows[0]) == {'path', 'nll', 'complexity', 'score'}


def test_likelihood_ratio_against_the_background_model(in_workdir, cli):
  report = _json(cli(['outliers', 'noise.npy', 'fresh.npy', '--background',
                      'bg', '--method', 'llr', '--format', 'json']))
  assert report['background'].endswith('bg')
  under_background = _json(cli(['score', 'noise.npy', 'fresh.npy', '--run',
                                'bg', '--format', 'json']))
  for image, own in zip(report['images'], under_background['images']):
    assert image['background'] == pytest.approx(own['bits_per_dim_levels'],
                                                 rel=1e-5)
    assert image['score'] == pytest.approx(image['nll'] -
                                           image['background'])
  figures = _json(cli(['outliers', 'evaluate', '--inliers', 'fresh.npy',
                       '--outliers', 'noise.npy', '--background', 'bg',
                       '--format', 'json']))
  assert [m['method'] for m in figures['methods']] == [
      'nll', 'llr', 'complexity', 'typicality']


def test_tfds_names_are_sources(in_workdir, cli):
  pytest.importorskip('tensorflow_datasets')
  tiny_tfds_name = tiny_tfds.registered_name()
  manual = in_workdir / 'tfds' / 'downloads' / 'manual'
  manual.mkdir(parents=True, exist_ok=True)
  (manual / 'tiny-images.bin').write_bytes(tiny_tfds.RAW)
  name = tiny_tfds_name + ':test'
  report = _json(cli(['outliers', name, '--data-dir', 'tfds', '--format',
                      'json']))
  assert [image['path'] for image in report['images']] == [
      name + '[0]', name + '[1]']
  scored = _json(cli(['score', name, '--data-dir', 'tfds', '--format',
                      'json']))
  assert scored['images'][1]['bits_per_dim_levels'] == pytest.approx(
      report['images'][1]['nll'], rel=1e-5)


def test_one_line_errors(in_workdir, cli):
  assert 'background model' in one_line_error(
      cli(['outliers', 'noise.npy', '--method', 'llr']))
  assert 'is not a background model' in one_line_error(
      cli(['outliers', 'noise.npy', '--background',
           cli_conftest.latest_run(in_workdir)]))
  assert 'is a background model' in one_line_error(
      cli(['outliers', 'noise.npy', '--run', 'bg', '--background', 'bg']))
  assert 'No reference image' in one_line_error(
      cli(['outliers', 'noise.npy', '--reference', 'missing.npy']))
  assert 'No outlier image' in one_line_error(
      cli(['outliers', 'evaluate', '--inliers', 'fresh.npy', '--outliers',
           'missing/']))
  assert cli(['outliers', 'evaluate', '--outliers', 'x']).exit_code == 2


def test_evaluate_measures_every_method_and_draws_histograms(in_workdir,
                                                             cli):
  result = cli(['outliers', 'evaluate', '--inliers', 'fresh.npy',
                '--outliers', 'noise.npy', '--histogram', 'h.png',
                '--format', 'json'])
  report = _json(result)
  assert (report['inliers'], report['outliers']) == (397, 40)
  figures = {m['method']: m for m in report['methods']}
  assert list(figures) == ['nll', 'complexity', 'typicality']
  inliers = outliers.score('fresh.npy', method='complexity').scores
  noise = outliers.score('noise.npy', method='complexity').scores
  assert figures['complexity']['auroc'] == pytest.approx(outliers.auroc(
      [s.score for s in inliers], [s.score for s in noise]))
  for figure in figures.values():
    assert 0. <= figure['fpr_at_95_tpr'] <= 1.
    assert 0. <= figure['auprc'] <= 1.
  image = np.asarray(Image.open('h.png'))
  assert image.shape[0] == 3 * (image.shape[0] // 3) and image.shape[2] == 3
  table = cli(['outliers', 'evaluate', '--inliers', 'fresh.npy',
               '--outliers', 'noise.npy']).output
  assert 'AUROC' in table and 'complexity' in table
