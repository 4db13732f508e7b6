"""Runs a command as a child with a bounded address space and reads its peak
memory: what the memory benchmarks (`pixel_snail_memory.py`,
`vqvae_memory.py`) measure with."""

import os
import resource
import subprocess
import time

__all__ = ['GIB', 'run_child']

GIB = 2**30


def run_child(command, folder, limit_gb, env=None):
  """Runs `command` in `folder`, its address space limited to `limit_gb`
  (a step that does not fit fails in the child instead of taking the
  machine down).

  Returns:
    `dict`: `exit_code`, `peak_gib` (the peak resident set size, from
    `os.wait4`), `seconds` and the last line of its standard error.
  """
  limit = int(limit_gb * GIB)

  def limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

  start = time.perf_counter()
  child = subprocess.Popen(command, cwd=folder, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           preexec_fn=limit_memory)
  stderr = child.stderr.read().decode(errors='replace')
  _, status, usage = os.wait4(child.pid, 0)
  child.stderr.close()
  return {'exit_code': os.waitstatus_to_exitcode(status),
          'peak_gib': usage.ru_maxrss * 1024 / GIB,
          'seconds': time.perf_counter() - start,
          'last_line': stderr.strip().splitlines()[-1][:200] if stderr.strip()
                       else ''}
