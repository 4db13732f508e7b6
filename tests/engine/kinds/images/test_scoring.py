"""Tests of `tfp_pixel.score` and the 8-bit bits/dim convention."""

import math
import os

import numpy as np
import pytest
from PIL import Image

import tfp_pixel
from tests import tiny_configs
from tfp_pixel.engine import configs
from tfp_pixel.engine.kinds.images import metrics
from tfp_pixel.engine.kinds.images import scoring


@pytest.fixture(scope='module')
def trained_run(tmp_path_factory, digits):
  root = tmp_path_factory.mktemp('scoring')
  config = tiny_configs.categorical()
  run_dir = str(root / 'run')
  tfp_pixel.train(digits, config, run_dir=run_dir, steps_per_epoch=2,
                  batch_size=16, num_samples=0, verbose=False,
                  runs_root=str(root / 'runs'))
  return run_dir


def _write_pngs(folder, images):
  os.makedirs(folder, exist_ok=True)
  paths = []
  for i, image in enumerate(images):
    path = os.path.join(folder, 'digit-{}.png'.format(i))
    Image.fromarray(image[..., 0]).save(path)
    paths.append(path)
  return paths


def test_scores_match_log_prob_and_the_convention(tmp_path, digits,
                                                  trained_run):
  paths = _write_pngs(tmp_path / 'images', digits[:5])
  report = tfp_pixel.score(tmp_path / 'images', run_dir=trained_run)
  assert [s.path for s in report.scores] == paths
  assert report.skipped == []
  dist = tfp_pixel.load(trained_run)
  config = tiny_configs.categorical()
  expected = -np.asarray(dist.log_prob(
      configs.images_to_events(digits[:5], config)), np.float64)
  got = np.array([s.nll_levels for s in report.scores])
  np.testing.assert_allclose(got, expected, rtol=1e-5)
  # Every level of 4 covers 64 8-bit values.
  np.testing.assert_allclose([s.nll for s in report.scores],
                             expected + 64 * math.log(64), rtol=1e-5)
  np.testing.assert_allclose(
      [s.bits_per_dim for s in report.scores],
      (expected + 64 * math.log(64)) / (64 * math.log(2)), rtol=1e-5)
  assert report.mean.nll == pytest.approx(np.mean(got + 64 * math.log(64)))


def test_eight_bit_nll_uses_each_levels_width():
  # 3 levels of 256 values have widths 86, 85, 85.
  levels = np.array([0, 1, 2, 2]).reshape(1, 2, 2, 1)
  nll = metrics.eight_bit_nll(np.array([1.]), levels, 3)
  widths = tfp_pixel.bin_widths(3)
  assert list(widths) == [86, 85, 85]
  np.testing.assert_allclose(
      nll, 1. + math.log(86) + 3 * math.log(85), rtol=1e-6)


def test_bad_files_are_skipped_with_a_reason(tmp_path, digits, trained_run):
  good = _write_pngs(tmp_path / 'images', digits[:2])
  truncated = tmp_path / 'images' / 'truncated.png'
  truncated.write_bytes(open(good[0], 'rb').read()[:40])
  fake = tmp_path / 'images' / 'fake.png'
  fake.write_text('not an image')
  notes = tmp_path / 'notes.txt'
  notes.write_text('hello')
  empty = tmp_path / 'empty'
  empty.mkdir()
  report = tfp_pixel.score(
      [tmp_path / 'images', notes, empty, tmp_path / 'missing.png'],
      run_dir=trained_run)
  assert [s.path for s in report.scores] == good
  reasons = {os.path.basename(s.path): s.reason for s in report.skipped}
  assert set(reasons) == {'truncated.png', 'fake.png', 'notes.txt', 'empty',
                          'missing.png'}
  assert reasons['empty'] == 'no image files in this folder'
  assert all('\n' not in r and r for r in reasons.values())


def test_rgb_images_are_converted_to_the_runs_shape(tmp_path, digits,
                                                    trained_run):
  rgb = np.repeat(digits[0], 3, axis=-1)
  Image.fromarray(rgb).resize((16, 16)).save(tmp_path / 'big_rgb.png')
  report = tfp_pixel.score([tmp_path / 'big_rgb.png'], run_dir=trained_run)
  assert len(report.scores) == 1 and not report.skipped


def test_nothing_readable_gives_an_empty_report(tmp_path, trained_run):
  (tmp_path / 'bad.png').write_text('nope')
  report = scoring.score([tmp_path / 'bad.png'], run_dir=trained_run)
  assert report.scores == [] and report.mean is None
  assert len(report.skipped) == 1


@pytest.mark.parametrize('batch_size, values, per_batch', [
    (4, None, 4), (10**9, 3 * 8 * 8, 3)])
def test_images_are_read_and_scored_a_batch_at_a_time(
    tmp_path, digits, trained_run, monkeypatch, batch_size, values,
    per_batch):
  from tfp_pixel import bounds  # pylint: disable=g-import-not-at-top
  from tfp_pixel import data  # pylint: disable=g-import-not-at-top
  if values is not None:  # --batch-size 1000000000 holds 3 images at most.
    monkeypatch.setattr(bounds, 'SCORE_BATCH_VALUES', values)
  paths = _write_pngs(tmp_path / 'many', digits[:10])
  reads = []
  read = data.read_image_and_shape

  def counted(path, shape=None):
    reads.append(path)
    return read(path, shape)

  monkeypatch.setattr(data, 'read_image_and_shape', counted)
  scorer = scoring.Scorer(tmp_path / 'many', run_dir=trained_run,
                          batch_size=batch_size)
  results = iter(scorer)
  first = next(results)
  assert (first.path, len(reads)) == (paths[0], per_batch)
  rest = list(results)
  assert [r.path for r in rest] == paths[1:] and len(reads) == 10
  report = tfp_pixel.score(tmp_path / 'many', run_dir=trained_run)
  np.testing.assert_allclose([first.nll] + [r.nll for r in rest],
                             [s.nll for s in report.scores], rtol=1e-6)
  assert scorer.mean.nll == pytest.approx(report.mean.nll)
