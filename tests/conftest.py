"""Shared fixtures: tiny real images, tiny model configurations, the CLI,
TensorFlow's warnings."""

import logging
import os

import numpy as np
import pytest

from tests import tiny_configs
from tfp_pixel import data


@pytest.fixture(scope='session')
def digits():
  """64 real 8x8x1 uint8 digit images (scikit-learn's, offline)."""
  return data.load_images(shape=(8, 8, 1), max_images=64).images


@pytest.fixture
def categorical_config():
  return tiny_configs.categorical()


@pytest.fixture
def mixture_config():
  return tiny_configs.pixel_cnn()


@pytest.fixture
def tf_warnings():
  """The messages TensorFlow's Python logger (`tf.get_logger()`, where its
  retracing warning goes) warns while the test runs, a `list` of `str`."""
  messages = []

  class Collect(logging.Handler):

    def emit(self, record):
      messages.append(record.getMessage())

  logger = logging.getLogger('tensorflow')
  handler, level = Collect(logging.WARNING), logger.level
  logger.addHandler(handler)
  if not logging.NOTSET < level <= logging.WARNING:
    logger.setLevel(logging.WARNING)
  yield messages
  logger.removeHandler(handler)
  logger.setLevel(level)


@pytest.fixture(scope='session')
def cli():
  """`cli(args)` runs `tfp-pixel ARGS` in-process (click's `CliRunner`) and
  returns the result (`exit_code`, `output`)."""
  from click.testing import CliRunner  # pylint: disable=g-import-not-at-top
  from tfp_pixel_cli.main import main  # pylint: disable=g-import-not-at-top
  runner = CliRunner()
  return lambda args: runner.invoke(main, list(args))


def one_line_error(result):
  """The one `Error: ...` line of a failed command (and no traceback)."""
  errors = [line for line in result.output.splitlines()
            if line.startswith('Error: ')]
  assert result.exit_code != 0 and len(errors) == 1, result.output
  assert 'Traceback' not in result.output
  return errors[0]


def unshuffled(images, batch_size):
  """A deterministic dataset of uint8 batches (no shuffling)."""
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  return tf.data.Dataset.from_tensor_slices(
      np.asarray(images, np.uint8)).batch(batch_size)


def train_quietly(images, config, run_dir, **kwargs):
  """`tfp_pixel.train` into `run_dir`, small batches, no sample grids or
  progress, its `runs/latest` beside `run_dir`."""
  import tfp_pixel  # pylint: disable=g-import-not-at-top
  kwargs.setdefault('batch_size', 16)
  kwargs.setdefault('num_samples', 0)
  kwargs.setdefault('verbose', False)
  return tfp_pixel.train(images, config, run_dir=str(run_dir),
                         runs_root=os.path.join(str(run_dir), '..', 'runs'),
                         **kwargs)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
  """Marks `slow` the contract checks of model variants that leave them to
  the slow run (`DistributionSuite.contract_checks_slow`); runs before `-m`
  selects."""
  for item in items:
    cls = getattr(item, 'cls', None)
    if (cls is not None and getattr(cls, 'contract_checks_slow', False) and
        item.originalname in cls.CONTRACT_CHECKS):
      item.add_marker(pytest.mark.slow)
