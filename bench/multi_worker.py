"""Benchmark: training time per step with one process and with two workers.

Prints one JSON object. Each round runs the installed `tfp-pixel train` on
the same model and data (`--levels 4 --shape 8x8x1`, the default categorical
model, global batch `--batch-size`, `--steps` steps per epoch, 2 epochs) as
one process (the default strategy) and as two workers on this machine
(`--strategy multiworker`, `TF_CONFIG` listing two free loopback ports), in
alternating order. The time per step is the chief's second epoch
(`train_seconds / steps` of its `metrics.jsonl`: the first epoch includes
tracing and, with two workers, the collectives' set-up). `ratio` is the
two-worker time per step over the one-process time, per round and for the
median of the rounds. `load_average` is `os.getloadavg()` at the start and at
the end: an idle machine reads below 1 per core.

Both workers share this machine's cores, so the ratio measures what the
collectives between the processes cost, not a speed-up.

Usage (the package installed, e.g. `pip install -e .`):
`python bench/multi_worker.py [--rounds 3] [--steps 50] [--batch-size 32]`.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import sysconfig
import tempfile

_COMMAND = os.path.join(sysconfig.get_path('scripts'), 'tfp-pixel')


def main(argv=None):
  args = _parse(argv)
  results = {'command': ' '.join(['python', 'bench/multi_worker.py'] +
                                 (sys.argv[1:] if argv is None else argv)),
             'load_average': {'start': os.getloadavg()},
             'cpu_count': os.cpu_count(), 'steps': args.steps,
             'batch_size': args.batch_size, 'rounds': []}
  for _ in range(args.rounds):
    one = _seconds_per_step(args, workers=1)
    two = _seconds_per_step(args, workers=2)
    results['rounds'].append({'one_process_ms': round(1e3 * one, 1),
                              'two_workers_ms': round(1e3 * two, 1),
                              'ratio': round(two / one, 2)})
  one = statistics.median(r['one_process_ms'] for r in results['rounds'])
  two = statistics.median(r['two_workers_ms'] for r in results['rounds'])
  results['median'] = {'one_process_ms': one, 'two_workers_ms': two,
                       'ratio': round(two / one, 2)}
  results['load_average']['end'] = os.getloadavg()
  print(json.dumps(results, indent=2))


def _parse(argv):
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('--rounds', type=int, default=3)
  parser.add_argument('--steps', type=int, default=50)
  parser.add_argument('--batch-size', type=int, default=32)
  return parser.parse_args(argv)


def _seconds_per_step(args, workers):
  """The chief's second-epoch seconds per step with `workers` processes
  (1: the default strategy)."""
  train = ['train', '--levels', '4', '--shape', '8x8x1', '--epochs', '2',
           '--steps', str(args.steps), '--batch-size', str(args.batch_size),
           '--num-samples', '0', '--run', 'run']
  with tempfile.TemporaryDirectory() as folder:
    env = {k: v for k, v in os.environ.items() if k != 'TF_CONFIG'}
    if workers == 1:
      commands = [(train, env)]
    else:
      ports = _free_ports(workers)
      commands = [(train + ['--strategy', 'multiworker'],
                   dict(env, TF_CONFIG=_tf_config(ports, index)))
                  for index in range(workers)]
    processes = []
    for index, (command, process_env) in enumerate(commands):
      scratch = os.path.join(folder, 'tmp-{}'.format(index))
      os.mkdir(scratch)
      processes.append(subprocess.Popen(
          [_COMMAND] + command, cwd=folder, env=dict(process_env,
                                                     TMPDIR=scratch),
          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    for process in processes:
      output, _ = process.communicate(timeout=600)
      if process.returncode:
        raise RuntimeError('tfp-pixel train failed:\n' + output)
    with open(os.path.join(folder, 'run', 'metrics.jsonl')) as lines:
      second = [json.loads(line) for line in lines][1]
    return second['train_seconds'] / args.steps


def _free_ports(count):
  sockets = [socket.socket() for _ in range(count)]
  for s in sockets:
    s.bind(('127.0.0.1', 0))
  ports = [s.getsockname()[1] for s in sockets]
  for s in sockets:
    s.close()
  return ports


def _tf_config(ports, index):
  return json.dumps({
      'cluster': {'worker': ['127.0.0.1:{}'.format(p) for p in ports]},
      'task': {'type': 'worker', 'index': index}})


if __name__ == '__main__':
  main()
