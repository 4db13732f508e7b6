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
        'pass another run_dir.'.format(tmp_path / 'run', holder.pid))
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


@pytest.mark.parametrize('dangling', [False, True])
def test_a_lock_file_that_is_a_link_is_refused_and_its_target_kept(
    tmp_path, dangling):
  os.makedirs(tmp_path / 'run')
  target = tmp_path / 'precious.txt'
  if not dangling:
    target.write_text('keep me')
  os.symlink(target, tmp_path / 'run' / run_lock.LOCK_FILE)
  with pytest.raises(errors.UnsafeRunError, match='is a symbolic link'):
    with run_lock.lock_run(tmp_path / 'run'):
      pass
  if dangling:
    assert not os.path.lexists(target)
  else:
    assert target.read_text() == 'keep me'


def test_a_lock_that_is_not_a_regular_file_is_refused(tmp_path):
  os.makedirs(tmp_path / 'run' / run_lock.LOCK_FILE)
  with pytest.raises(errors.UnsafeRunError, match='not a regular file'):
    with run_lock.lock_run(tmp_path / 'run'):
      pass
  os.rmdir(tmp_path / 'run' / run_lock.LOCK_FILE)
  os.mkfifo(tmp_path / 'run' / run_lock.LOCK_FILE)
  with pytest.raises(errors.UnsafeRunError, match='not a regular file'):
    with run_lock.lock_run(tmp_path / 'run'):
      pass


def test_a_run_directory_the_lock_made_and_nothing_used_is_removed(tmp_path):
  with pytest.raises(RuntimeError):
    with run_lock.lock_run(tmp_path / 'new'):
      raise RuntimeError('the data could not be loaded')
  assert not os.path.exists(tmp_path / 'new')
  os.makedirs(tmp_path / 'old')
  with run_lock.lock_run(tmp_path / 'old'):
    pass
  assert os.listdir(tmp_path / 'old') == [run_lock.LOCK_FILE]
