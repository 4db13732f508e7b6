"""`tfp-pixel train`'s model options: ranges checked by the command line."""

import pytest

from tests.conftest import one_line_error


@pytest.mark.parametrize('value', ['nan', 'inf', '-1', '1'])
def test_a_dropout_outside_its_range_is_refused_first(cli, tmp_path, value):
  result = cli(['train', '--levels', '4', '--dropout', value, '--epochs',
                '0', '--run', str(tmp_path / 'run')])
  assert "Invalid value for '--dropout'" in one_line_error(result)
  assert not (tmp_path / 'run').exists()
