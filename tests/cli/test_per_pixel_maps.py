"""`tfp-pixel score --per-pixel DIR`: each image's per-channel terms and its
heat map, on one colour scale, under unique names (click's CliRunner)."""

import json
import os

import numpy as np
import pytest
from PIL import Image

from tests.cli import conftest as cli_conftest
from tests.conftest import one_line_error
from tfp_pixel.engine.kinds.images import heat_maps
from tfp_pixel.engine.kinds.images import per_pixel_scoring

_TINY_CATEGORICAL = ['--levels', '4', '--filters', '4', '--blocks', '1',
                     '--shape', '8x8x1', '--max-images', '64', '--epochs', '1',
                     '--steps', '2', '--batch-size', '16', '--num-samples',
                     '0']
_TOP_COLOUR = tuple(heat_maps.colorize(1., 1.))


@pytest.fixture(scope='module')
def workdir(tmp_path_factory, digits, cli):
  """A trained run (the latest); two digits in `images/`, one of the same
  name in `other/`; `pair.npy`: an image of noise and a blank one."""
  path = tmp_path_factory.mktemp('per_pixel')
  cli_conftest.train_in(path, cli, ['train'] + _TINY_CATEGORICAL)
  for folder, names in (('images', ['0.png', 'a b.png']),
                        ('other', ['0.png'])):
    os.makedirs(path / folder)
    for i, name in enumerate(names):
      Image.fromarray(digits[i + len(folder)][..., 0]).save(
          path / folder / name)
  noise = np.random.RandomState(0).randint(0, 256, (8, 8, 1))
  np.save(path / 'pair.npy', np.stack([noise, np.zeros((8, 8, 1))]).astype(
      np.uint8))
  return path


def _score(cli, args):
  result = cli(['score', '--format', 'json'] + args)
  assert result.exit_code == 0, result.output
  return result, json.loads(result.stdout)['images']


def _map_panel(png, image_shape=(8, 8, 1)):
  """The heat map's pixels in a PNG drawn by `heat_maps.render`."""
  side = heat_maps.canvas_size(image_shape)[0] - 2 * heat_maps.MARGIN - 14
  left = heat_maps.MARGIN + side + heat_maps.PANEL_GAP
  canvas = np.asarray(Image.open(png).convert('RGB'))
  return canvas[heat_maps.MARGIN:heat_maps.MARGIN + side, left:left + side]


def test_maps_sum_to_the_scores_under_unique_names(in_workdir, cli):
  (in_workdir / 'maps').mkdir()
  (in_workdir / 'maps' / 'keep.txt').write_text('not ours')
  (in_workdir / 'maps' / '0.npy').write_bytes(b'old')
  result, images = _score(cli, ['images', 'other', 'pair.npy',
                                '--per-pixel', 'maps'])
  plain = cli(['score', '--format', 'json', 'images', 'other', 'pair.npy'])
  assert result.stdout == plain.stdout
  names = ['0', 'a_b', '0-2', 'pair-0', 'pair-1']
  assert [row['path'] for row in images] == [
      'images/0.png', 'images/a b.png', 'other/0.png', 'pair.npy[0]',
      'pair.npy[1]']
  assert sorted(os.listdir('maps')) == sorted(
      ['keep.txt'] + [n + '.npy' for n in names] +
      [n + '.png' for n in names])
  tops = []
  for name, row in zip(names, images):
    terms = np.load(os.path.join('maps', name + '.npy'))
    assert terms.shape == (8, 8, 1) and terms.dtype == np.float32
    assert -terms.sum(dtype=np.float64) == pytest.approx(
        row['nll_levels'], rel=1e-5, abs=1e-3)
    tops.append(heat_maps.bits_per_pixel(terms).max())
    png = Image.open(os.path.join('maps', name + '.png'))
    assert png.size == heat_maps.canvas_size((8, 8, 1))[::-1]
    # The image (8 times larger, at least 64 pixels) beside its map and bar.
    assert png.size[0] > 2 * 64 + heat_maps.BAR_WIDTH
  top = max(tops)
  assert result.stderr.splitlines()[-1] == (
      'Wrote 5 per-pixel map(s) to maps (colour scale 0 to {:.3g} bits per '
      'pixel).'.format(top))
  assert (in_workdir / 'maps' / 'keep.txt').read_text() == 'not ours'


def test_one_colour_scale_for_all_maps(in_workdir, cli):
  _score(cli, ['pair.npy', '--per-pixel', 'pair'])
  bits = [-np.load('pair/pair-{}.npy'.format(i))[..., 0] / np.log(2)
          for i in range(2)]
  assert bits[1].max() < 0.9 * bits[0].max()
  noisy, blank = (_map_panel('pair/pair-{}.png'.format(i)) for i in range(2))
  row, col = np.unravel_index(np.argmax(bits[0]), bits[0].shape)
  assert tuple(noisy[8 * row + 4, 8 * col + 4]) == _TOP_COLOUR
  assert not np.all(blank == _TOP_COLOUR, axis=-1).any()


def test_a_symbolic_link_or_a_file_is_refused(in_workdir, tmp_path, cli):
  target = tmp_path / 'elsewhere'
  target.mkdir()
  os.symlink(target, 'linked')
  assert 'symbolic link' in one_line_error(
      cli(['score', 'images', '--per-pixel', 'linked']))
  assert os.listdir(target) == []
  (in_workdir / 'plain.txt').write_text('a file')
  assert 'not a folder' in one_line_error(
      cli(['score', 'images', '--per-pixel', 'plain.txt']))


def test_skipped_paths_get_no_maps(in_workdir, cli):
  result = cli(['score', 'images/0.png', 'nowhere', '--per-pixel',
                'new/maps'])
  assert result.exit_code == 1
  assert sorted(os.listdir('new/maps')) == ['0.npy', '0.png']
  assert result.stderr.splitlines()[-2].startswith(
      'Wrote 1 per-pixel map(s) to new/maps')


def test_colours_and_names():
  assert tuple(heat_maps.colorize(0., 5.)) == (0, 0, 4)
  assert tuple(heat_maps.colorize(7., 5.)) == _TOP_COLOUR
  ramp = heat_maps.colorize(np.linspace(0., 1., 50), 1.).astype(int)
  assert np.all(np.diff(ramp.sum(axis=-1)) > 0)  # Ever brighter.
  assert heat_maps.map_name('a/b/c.d.png') == 'c.d'
  assert heat_maps.map_name('x/data.npz[12]') == 'data-12'
  assert heat_maps.map_name('x/.hidden é?.png') == 'hidden_é_'


def test_score_with_maps_in_python(in_workdir, tmp_path):
  report, writer = per_pixel_scoring.score_with_maps(
      ['pair.npy', 'nowhere'], tmp_path / 'maps', scale=2)
  assert [s.path for s in report.scores] == ['pair.npy[0]', 'pair.npy[1]']
  assert [s.path for s in report.skipped] == ['nowhere']
  assert (writer.count, writer.top) == (2, pytest.approx(max(
      heat_maps.bits_per_pixel(np.load(tmp_path / 'maps' / name)).max()
      for name in ('pair-0.npy', 'pair-1.npy'))))
  assert Image.open(tmp_path / 'maps' / 'pair-1.png').size == (
      heat_maps.canvas_size((8, 8, 1), scale=2)[::-1])
  assert sorted(os.listdir(tmp_path / 'maps')) == [
      'pair-0.npy', 'pair-0.png', 'pair-1.npy', 'pair-1.png']


def test_render_an_rgb_image():
  image = np.zeros((5, 7, 3), np.uint8)
  image[..., 0] = 200
  canvas = heat_maps.render(image, np.arange(35.).reshape(5, 7), 34.)
  assert canvas.shape == heat_maps.canvas_size((5, 7, 3)) + (3,)
  scale = 10  # The default for 7 pixels across: at least 64.
  assert tuple(canvas[heat_maps.MARGIN, heat_maps.MARGIN]) == (200, 0, 0)
  right = heat_maps.MARGIN + 7 * scale + heat_maps.PANEL_GAP + 7 * scale - 1
  bottom = heat_maps.MARGIN + 5 * scale - 1
  assert tuple(canvas[bottom, right]) == _TOP_COLOUR
