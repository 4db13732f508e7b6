"""The lock of a run directory, with real processes."""

import os
import signal
import subprocess
import sys
import textwrap
import threading

import pytest

from tfp_pixel.engine import errors
from tfp_pixel.engine import run_lock

_REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))

_HOLD = textwrap.dedent('''
    import sys, time
    from tfp_pixel.engine import run_lock
    with run_lock.lock_run(sys.argv[1]):
      print('locked', flush=True)
      time.sleep(600)
''')


def _holder(run_dir):
  """A process holding the lock of `run_dir` (once it printed 'locked')."""
  process = subprocess.Popen(
      [sys.executable, '-c', _HOLD, str(run_dir)], stdout=subprocess.PIPE,
      text=True, env=dict(os.environ, PYTHONPATH=_REPO))
  try:
    assert process.stdout.readline() == 'locked\n'
  except BaseException:
    process.kill()
    raise
  return process


def test_another_process_is_refused_until_the_holder_is_killed(tmp_path):
  holder = _holder(tmp_path / 'run')
  try:
    with pytest.raises(errors.RunInUseError) as refused:
      with run_lock.lock_run(tmp_path / 'run'):
        pass
    assert refused.value.pid == holder.pid
    assert str(refused.value) == (
        '{} is in use by process {} (training it); wait for it to end or '
        'pass another --run.'.format(tmp_path / 'run', holder.pid))
  finally:
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=60)
  with run_lock.lock_run(tmp_path / 'run'):  # The kernel released it.
    with open(tmp_path / 'run' / run_lock.LOCK_FILE) as f:
      assert f.read() == '{}\n'.format(os.getpid())


def test_the_holding_thread_may_reenter_and_other_threads_are_refused(
    tmp_path):
  refused = []

  def other_thread():
    try:
      with run_lock.lock_run(tmp_path):
        pass
    except errors.RunInUseError as error:
      refused.append(error.pid)

  with run_lock.lock_run(tmp_path):
    with run_lock.lock_run(tmp_path):
      thread = threading.Thread(target=other_thread)
      thread.start()
      thread.join()
  assert refused == [os.getpid()]
  thread = threading.Thread(target=other_thread)  # Released: it may lock.
  thread.start()
  thread.join()
  assert refused == [os.getpid()]
