"""Fixtures of the command-line tests."""

import pytest


@pytest.fixture
def in_workdir(workdir, monkeypatch):
  """The module's `workdir` (a folder with a trained run) as the current
  directory."""
  monkeypatch.chdir(workdir)
  return workdir
