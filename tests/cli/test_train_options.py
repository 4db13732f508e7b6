"""`tfp-pixel train`'s model options: ranges checked by the command line."""

import pytest

from tests.conftest import one_line_error


@pytest.mark.parametrize('value', ['nan', 'inf', '-1', '1'])
def test_a_dropout_outside_its_range_is_refused_first(cli, tmp_path, value):
  result = cli(['train', '--levels', '4', '--dropout', value, '--epochs',
                '0', '--run', str(tmp_path / 'run')])
  assert "Invalid value for '--dropout'" in one_line_error(result)
  assert not (tmp_path / 'run').exists()


@pytest.mark.parametrize('command', [['train'], ['text', 'train']])
@pytest.mark.parametrize('value', ['nan', 'inf', '0', '-1e-3'])
def test_a_learning_rate_not_positive_and_finite_is_refused_first(
    cli, tmp_path, command, value):
  result = cli(command + ['--learning-rate', value, '--run',
                          str(tmp_path / 'run')])
  assert "Invalid value for '--learning-rate'" in one_line_error(result)
  assert not (tmp_path / 'run').exists()
