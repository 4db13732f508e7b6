"""`tfp-pixel train --levels K` above 256: the data are integer levels in
`[0, K)` from an array file, used as they are; anything else is refused in
one line. `score` reads the same kind of data."""

import json
import os

import numpy as np
import pytest

import tfp_pixel
from tests.conftest import one_line_error


def _levels(num_levels, shape=(12, 4, 4, 1), seed=0):
  return np.random.RandomState(seed).randint(num_levels, size=shape)


def _train(cli, run_dir, dataset, levels='300', *extra):
  return cli(['train', '--dataset', str(dataset), '--levels', levels,
              '--filters', '4', '--blocks', '1', '--epochs', '1', '--steps',
              '1', '--batch-size', '8', '--run', str(run_dir)] + list(extra))


def test_train_and_score_on_levels_above_256(cli, tmp_path):
  levels = _levels(300)
  levels[0, 0, 0, 0] = 299  # Not a value of 8 or 9 bits.
  path = tmp_path / 'codes.npy'
  np.save(path, levels.astype(np.int64))
  run_dir = tmp_path / 'run'
  result = _train(cli, run_dir, path, '300', '--num-samples', '4')
  assert result.exit_code == 0, result.output
  config = json.load(open(run_dir / 'config.json'))
  assert config['num_levels'] == 300 and config['image_shape'] == [4, 4, 1]
  dist = tfp_pixel.load(str(run_dir))
  assert dist.num_levels == 300 and dist.network.level_inputs.embedded
  assert (run_dir / 'samples' / 'epoch-001.png').is_file()

  # Samples as an array are the levels drawn (the codes), not 8-bit values.
  result = cli(['sample', '--run', str(run_dir), '-n', '40', '-o',
                str(tmp_path / 'drawn.npy')])
  assert result.exit_code == 0, result.output
  drawn = np.load(tmp_path / 'drawn.npy')
  assert drawn.dtype == np.int32 and drawn.shape == (40, 4, 4, 1)
  assert drawn.min() >= 0 and drawn.max() < 300 and drawn.max() > 255

  np.save(tmp_path / 'more.npy', levels[:3])
  (tmp_path / 'image.png').write_bytes(
      (tmp_path / 'run' / 'samples' / 'epoch-001.png').read_bytes())
  result = cli(['score', str(tmp_path / 'more.npy'),
                str(tmp_path / 'image.png'), '--run', str(run_dir),
                '--format', 'json'])
  assert result.exit_code == 1
  report = json.loads(result.stdout)
  scores = report['images']
  assert len(scores) == 3, result.stderr
  expected = -dist.log_prob(levels[:3].astype(np.int32)).numpy()
  np.testing.assert_allclose([s['nll'] for s in scores], expected, rtol=1e-4)
  # No 8-bit images behind the levels: both figures are the model's own.
  np.testing.assert_allclose([s['nll_levels'] for s in scores], expected,
                             rtol=1e-4)
  assert 'not images' in result.stderr.splitlines()[0]


@pytest.mark.parametrize('make, problem', [
    (None, 'not on 8-bit images'),
    (lambda path: os.makedirs(path / 'folder'), 'not on 8-bit images'),
    (lambda path: np.save(path / 'x.npy', _levels(300) / 2.),
     'levels must be integers'),
    (lambda path: np.save(path / 'x.npy', _levels(301)),
     r'holds values in [0, 300]; a model of 300 levels needs levels in '
     r'[0, 300)'),
    (lambda path: np.save(path / 'x.npy', _levels(300) - 1),
     'holds values in [-1, '),
])
def test_data_that_are_not_levels_are_refused_in_one_line(cli, tmp_path,
                                                          make, problem):
  dataset = None
  if make is not None:
    make(tmp_path)
    dataset = sorted(p for p in tmp_path.iterdir())[0]
  args = ['train', '--levels', '300', '--epochs', '0', '--run',
          str(tmp_path / 'run')]
  if dataset is not None:
    args += ['--dataset', str(dataset)]
  line = one_line_error(cli(args))
  assert problem in line
  assert not (tmp_path / 'run' / 'config.json').exists()


def test_8bit_data_whose_values_fit_are_levels_as_they_are(cli, tmp_path):
  np.save(tmp_path / 'bytes.npy', _levels(256).astype(np.uint8))
  result = _train(cli, tmp_path / 'run', tmp_path / 'bytes.npy', '257',
                  '--num-samples', '0', '--shape', '4x4x1')
  assert result.exit_code == 0, result.output
  line = one_line_error(_train(cli, tmp_path / 'other',
                               tmp_path / 'bytes.npy', '257', '--shape',
                               '8x8x1'))
  assert 'its levels are 4x4x1 and are used as they are' in line


def test_levels_above_2_to_the_16_are_refused(cli, tmp_path):
  result = cli(['train', '--levels', '65537', '--run', str(tmp_path / 'r')])
  assert "Invalid value for '--levels'" in one_line_error(result)
  assert '65536' in result.output
