"""Atomic file writes: a reader sees the old file or the new one, never half.

A file is written to a temporary file beside it, synced and renamed over the
destination. The rename replaces a symbolic link at the destination rather
than writing through it, and the new file gets the mode an ordinary `open()`
would give it (the old file's, or `0o666` less the umask), not the
temporary file's owner-only `0o600`.
"""

import json
import os
import stat
import tempfile
import threading

__all__ = ['TEMP_PREFIX', 'umask', 'write_atomically', 'write_json',
           'write_text']

TEMP_PREFIX = '.tmp-'

_umask_guard = threading.Lock()


def write_atomically(path, write):
  """Calls `write(binary_file)` on a temporary file, then renames it to `path`.

  The temporary file lives in `path`'s folder and is synced before the rename,
  so a process killed at any moment leaves `path` intact or fully replaced
  (and at worst a `TEMP_PREFIX` file beside it).

  Args:
    path: destination file name.
    write: callable taking the open binary file.

  Raises:
    FileNotFoundError: naming `path`'s folder, if it does not exist.
  """
  path = os.fspath(path)
  directory = os.path.dirname(os.path.abspath(path))
  try:
    fd, temp = tempfile.mkstemp(dir=directory, prefix=TEMP_PREFIX,
                                suffix=os.path.splitext(path)[1])
  except (FileNotFoundError, NotADirectoryError):
    raise FileNotFoundError('{}: no such folder (to write {}).'.format(
        os.path.dirname(path) or '.', path)) from None
  try:
    os.fchmod(fd, _mode_of_new(path))
    with os.fdopen(fd, 'wb') as f:
      write(f)
      f.flush()
      os.fsync(f.fileno())
    os.replace(temp, path)
  except BaseException:
    if os.path.exists(temp):
      os.remove(temp)
    raise


def write_text(path, text):
  """Writes the `str` `text` to `path` atomically."""
  write_atomically(path, lambda f: f.write(text.encode('utf-8')))


def write_json(path, value):
  """Writes `value` as indented JSON to `path` atomically."""
  write_text(path, json.dumps(value, indent=2, sort_keys=True) + '\n')


def umask():
  """The process's umask (read without changing it where Linux allows)."""
  try:
    with open('/proc/self/status', encoding='ascii') as f:
      for line in f:
        if line.startswith('Umask:'):
          return int(line.split()[1], 8)
  except (OSError, ValueError):
    pass
  with _umask_guard:  # `os.umask` can only be read by setting it.
    mask = os.umask(0o022)
    os.umask(mask)
  return mask


def _mode_of_new(path):
  """The mode `open(path, 'w')` would leave: an existing regular file's own,
  else `0o666` less the umask."""
  try:
    info = os.lstat(path)
  except OSError:
    info = None
  if info is not None and stat.S_ISREG(info.st_mode):
    return stat.S_IMODE(info.st_mode)
  return 0o666 & ~umask()
