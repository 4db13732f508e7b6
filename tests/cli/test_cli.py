"""Tests of the `tfp-pixel` command line tool, with click's CliRunner."""

import json
import os

import numpy as np
import pytest
from PIL import Image

import tfp_pixel
from tests.cli import conftest as cli_conftest
from tests.conftest import one_line_error
from tfp_pixel.engine import loading
from tfp_pixel.engine import runs

_TINY_CATEGORICAL = ['--levels', '4', '--filters', '4', '--blocks', '1',
                     '--shape', '8x8x1', '--max-images', '64', '--epochs', '1',
                     '--steps', '2', '--batch-size', '16', '--num-samples',
                     '0']


@pytest.fixture(scope='module')
def workdir(tmp_path_factory, digits, cli):
  """A working directory with a trained run (the latest) and some images."""
  path = tmp_path_factory.mktemp('cli')
  cli_conftest.train_in(path, cli, ['train'] + _TINY_CATEGORICAL)
  os.makedirs(path / 'images')
  for i, image in enumerate(digits[:3]):
    Image.fromarray(image[..., 0]).save(path / 'images' / '{}.png'.format(i))
  return path


def test_version_and_help(cli):
  assert '0.1.0' in cli(['--version']).output
  output = cli(['train', '--help']).output
  assert '--run DIR' in output and '--mix K' in output


def test_train_records_the_latest_run(in_workdir):
  latest = cli_conftest.latest_run(in_workdir)
  assert os.path.isfile(os.path.join(latest, 'config.json'))
  config = json.load(open(os.path.join(latest, 'config.json')))
  assert (config['model'], config['num_levels']) == ('categorical', 4)


def test_score_uses_the_latest_run_as_typed(in_workdir, cli):
  result = cli(['score', 'images/'])
  assert result.exit_code == 0, result.output
  lines = result.output.splitlines()
  assert lines[0].startswith('Run: ')
  assert [line.split()[0] for line in lines[2:]] == [
      'images/0.png', 'images/1.png', 'images/2.png', 'mean']


@pytest.mark.parametrize('output_format', ['json', 'csv'])
def test_score_formats(in_workdir, output_format, cli):
  result = cli(['score', 'images', '--format', output_format])
  assert result.exit_code == 0, result.output
  if output_format == 'json':
    report = json.loads(result.output)
    assert len(report['images']) == 3 and report['skipped'] == []
    assert report['mean']['bits_per_dim'] > report['mean'][
        'bits_per_dim_levels']
  else:
    header, *rows = result.output.splitlines()
    assert header.split(',')[:3] == ['path', 'nll', 'bits_per_dim']
    assert len(rows) == 4 and rows[-1].startswith('mean,')


def test_score_reports_bad_files_one_line_each_and_fails(in_workdir, cli):
  (in_workdir / 'broken.png').write_bytes(b'\x89PNG\r\n\x1a\n garbage')
  result = cli(
      ['score', 'images', 'broken.png', 'nowhere'])
  assert result.exit_code == 1
  assert 'Traceback' not in result.stderr
  errors = result.stderr.splitlines()
  assert sorted(line.split(':')[0] for line in errors[:2]) == [
      'broken.png', 'nowhere']
  assert errors[2] == '2 path(s) skipped.'
  assert len(result.stdout.splitlines()) == 2 + 3 + 1


def test_commands_without_a_run_fail_in_one_line(tmp_path, monkeypatch, cli):
  monkeypatch.chdir(tmp_path)
  for args in (['score', '.'], ['sample', '-o', 'x.png']):
    result = cli(args)
    assert result.exit_code == 1
    assert result.output.startswith('Error: No run given')
    assert len(result.output.splitlines()) == 1


def test_train_user_errors_are_one_line(tmp_path, monkeypatch, cli):
  monkeypatch.chdir(tmp_path)
  for args, message in [(['--shape', '8by8'], 'shape'),
                        (['--dataset', str(tmp_path / 'none')], 'none'),
                        (['--levels', '4', '--resnet', '2'], '--resnet')]:
    result = cli(['train', '--epochs', '0'] + args)
    assert result.exit_code != 0
    assert 'Traceback' not in result.output
    assert message in result.output
    errors = [l for l in result.output.splitlines() if 'rror' in l]
    assert len(errors) == 1 and errors[0].startswith('Error: '), result.output


@pytest.mark.parametrize('name', ['grid.png', 'samples.npy'])
def test_sample_to_png_and_npy(in_workdir, name, cli):
  result = cli(['sample', '-n', '4', '--temperature', '0.8', '--seed', '1',
                 '-o', name])
  assert result.exit_code == 0, result.output
  if name.endswith('.npy'):
    images = np.load(name)
    assert images.shape == (4, 8, 8, 1) and images.dtype == np.uint8
    assert set(np.unique(images)) <= {0, 85, 170, 255}
  else:  # Two by two 8x8 images drawn 8 times larger, 2-pixel gaps.
    assert Image.open(name).size == (2 * 66 - 2, 2 * 66 - 2)


@pytest.mark.parametrize('name', ['grid.png', 'samples.npy'])
def test_outputs_get_the_mode_of_the_umask(in_workdir, name, cli):
  old = os.umask(0o022)
  try:
    result = cli(['sample', '-n', '2', '-o', 'mode-' + name])
  finally:
    os.umask(old)
  assert result.exit_code == 0, result.output
  assert os.stat('mode-' + name).st_mode & 0o777 == 0o644


def test_sample_is_reproducible_by_seed(in_workdir, cli):
  for name in ('a.npy', 'b.npy'):
    assert cli(['sample', '-n', '2', '--seed', '3', '-o', name]).exit_code == 0
  np.testing.assert_array_equal(np.load('a.npy'), np.load('b.npy'))


def test_sample_rejects_other_extensions(in_workdir, cli):
  result = cli(['sample', '-o', 'grid.jpg'])
  assert result.exit_code == 2 and '.png or .npy' in result.output


def test_train_resumes_the_named_run(in_workdir, cli):
  latest = cli_conftest.latest_run(in_workdir)
  result = cli(['train', '--run', latest, '--epochs', '2', '--steps', '1',
                 '--max-images', '64', '--num-samples', '0'])
  assert result.exit_code == 0, result.output
  assert 'Run: {} (epoch 2)'.format(latest) in result.output
  refused = cli(['train', '--run', latest, '--levels', '8', '--epochs', '3',
                  '--max-images', '64'])
  assert refused.exit_code == 1 and 'num_levels=4 (asked: 8)' in refused.output


def test_mixture_model_end_to_end(tmp_path, monkeypatch, cli):
  monkeypatch.chdir(tmp_path)
  result = cli(['train', '--mix', '2', '--filters', '4', '--hierarchies',
                 '1', '--shape', '4x4x1', '--max-images', '32', '--epochs',
                 '1', '--steps', '1', '--batch-size', '8', '--num-samples',
                 '0'])
  assert result.exit_code == 0, result.output
  assert cli(['sample', '-n', '2', '-o', 'mix.npy']).exit_code == 0
  assert np.load('mix.npy').shape == (2, 4, 4, 1)


def _tiles(grid, size=8, scale=8, padding=2):
  """Splits a grid PNG of `size`-pixel images drawn `scale` times larger
  into `[rows, columns, size, size]`, checking that every image pixel is a
  uniform `scale x scale` square."""
  grid = np.asarray(grid)
  tile = size * scale
  rows, columns = [(n + padding) // (tile + padding) for n in grid.shape[:2]]
  tiles = np.array([[grid[r * (tile + padding):r * (tile + padding) + tile,
                          c * (tile + padding):c * (tile + padding) + tile]
                     for c in range(columns)] for r in range(rows)])
  small = tiles[:, :, ::scale, ::scale]
  np.testing.assert_array_equal(
      small.repeat(scale, axis=2).repeat(scale, axis=3), tiles)
  return small


def test_complete_keeps_the_known_half(in_workdir, cli):
  images = sorted(str(p) for p in (in_workdir / 'images').iterdir())
  result = cli(['complete', *images, '-n', '2', '--seed', '4', '-o',
                 'completed.png'])
  assert result.exit_code == 0, result.output
  tiles = _tiles(Image.open('completed.png'))
  assert tiles.shape == (3, 4, 8, 8)
  levels = np.asarray(tfp_pixel.dequantize(tfp_pixel.quantize(tiles[:, 0], 4),
                                          4))
  for column in (2, 3):
    np.testing.assert_array_equal(tiles[:, column, :4], levels[:, :4])
    assert set(np.unique(tiles[:, column])) <= {0, 85, 170, 255}
  assert (tiles[:, 1, 4:] == 128).all()


def test_complete_with_a_mask_file(in_workdir, cli):
  mask = np.full([8, 8], 255, np.uint8)
  mask[:, 5:] = 0
  Image.fromarray(mask).save('mask.png')
  result = cli(['complete', 'images/0.png', '--mask', 'mask.png', '-n', '1',
                 '-o', 'right.png'])
  assert result.exit_code == 0, result.output
  tiles = _tiles(Image.open('right.png'))
  assert (tiles[0, 1, :, 5:] == 128).all()
  assert (tiles[0, 1, :, :5] == tiles[0, 0, :, :5]).all()


@pytest.mark.parametrize('args, message', [
    (['images/0.png', '--mask', 'nowhere.png'], '--mask must be'),
    (['images/missing.png'], 'missing.png'),
    (['images/0.png', '-o', 'out.jpg'], 'must end in .png'),
])
def test_complete_user_errors_are_one_line(in_workdir, args, message, cli):
  if '-o' not in args:
    args = args + ['-o', 'out.png']
  result = cli(['complete'] + args)
  errors = [line for line in result.output.splitlines()
            if line.startswith('Error: ')]
  assert result.exit_code != 0 and len(errors) == 1, result.output
  assert message in errors[0] and 'Traceback' not in result.output


def test_train_steps_repeat_short_data_and_scale_sets_the_grid(tmp_path, cli):
  # 29 training images in batches of 16: two batches a pass, five steps.
  result = cli(['train', '--levels', '4', '--filters', '4', '--blocks', '1',
                '--shape', '8x8x1', '--max-images', '32', '--batch-size',
                '16', '--steps', '5', '--epochs', '1', '--num-samples', '4',
                '--scale', '2', '--run', str(tmp_path / 'run')])
  assert result.exit_code == 0, result.output
  (record,) = runs.read_metrics(tmp_path / 'run')
  assert (record['step'], record['images']) == (5, 16 + 13 + 16 + 13 + 16)
  grid = Image.open(tmp_path / 'run' / 'samples' / 'epoch-001.png')
  assert grid.size == (2 * 18 - 2, 2 * 18 - 2)


def test_sample_scale_draws_each_pixel_as_a_square(in_workdir, cli):
  for name in ('raw.npy', 'scaled.png'):
    args = ['sample', '-n', '4', '--seed', '5', '-o', name]
    result = cli(args + (['--scale', '3'] if name.endswith('.png') else []))
    assert result.exit_code == 0, result.output
  images = np.load('raw.npy')[..., 0]
  grid = np.asarray(Image.open('scaled.png'))
  assert grid.shape == (2 * 26 - 2, 2 * 26 - 2)
  for i, image in enumerate(images):
    row, column = divmod(i, 2)
    np.testing.assert_array_equal(
        grid[row * 26:row * 26 + 24, column * 26:column * 26 + 24],
        np.kron(image, np.ones([3, 3], np.uint8)))
  refused = cli(['sample', '--scale', '2', '-o', 'raw.npy'])
  assert refused.exit_code == 2 and '--scale' in refused.output


def test_complete_scale(in_workdir, cli):
  result = cli(['complete', 'images/0.png', '-n', '1', '--scale', '1', '-o',
                'small.png'])
  assert result.exit_code == 0, result.output
  assert Image.open('small.png').size == (3 * 10 - 2, 8)


def test_sample_refuses_what_cannot_fit_before_drawing(in_workdir, cli):
  # -n 99999999999 wrapped around int32; --scale 100000 was a traceback.
  huge_npy = one_line_error(cli(['sample', '-n', '99999999999', '-o',
                                 'huge.npy']))
  assert huge_npy.startswith('Error: huge.npy: 99999999999 images of 8x8x1 '
                             'need 5.82 TiB on disk; ')
  huge_png = one_line_error(cli(['sample', '-n', '4', '--scale', '100000',
                                 '-o', 'huge.png']))
  assert huge_png.startswith(
      'Error: A PNG grid of 4 images of 8x8 at scale 100000 would be '
      '1600002x1600002 (2,560,006 million pixels, 2.33 TiB); a grid is held '
      'whole in memory and may have 67 million pixels at most: lower -n or '
      '--scale, or write .npy')
  assert not os.path.exists('huge.npy') and not os.path.exists('huge.png')


def test_a_png_grid_is_bounded(in_workdir, cli, monkeypatch):
  from tfp_pixel import bounds  # pylint: disable=g-import-not-at-top
  monkeypatch.setattr(bounds, 'MAX_GRID_PIXELS', 200 * 200)
  # 3 x 3 tiles of 64 pixels and 2-pixel gaps: 196 x 196.
  assert cli(['sample', '-n', '9', '-o', 'nine.png']).exit_code == 0
  assert 'would be 262x262 (68644 pixels, 67 KiB)' in one_line_error(
      cli(['sample', '-n', '16', '-o', 'sixteen.png']))
  # A row of 2 + n tiles: 394 x 64 for n = 4, 460 x 64 for n = 5.
  monkeypatch.setattr(bounds, 'MAX_GRID_PIXELS', 400 * 64)
  assert cli(['complete', 'images/0.png', '-n', '4', '-o',
              'four.png']).exit_code == 0
  assert 'would be 460x64' in one_line_error(
      cli(['complete', 'images/0.png', '-n', '5', '-o', 'five.png']))


def test_sample_draws_npy_a_batch_at_a_time(in_workdir, cli, monkeypatch):
  from tfp_pixel import bounds  # pylint: disable=g-import-not-at-top
  from tfp_pixel.engine import configs  # pylint: disable=g-import-not-at-top
  monkeypatch.setattr(bounds, 'SAMPLE_BATCH_VALUES', 3 * 8 * 8)
  for n in (7, 3):
    result = cli(['sample', '-n', str(n), '--seed', '2', '-o',
                  '{}.npy'.format(n)])
    assert result.exit_code == 0, result.output
  images = np.load('7.npy')
  assert images.shape == (7, 8, 8, 1)
  np.testing.assert_array_equal(np.load('3.npy'), images[:3])
  # Batch k of 3 images is drawn with the seed (2, k).
  dist = tfp_pixel.load()
  config = loading.open_run().config
  for batch, start in enumerate(range(0, 7, 3)):
    drawn = dist.sample(min(3, 7 - start), seed=(2, batch))
    np.testing.assert_array_equal(images[start:start + 3],
                                  configs.events_to_images(drawn, config))


@pytest.mark.parametrize('value', ['nan', 'inf', '-inf', '0', '-1', 'warm'])
def test_a_temperature_must_be_positive_and_finite(in_workdir, cli, value):
  np.save('kept.npy', np.zeros([1, 8, 8, 1], np.uint8))
  result = cli(['sample', '--temperature', value, '-o', 'kept.npy'])
  assert result.exit_code == 2, result.output
  assert "Invalid value for '--temperature': {!r} is not a {}".format(
      value, 'number' if value == 'warm' else 'positive finite number'
  ) in result.output
  assert np.load('kept.npy').shape == (1, 8, 8, 1)


def test_a_missing_output_folder_is_named(in_workdir, cli):
  for command in (['sample'], ['complete', 'images/0.png']):
    assert one_line_error(cli(command + ['-o', 'nodir/a.png'])) == (
        'Error: nodir: no such folder (to write nodir/a.png).')


def test_complete_draws_in_batches(in_workdir, cli, monkeypatch):
  from tfp_pixel import bounds  # pylint: disable=g-import-not-at-top
  monkeypatch.setattr(bounds, 'SAMPLE_BATCH_VALUES', 2 * 8 * 8)
  images = sorted(str(p) for p in (in_workdir / 'images').iterdir())
  result = cli(['complete', *images, '-n', '3', '-o', 'batched.png'])
  assert result.exit_code == 0, result.output
  tiles = _tiles(Image.open('batched.png'))
  assert tiles.shape == (3, 5, 8, 8)
  levels = np.asarray(tfp_pixel.dequantize(tfp_pixel.quantize(tiles[:, 0], 4),
                                          4))
  for column in (2, 3, 4):
    np.testing.assert_array_equal(tiles[:, column, :4], levels[:, :4])


def test_score_skips_an_empty_array_and_fails(in_workdir, cli):
  np.save('empty.npy', np.zeros([0, 8, 8, 1], np.uint8))
  result = cli(['score', 'empty.npy', 'images/0.png'])
  assert result.exit_code == 1
  assert result.stderr.splitlines() == [
      'empty.npy: holds no images (an array of shape [0, 8, 8, 1]).',
      '1 path(s) skipped.']
  assert [line.split()[0] for line in result.stdout.splitlines()[2:]] == [
      'images/0.png', 'mean']


def test_score_notes_converted_images_once_with_their_count(in_workdir, cli):
  os.makedirs('other')
  digit = np.asarray(Image.open('images/0.png'))
  Image.fromarray(digit).resize((16, 16)).save('other/big.png')
  Image.fromarray(np.stack([digit] * 3, axis=-1)).resize((12, 4)).save(
      'other/wide_rgb.png')
  Image.fromarray(np.stack([digit] * 3, axis=-1)).save('other/rgb.png')
  Image.fromarray(digit).save('other/same.png')
  result = cli(['score', 'other'])
  assert result.exit_code == 0, result.output
  assert result.stderr == (
      'Note: 2 image(s) resized and 2 converted from RGB to gray to fit the '
      'run\'s 8x8x1 images.\n')
  assert cli(['score', 'images']).stderr == ''


def test_a_32_bit_integer_image_holds_8_bit_values(in_workdir, cli):
  digit = np.asarray(Image.open('images/0.png'))
  Image.fromarray(digit.astype(np.int32)).save('wide.tif')
  assert Image.open('wide.tif').mode == 'I'
  result = cli(['score', 'images/0.png', 'wide.tif', '--format', 'json'])
  assert result.exit_code == 0, result.output
  eight_bit, wide = json.loads(result.output)['images']
  assert wide['path'] == 'wide.tif' and wide['nll'] == eight_bit['nll']
