"""Atomic file writes: a reader sees the old file or the new one, never half."""

import json
import os
import tempfile

__all__ = ['write_atomically', 'write_json', 'write_text']


def write_atomically(path, write):
  """Calls `write(binary_file)` on a temporary file, then renames it to `path`.

  The temporary file lives in `path`'s folder and is synced before the rename,
  so a process killed at any moment leaves `path` intact or fully replaced.

  Args:
    path: destination file name.
    write: callable taking the open binary file.
  """
  path = os.fspath(path)
  directory = os.path.dirname(os.path.abspath(path))
  fd, temp = tempfile.mkstemp(dir=directory, prefix='.tmp-',
                              suffix=os.path.splitext(path)[1])
  try:
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
