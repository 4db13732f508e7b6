"""The lock of a run directory: one training process writes a run at a time.

`lock_run` holds an exclusive `flock` on `RUN_DIR/train.lock` while a process
trains the run, with the process id written in the file for the message of
whoever is refused. The kernel releases the lock when the process ends, also
when it is killed (SIGKILL), so a stale file never blocks a resume; the file
itself stays (removing it could let two processes lock two different files).
The lock file is opened without following a symbolic link, and anything but
a regular file there is refused, so that the lock never truncates or writes
a file outside the run.
Readers (`score`, `sample`, `complete`) take no lock: every file of a run is
replaced atomically.
"""

import contextlib
import errno
import fcntl
import os
import stat
import threading
import time

from tfp_pixel import interface
from tfp_pixel.engine import errors

__all__ = ['LOCK_FILE', 'lock_run']

LOCK_FILE = 'train.lock'

_held = {}  # realpath of a lock file -> [thread id, depth, descriptor]
_held_guard = threading.Lock()


@contextlib.contextmanager
def lock_run(run_dir):
  """Holds the lock of `run_dir` (created if needed) for the `with` body.

  Re-entering it in the thread that holds it is allowed (nested calls of the
  engine); another thread or process is refused. A directory the lock
  created is removed again at the end if nothing but the lock file was
  written there.

  Args:
    run_dir: the run directory.

  Yields:
    run_dir: `str`.

  Raises:
    RunInUseError: if another process (or thread) holds the lock.
  """
  run_dir = os.fspath(run_dir)
  created = not os.path.isdir(run_dir)
  os.makedirs(run_dir, exist_ok=True)
  path = os.path.join(os.path.realpath(run_dir), LOCK_FILE)
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
        if created:
          _remove_if_unused(run_dir)
        os.close(held[2])  # Releases the lock.


def _remove_if_unused(run_dir):
  """Removes the run directory this lock created if nothing but the lock
  file was written there (a start that failed before the run began)."""
  try:
    if os.listdir(run_dir) == [LOCK_FILE]:
      os.remove(os.path.join(run_dir, LOCK_FILE))
      os.rmdir(run_dir)
  except OSError:
    pass


def _acquire(path, run_dir):
  """Opens and locks `path`, writing our pid in it; returns the descriptor."""
  try:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW |
                 os.O_NONBLOCK | os.O_CLOEXEC, 0o644)
  except OSError as error:
    if error.errno not in (errno.ELOOP, errno.EISDIR, errno.ENXIO):
      raise
    raise _not_a_lock_file(path, run_dir) from None
  try:
    if not stat.S_ISREG(os.fstat(fd).st_mode):
      raise _not_a_lock_file(path, run_dir)
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


def _not_a_lock_file(path, run_dir):
  kind = 'a symbolic link' if os.path.islink(path) else 'not a regular file'
  return errors.UnsafeRunError(
      '{} is {}: the run\'s lock is never written through it. Remove it, or '
      'pass another run directory ({}).'.format(
          os.path.join(os.fspath(run_dir), LOCK_FILE), kind,
          interface.argument('run_dir')))


def _holder(fd, attempts=20):
  """The pid the holder wrote in the lock file (it writes it just after
  locking, so an empty file is read again for a moment); `None` if none."""
  for _ in range(attempts):
    text = os.pread(fd, 32, 0).decode('ascii', 'replace').strip()
    if text.isdigit():
      return int(text)
    time.sleep(0.05)
  return None
