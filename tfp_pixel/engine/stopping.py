"""SIGTERM and SIGINT during training: one line, and nothing written lost.

A training command runs inside `signals_stop`. It blocks SIGTERM and SIGINT in
the main thread before TensorFlow starts, so that every thread started later
(TensorFlow's own included) has them blocked too and no handler of
TensorFlow's takes them (its coordination service catches SIGTERM for a
preemption notice we do not use); a thread of its own waits for them. When
one comes, that thread raises it in the main thread
(`_thread.interrupt_main`), where the code running says what the stop means:

* `stop_message(describe)` gives, for its body, the line of the
  `StoppedError` that a stop raises: which epoch is lost and how to resume.
* `deferred()` holds a stop until its body has ended (the writing of a
  checkpoint and its metrics).

The main thread runs no Python code while it waits in TensorFlow's C++ code:
in a collective, for a worker that is busy or gone, in a long step or a long
write. `GRACE_SECONDS` after the signal, the waiting thread calls the
`unblock` of the innermost `stop_message` (which ends the collectives), and
after as long again it prints the line itself and ends the process with
status 1, but never while a `deferred` body runs. A second signal skips the
first wait. Nothing at all runs while TensorFlow holds Python's lock (in the
C++ part of `MultiWorkerMirroredStrategy`'s constructor, once every worker
has answered: see `cluster_start`); a stop then waits for it.
"""

import _thread
import contextlib
import os
import signal
import threading
import time

from tfp_pixel.engine import errors

__all__ = ['GRACE_SECONDS', 'deferred', 'signals_stop', 'stop_message']

GRACE_SECONDS = 3.

_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_POLL_SECONDS = 0.2


class _Stop(BaseException):
  """Raised in the main thread for a signal; a `BaseException`, as
  `KeyboardInterrupt`, so that no `except Exception` holds it up."""


class _State(object):
  """What the main thread and the signal thread share."""

  def __init__(self):
    self.signum = None  # The signal that asked to stop.
    self.raised = False  # The main thread is stopping: raise nothing more.
    self.deferring = 0  # Depth of the `deferred` bodies running.
    self.held = False  # A stop waits for the `deferred` bodies to end.
    self.contexts = []  # (describe, unblock) of the `stop_message`s.

  def message(self):
    describe = self.contexts[-1][0] if self.contexts else _stopped
    return describe(signal.Signals(self.signum).name)


_state = _State()


@contextlib.contextmanager
def signals_stop(report):
  """SIGTERM and SIGINT stop the `with` body with a `StoppedError`.

  Enter it in the main thread before TensorFlow starts (elsewhere, or
  where the system has no `sigtimedwait`, it does nothing). See the module
  docstring.

  Args:
    report: callable `(message)` that shows the one line when the process
      has to end without the main thread (after `2 * GRACE_SECONDS`).

  Raises:
    StoppedError: when a signal came; its message is that of the innermost
      `stop_message`, else `'Stopped by SIGTERM.'`.
  """
  global _state
  if (threading.current_thread() is not threading.main_thread() or
      not hasattr(signal, 'sigtimedwait')):  # Linux has it; macOS not.
    yield
    return
  _state = _State()
  mask = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
  handlers = [signal.signal(signum, _handle) for signum in _SIGNALS]
  watcher = _Watcher(report)
  watcher.start()
  try:
    with stop_message(_stopped):
      yield
  finally:
    _state.raised = True  # A signal from now on changes nothing.
    watcher.close()
    for signum, handler in zip(_SIGNALS, handlers):
      if handler is not None:
        signal.signal(signum, handler)
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    _state = _State()


@contextlib.contextmanager
def stop_message(describe, unblock=None):
  """What a stop means in the `with` body.

  Args:
    describe: callable `(signal_name)` returning the one line of the
      `StoppedError` (e.g. `'Stopped by SIGINT at epoch 3, ...'`); the
      signal thread may call it too, so it reads no TensorFlow value.
    unblock: optional callable `()`, run by the signal thread, that makes
      the main thread return from a wait in TensorFlow (see
      `cluster.abort_collectives`).

  Raises:
    StoppedError: in place of whatever ends the body once a signal came
      (the signal itself, or an error of a wait that `unblock` ended).
  """
  entry = (describe, unblock)
  _state.contexts.append(entry)
  try:
    yield
  except errors.StoppedError:
    raise
  except BaseException:
    if _state.signum is None:
      raise
    _state.raised = True
    raise errors.StoppedError(
        describe(signal.Signals(_state.signum).name)) from None
  finally:
    _state.contexts.remove(entry)


@contextlib.contextmanager
def deferred():
  """Holds a stop until the `with` body has ended (then raises it)."""
  _state.deferring += 1
  try:
    yield
  finally:
    _state.deferring -= 1
  if _state.held and not _state.deferring and not _state.raised:
    _state.held = False
    _state.raised = True
    raise _Stop()


def _stopped(signal_name):
  return 'Stopped by {}.'.format(signal_name)


def _handle(signum, unused_frame):
  """The handler of SIGTERM and SIGINT in the main thread."""
  if _state.signum is None:
    _state.signum = signum
  if _state.raised:
    return
  if _state.deferring:
    _state.held = True
    return
  _state.raised = True
  raise _Stop()


class _Watcher(threading.Thread):
  """Waits for SIGTERM and SIGINT and sees that the process stops."""

  def __init__(self, report):
    super().__init__(name='tfp-pixel-signals', daemon=True)
    self._report = report
    self._closed = threading.Event()

  def close(self):
    self._closed.set()
    self.join()

  def run(self):
    due = None  # When the next step of a stop is due.
    unblocked = False
    while True:
      caught = signal.sigtimedwait(_SIGNALS, _POLL_SECONDS)
      if self._closed.is_set():
        return
      now = time.monotonic()
      if caught is not None and due is None:
        _state.signum = _state.signum or caught.si_signo
        _thread.interrupt_main(caught.si_signo)
        due = now + GRACE_SECONDS
        continue
      if caught is not None:
        due = now
      if due is None or now < due or _state.deferring:
        continue
      if not unblocked:
        unblocked = True
        due = now + GRACE_SECONDS
        self._unblock()
        continue
      self._report(_state.message())
      os._exit(1)  # pylint: disable=protected-access

  def _unblock(self):
    for _, unblock in list(_state.contexts):
      if unblock is not None:
        try:
          unblock()
        except Exception:  # pylint: disable=broad-except
          pass  # The last resort (ending the process) remains.
