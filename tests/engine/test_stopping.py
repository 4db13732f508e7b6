"""SIGTERM and SIGINT: a training command ends with one line and keeps what
it wrote (`tfp_pixel.engine.stopping`)."""

import os
import signal
import subprocess
import sys
import time

import pytest

from tests import installed_command
from tfp_pixel.engine import errors
from tfp_pixel.engine import runs
from tfp_pixel.engine import stopping

_TINY = ['--levels', '4', '--filters', '4', '--blocks', '1', '--shape',
         '8x8x1', '--max-images', '64', '--batch-size', '16', '--steps', '2',
         '--num-samples', '0', '--seed', '0']


def test_a_signal_stops_the_body_with_its_stop_message():
  reports = []
  with pytest.raises(errors.StoppedError) as raised:
    with stopping.signals_stop(reports.append):
      with stopping.stop_message(lambda name: 'Stopped by {} here.'.format(
          name)):
        os.kill(os.getpid(), signal.SIGTERM)
        _run_python_code(30)
  assert str(raised.value) == 'Stopped by SIGTERM here.'
  assert not reports
  assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_a_deferred_body_ends_before_the_stop():
  done = []
  with pytest.raises(errors.StoppedError, match='^Stopped by SIGINT.$'):
    with stopping.signals_stop(print):
      with stopping.deferred():
        os.kill(os.getpid(), signal.SIGINT)
        _run_python_code(0.5)
        done.append('written')
      done.append('after')
  assert done == ['written']


def _run_python_code(seconds):
  """Runs Python code for `seconds` (the main thread runs signal handlers
  between its steps, not while it sleeps in C)."""
  deadline = time.monotonic() + seconds
  while time.monotonic() < deadline:
    time.sleep(0.01)


def test_without_signals_stop_the_messages_change_nothing():
  with pytest.raises(KeyError):
    with stopping.stop_message(lambda name: 'unused'), stopping.deferred():
      raise KeyError('as it is')


_STUCK = '''
import time
from tfp_pixel.engine import stopping
with stopping.signals_stop(lambda line: print('Error: ' + line, flush=True)):
  with stopping.stop_message(lambda name: 'Stuck, stopped by ' + name):
    print('waiting', flush=True)
    time.sleep(120)  # Waits in C: no signal handler runs meanwhile.
'''


@pytest.mark.slow
def test_a_main_thread_stuck_outside_python_is_ended_with_the_line():
  process = subprocess.Popen([sys.executable, '-c', _STUCK],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
  assert process.stdout.readline() == 'waiting\n'
  time.sleep(0.5)  # Into the sleep.
  process.send_signal(signal.SIGTERM)
  stdout, stderr = process.communicate(timeout=60)
  assert (process.returncode, stdout, stderr) == (
      1, 'Error: Stuck, stopped by SIGTERM\n', '')


def test_sigterm_and_sigint_stop_training_and_a_rerun_resumes(tmp_path):
  # Two runs side by side, one stopped by each signal.
  signals = [signal.SIGTERM, signal.SIGINT]
  names = [signal.Signals(signum).name for signum in signals]
  processes = [installed_command.start(
      ['train', '--epochs', '1000', '--run', name] + _TINY, cwd=tmp_path)
               for name in names]
  for process, name, signum in zip(processes, names, signals):
    _wait_for_epochs(tmp_path / name, 1, process)
    process.send_signal(signum)
  results = installed_command.finish(processes, timeout=60)
  saved = {}
  for (returncode, stdout, stderr), name in zip(results, names):
    assert (returncode, stdout) == (1, ''), stderr
    assert 'Traceback' not in stderr
    assert not installed_command.native_log_lines(stderr), stderr
    # Every epoch whose metrics were written has its checkpoint.
    epochs = [m['epoch'] for m in runs.read_metrics(tmp_path / name)]
    saved[name] = done = len(epochs)
    assert epochs == list(range(1, done + 1))
    assert sorted(os.listdir(runs.run_paths(tmp_path / name).checkpoints))[
        -1] == 'ckpt-{}.index'.format(done)
    assert stderr.splitlines()[-1] in (
        'Error: Stopped by {} at epoch {}, which is lost; rerun the same '
        'command to resume from {}/checkpoints/ckpt-{} (epoch {}).'.format(
            name, done + 1, name, done, done),
        'Error: Stopped by {} after epoch {}; rerun the same command to '
        'resume from {}/checkpoints/ckpt-{} (epoch {}).'.format(
            name, done, name, done, done)), stderr
  # The rerun resumes (once: it is the same for both).
  done = saved['SIGTERM']
  (returncode, _, stderr), = installed_command.finish([installed_command.start(
      ['train', '--epochs', str(done + 1), '--run', 'SIGTERM'] + _TINY,
      cwd=tmp_path)], timeout=300)
  assert returncode == 0, stderr
  assert 'Resuming from SIGTERM/checkpoints/ckpt-{} (epoch {})'.format(
      done, done) in stderr
  assert [m['epoch'] for m in runs.read_metrics(tmp_path / 'SIGTERM')] == (
      list(range(1, done + 2)))


def _wait_for_epochs(run_dir, count, process, timeout=300):
  """Waits until the run has the metrics of `count` epochs."""
  deadline = time.monotonic() + timeout
  while not (os.path.exists(runs.run_paths(run_dir).metrics) and
             len(runs.read_metrics(run_dir)) >= count):
    assert process.poll() is None and time.monotonic() < deadline, (
        installed_command.kill([process]))
    time.sleep(0.05)
