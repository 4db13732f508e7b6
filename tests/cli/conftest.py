"""Fixtures and helpers of the command-line tests."""

import pytest


def train_in(path, cli, args):
  """Runs `tfp-pixel ARGS` (a training) with `path` as the current directory,
  so that its run is the latest of `path/runs`; returns the result, checked
  to have succeeded.

  A module's `workdir` fixture trains its run with it."""
  with pytest.MonkeyPatch.context() as patch:
    patch.chdir(path)
    result = cli(args)
  assert result.exit_code == 0, result.output
  return result


def latest_run(workdir):
  """The directory of the latest run in `workdir` (`runs/latest`), a `str`."""
  return (workdir / 'runs' / 'latest').read_text().strip()


@pytest.fixture
def in_workdir(workdir, monkeypatch):
  """The module's `workdir` (a folder with a trained run) as the current
  directory."""
  monkeypatch.chdir(workdir)
  return workdir
