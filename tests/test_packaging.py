"""What `pip install` puts in site-packages: our names only."""

import configparser
import os

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _setup_cfg():
  parser = configparser.ConfigParser()
  parser.read(os.path.join(_REPO, 'setup.cfg'))
  return parser


def test_every_package_folder_is_installed():
  listed = set(_setup_cfg()['options']['packages'].split())
  folders = {
      os.path.relpath(root, _REPO).replace(os.sep, '.')
      for root, _, names in os.walk(os.path.join(_REPO, 'tfp_pixel'))
      if '__init__.py' in names}
  assert folders == listed - {'tfp_pixel_cli'}


def test_the_command_line_installs_under_our_name():
  options = _setup_cfg()['options']
  assert 'cli' not in options['packages'].split()
  assert options['package_dir'].split() == ['tfp_pixel_cli', '=', 'cli']
  entry = _setup_cfg()['options.entry_points']['console_scripts']
  assert 'tfp_pixel_cli.main:entry_point' in entry
  import tfp_pixel_cli  # pylint: disable=g-import-not-at-top
  assert os.path.dirname(tfp_pixel_cli.__file__) == os.path.join(_REPO, 'cli')
