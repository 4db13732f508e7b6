"""Errors of the engine that a user can act on; each message is one line.

A command line shows them as they are (`Error: ...`), without a traceback.
This module imports no TensorFlow.
"""

__all__ = [
    'ClusterError',
    'DamagedCheckpointError',
    'NonFiniteLossError',
    'RunError',
    'RunInUseError',
    'StoppedError',
    'UnsafeRunError',
]


class RunError(RuntimeError):
  """A training run cannot go on; what was written so far is kept."""


class NonFiniteLossError(RunError):
  """The training loss became NaN or infinite; the run stopped."""


class RunInUseError(RunError):
  """Another process is training the run directory.

  Attributes:
    run_dir: the run directory.
    pid: Python `int`, the process that holds it, or `None` if unknown.
  """

  def __init__(self, run_dir, pid):
    self.run_dir = str(run_dir)
    self.pid = pid
    from tfp_pixel import interface  # pylint: disable=g-import-not-at-top
    super().__init__(
        '{} is in use by process {} (training it); wait for it to end or '
        'pass another {}.'.format(
            self.run_dir, 'unknown' if pid is None else pid,
            interface.argument('run_dir')))


class UnsafeRunError(RunError):
  """A run directory holds a symbolic link (or a file of the wrong kind)
  where the run writes; nothing is written through it."""


class ClusterError(RunError):
  """A multi-worker run lost a worker (or the chief); every worker stops."""


class StoppedError(RunError):
  """A signal (SIGTERM, SIGINT) stopped the run; what was written is kept.

  The message says which epoch was cut short and how to resume.
  """


class DamagedCheckpointError(ValueError):
  """A file of a checkpoint is missing, truncated or unreadable.

  Attributes:
    path: the damaged file.
    prefix: the checkpoint's prefix (`.../ckpt-N`).
    reason: one line, what is wrong with it.
  """

  def __init__(self, path, prefix, reason, advice=None):
    self.path = str(path)
    self.prefix = str(prefix)
    self.reason = ' '.join(str(reason).split())
    super().__init__('{} is damaged ({}).{}'.format(
        self.path, self.reason, ' ' + advice if advice else ''))

  def advise(self, advice):
    """The same error, with `advice` (what to do) after the message."""
    return DamagedCheckpointError(self.path, self.prefix, self.reason, advice)
