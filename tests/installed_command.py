"""Running the installed `tfp-pixel` command in real processes."""

import os
import re
import signal
import socket
import subprocess
import sysconfig

COMMAND = os.path.join(sysconfig.get_path('scripts'), 'tfp-pixel')

# TensorFlow's native log lines: glog-style records and absl's banner.
_NATIVE_LOG = re.compile(r'^([IWEF]\d{4} \d\d:\d\d:\d+\.\d+ |WARNING: All log '
                         r'messages before absl::InitializeLog)')


def environment(**extra):
  """This process's environment without TensorFlow's log level and cluster
  settings, plus `extra`."""
  env = {k: v for k, v in os.environ.items()
         if k not in ('TF_CPP_MIN_LOG_LEVEL', 'TF_CONFIG')}
  env.update(extra)
  return env


def start(args, cwd, **env):
  """Starts `tfp-pixel ARGS`; returns the `Popen` (text output pipes)."""
  return subprocess.Popen([COMMAND] + list(args), cwd=cwd,
                          env=environment(**env), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)


def finish(processes, timeout):
  """Waits for every process for at most `timeout` seconds in all; kills them
  all (SIGKILL) if one is still running then.

  Returns:
    `(returncode, stdout, stderr)` of each process.

  Raises:
    AssertionError: on the timeout, with what each process printed.
  """
  results = []
  try:
    for process in processes:
      stdout, stderr = process.communicate(timeout=timeout)
      results.append((process.returncode, stdout, stderr))
  except subprocess.TimeoutExpired:
    outputs = kill(processes)
    raise AssertionError('Timed out after {} s: {}'.format(
        timeout, outputs)) from None
  return results


def kill(processes):
  """SIGKILLs the processes still running; returns their outputs."""
  outputs = []
  for process in processes:
    if process.poll() is None:
      process.send_signal(signal.SIGKILL)
    outputs.append(process.communicate())
  return outputs


def native_log_lines(text):
  """The lines of `text` that TensorFlow's native logging wrote."""
  return [line for line in text.splitlines() if _NATIVE_LOG.match(line)]


def free_ports(count):
  """`count` TCP ports free on 127.0.0.1 (bound and released)."""
  sockets = [socket.socket() for _ in range(count)]
  try:
    for s in sockets:
      s.bind(('127.0.0.1', 0))
    return [s.getsockname()[1] for s in sockets]
  finally:
    for s in sockets:
      s.close()
