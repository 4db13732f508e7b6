"""How a message names what the user passes: an argument or an option.

The library's errors tell the user what to pass instead. A Python caller
passes arguments (`run_dir=...`), a user of the `tfp-pixel` command options
(`--run DIR`); `argument('run_dir')` gives whichever the caller is using.
The command line marks its commands with `command_line()`. This module
imports no TensorFlow.
"""

import contextlib
import contextvars

__all__ = ['argument', 'command_line', 'differences']

# Python argument -> (as a Python caller passes it, as the command line does).
_NAMES = {
    'data_dir': ('data_dir', '--data-dir DIR'),
    'dataset': ('dataset', '--dataset'),
    'fine_tune': ('fine_tune=True', '--fine-tune'),
    'restart': ('restart=True', '--restart'),
    'run_dir': ('run_dir', '--run DIR'),
}

_COMMAND_LINE = contextvars.ContextVar('tfp_pixel_command_line', default=False)


def argument(name):
  """How the caller passes the argument `name` (`'run_dir'` is `'run_dir'`
  in Python and `'--run DIR'` on the command line)."""
  python, option = _NAMES.get(name, (name, '--' + name.replace('_', '-')))
  return option if _COMMAND_LINE.get() else python


@contextlib.contextmanager
def command_line():
  """Marks the `with` body as a command of the `tfp-pixel` command line."""
  token = _COMMAND_LINE.set(True)
  try:
    yield
  finally:
    _COMMAND_LINE.reset(token)


def differences(stored, asked, keys):
  """`'key=stored (asked: value), ...'`: what a request changes of a run.

  Args:
    stored: `dict` of the run's values.
    asked: `dict` of the values asked for.
    keys: the keys that differ, in order.
  """
  return ', '.join('{}={} (asked: {})'.format(key, _shown(stored[key]),
                                               _shown(asked[key]))
                   for key in keys)


def _shown(value):
  """Shapes as `28x28x1`, `None` as `none`."""
  if value is None:
    return 'none'
  if isinstance(value, (list, tuple)):
    return 'x'.join(map(str, value))
  return str(value)
