"""What the command line makes of errors it cannot prevent."""

import pytest
import tensorflow as tf

from tests.conftest import one_line_error
from tfp_pixel.engine import source_training


@pytest.mark.parametrize('error', [
    MemoryError(),
    tf.errors.ResourceExhaustedError(None, None, 'OOM when allocating tensor '
                                     'with shape[100000,100000]')])
def test_running_out_of_memory_is_one_line(cli, monkeypatch, error):

  def exhausted(*args, **kwargs):
    del args, kwargs
    raise error

  monkeypatch.setattr(source_training, 'train_on_source', exhausted)
  assert one_line_error(cli(['train'])) == (
      'Error: Out of memory ({}): ask for less at a time (a smaller '
      '--batch-size, -n or model).'.format(type(error).__name__))
