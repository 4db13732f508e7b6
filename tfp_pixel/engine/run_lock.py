"""The lock of a run directory: one training process writes a run at a time.

`lock_run` holds an exclusive `flock` on `RUN_DIR/train.lock` while a process
trains the run, with the process id written in the file for the message of
whoever is refused. The kernel releases the lock when the process ends, also
when it is killed (SIGKILL), so a stale file never blocks a resume; the file
itself stays (removing it could let two processes lock two different files).
Readers (`score`, `sample`, `complete`) take no lock: every file of a run is
replaced atomically.
"""

import contextlib
import fcntl
import os
import threading
import time

from tfp_pixel.engine import errors

__all__ = ['LOCK_FILE', 'lock_run']

LOCK_FILE = 'train.lock'

_held = {}  # realpath of a lock file -> [thread id, depth, descriptor]
_held_guard = threading.Lock()


@contextlib.contextmanager
def lock_run(run_dir):
  """Holds the lock of `run_dir` (created if needed) for the `with` body.

  Re-entering it in the thread that holds it is allowed (nested calls of the
  engine); another thread or process is refused.

  Args:
    run_dir: the run directory.

  Yields:
    run_dir: `str`.

  Raises:
    RunInUseError: if another process (or thread) holds the lock.
  """
  run_dir = os.fspath(run_dir)
  os.makedirs(run_dir, exist_ok=True)
  path = os.path.realpath(os.path.join(run_dir, LOCK_FILE))
  with _held_guard:
    held = _held.get(path)
    if held is None:
      held = _held[path] = [threading.get_ident(), 0,
                            _acquire(path, run_dir)]
    elif held[0] != threading.get_ident():
      raise errors.RunInUseError(run_dir, os.getpid())
    held[1] += 1
  try:
    yield run_dir
  finally:
    with _held_guard:
      held[1] -= 1
      if not held[1]:
        del _held[path]
        os.close(held[2])  # Releases the lock.


def _acquire(path, run_dir):
  """Opens and locks `path`, writing our pid in it; returns the descriptor."""
  fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
  try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
  except BlockingIOError:
    pid = _holder(fd)
    os.close(fd)
    raise errors.RunInUseError(run_dir, pid) from None
  except BaseException:
    os.close(fd)
    raise
  os.ftruncate(fd, 0)
  os.pwrite(fd, '{}\n'.format(os.getpid()).encode('ascii'), 0)
  return fd


def _holder(fd, attempts=20):
  """The pid the holder wrote in the lock file (it writes it just after
  locking, so an empty file is read again for a moment); `None` if none."""
  for _ in range(attempts):
    text = os.pread(fd, 32, 0).decode('ascii', 'replace').strip()
    if text.isdigit():
      return int(text)
    time.sleep(0.05)
  return None
