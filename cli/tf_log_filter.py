"""Keeps TensorFlow's native log noise off a command's terminal.

TensorFlow's C++ runtime writes to the process's stderr (file descriptor 2)
before Python can configure anything: absl's "All log messages before
absl::InitializeLog() is called are written to STDERR" banner and start-up
notices (oneDNN, "Could not find cuda drivers", `cpu_feature_guard`), which
`TF_CPP_MIN_LOG_LEVEL` does not silence, then errors that are not (a failed
`cuInit` on a machine without a GPU) and echoes of errors that reach Python
anyway (an aborted collective of a multi-worker run).

`install` therefore routes file descriptor 2 through a small filter process
that drops only such known lines (`NoiseFilter`) and passes everything else
on as it comes: TensorFlow's other warnings and errors, fatal messages. Python's
own `sys.stderr` keeps writing to the terminal directly (our messages, the
progress bar, tracebacks, Python warnings), so it still is a terminal. The
filter runs as a separate process, to the very end of the command (native
code logs while the process exits too) and after it: it forwards what a
crashing command wrote last, ignores Ctrl-C and ends when the command's
stderr closes. `remove` (the `--verbose` option) undoes it before TensorFlow
is imported.
"""

import os
import re
import select
import signal
import sys

__all__ = ['NoiseFilter', 'install', 'remove']

_RECORD = re.compile(
    r'^([IWEF])\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ ([\w.\-]+):\d+\] (.*)$')
_BANNER = re.compile(r'^WARNING: All log messages before absl::InitializeLog'
                     r'\(\) is called are written to STDERR$')
# (source file, message) of the warnings and errors dropped; INFO lines are
# all dropped.
_NOISE = tuple((re.compile(f), re.compile(m)) for f, m in [
    # No GPU driver: TensorFlow runs on the CPU (`--verbose` shows why).
    (r'cuda_(platform|executor|diagnostics)\.cc', r'cuInit|CUDA'),
    # Known-harmless start-up and tf.data notices.
    (r'util\.cc', r'^oneDNN supports'),
    (r'dataset\.cc', r'will not be optimized because the dataset'),
    (r'local_rendezvous\.cc', r'^Local rendezvous is aborting'),
    # Echoes of a multi-worker error that Python reports in one line, and
    # the coordination service's notices when the workers shut down.
    (r'base_collective_executor\.cc', r'StartAbort'),
    (r'ring_alg\.cc|hierarchical_tree_broadcaster\.cc', r'^Aborting'),
    (r'coordination_service(_agent)?\.cc|context_distributed_manager\.cc',
     r''),
    (r'context\.cc', r'^Unable to destroy server_ object'),
    (r'add_port\.cc', r'^Failed to add port to server'),
    (r'grpc_server_lib\.cc', r'Could not start gRPC server'),
    (r'preemption_notifier\.cc', r'SIGTERM caught'),
])
_PARTIAL_LINE_SECONDS = 0.2

_installed = None  # (original stderr descriptor, filter pid) while installed.


class NoiseFilter(object):
  """Drops known noise from a byte stream of native log lines.

  A log record is a glog-style line (`W0000 00:00:... 123 file.cc:45] ...`)
  with the lines that follow it in the same chunk (one multi-line message is
  written at once); a record is dropped whole. Lines of any other kind pass.
  """

  def __init__(self):
    self._partial = b''

  @property
  def pending(self):
    """Whether an incomplete last line is held back."""
    return bool(self._partial)

  def feed(self, chunk):
    """Returns the bytes of `chunk` to write (complete lines only)."""
    *lines, self._partial = (self._partial + chunk).split(b'\n')
    kept = []
    dropping = False
    for line in lines:
      text = line.decode('utf-8', 'replace').rstrip('\r')
      record = _RECORD.match(text)
      if record or _BANNER.match(text):
        dropping = not record or _is_noise(*record.groups())
      if not dropping:
        kept.append(line + b'\n')
    return b''.join(kept)

  def flush(self):
    """Returns the incomplete last line, as it is."""
    partial, self._partial = self._partial, b''
    return partial


def _is_noise(level, source, message):
  if level == 'I':
    return True
  if level == 'F':
    return False
  return any(f.search(source) and m.search(message) for f, m in _NOISE)


def install():
  """Filters file descriptor 2 of this process (see the module docstring).

  Also sets `TF_CPP_MIN_LOG_LEVEL=1` (no INFO lines once absl is set up)
  unless it is set. Call it before TensorFlow is imported; does nothing
  where processes cannot fork.
  """
  global _installed
  if _installed is not None or not hasattr(os, 'fork'):
    return
  if 'TF_CPP_MIN_LOG_LEVEL' not in os.environ:
    os.environ['TF_CPP_MIN_LOG_LEVEL'] = '1'
    os.environ['_TFP_PIXEL_SET_TF_LOG_LEVEL'] = '1'
  sys.stderr.flush()
  original = os.dup(2)
  read_end, write_end = os.pipe()
  pid = os.fork()
  if pid == 0:  # The filter process: it holds no other end of a pipe.
    try:
      signal.signal(signal.SIGINT, signal.SIG_IGN)
      os.close(write_end)
      for fd in (0, 1, 2):
        try:
          os.close(fd)
        except OSError:  # Not open.
          pass
      _forward(read_end, original)
    finally:
      os._exit(0)  # pylint: disable=protected-access
  os.close(read_end)
  os.dup2(write_end, 2)
  os.close(write_end)
  sys.stderr = open(original, 'w', buffering=1, closefd=False,  # pylint: disable=consider-using-with
                    encoding=sys.stderr.encoding,
                    errors=sys.stderr.errors)
  _installed = (original, pid)


def remove():
  """Gives file descriptor 2 back its own stream, waiting for the filter to
  write what it holds, and undoes `install`'s `TF_CPP_MIN_LOG_LEVEL`."""
  global _installed
  if _installed is None:
    return
  original, pid = _installed
  _installed = None
  sys.stderr.flush()
  os.dup2(original, 2)  # Closes the pipe: the filter ends.
  os.waitpid(pid, 0)
  if os.environ.pop('_TFP_PIXEL_SET_TF_LOG_LEVEL', None):
    os.environ.pop('TF_CPP_MIN_LOG_LEVEL', None)


def _forward(read_end, out):
  """Copies `read_end` to `out` through a `NoiseFilter` until end of file."""
  noise_filter = NoiseFilter()
  while True:
    timeout = _PARTIAL_LINE_SECONDS if noise_filter.pending else None
    if not select.select([read_end], [], [], timeout)[0]:
      _write(out, noise_filter.flush())
      continue
    chunk = os.read(read_end, 65536)
    if not chunk:
      break
    _write(out, noise_filter.feed(chunk))
  _write(out, noise_filter.flush())


def _write(fd, data):
  while data:
    try:
      data = data[os.write(fd, data):]
    except OSError:  # The terminal or pipe is gone: nothing to write to.
      return
