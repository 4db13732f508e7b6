"""Multi-worker training: real worker processes on loopback ports.

Two `tfp-pixel train --strategy multiworker` processes (the installed
command, `TF_CONFIG` naming 127.0.0.1 ports) train a tiny model beside a
single-process run of the same command, global batch and seed. The weights
are compared with a tolerance, not bit for bit: the replicas' gradients are
summed in another order than one device sums its batch's (float32 rounding,
about 1e-8 here). A worker alone ends at the start-up limit, or on SIGTERM or
SIGINT, with one line; `TF_CONFIG`'s addresses are checked.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time

import numpy as np
import pytest
import tensorflow as tf

import tfp_pixel
from tests import installed_command
from tests.conftest import one_line_error
from tfp_pixel.engine import cluster
from tfp_pixel.engine import cluster_start
from tfp_pixel.engine import errors
from tfp_pixel.engine import runs

_TINY = ['--levels', '4', '--filters', '4', '--blocks', '1', '--shape',
         '8x8x1', '--max-images', '64', '--batch-size', '16', '--seed', '0']


def _tf_config(ports, index):
  return json.dumps({
      'cluster': {'worker': ['127.0.0.1:{}'.format(p) for p in ports]},
      'task': {'type': 'worker', 'index': index}})


def _start_workers(tmp_path, ports, args, indices=None, **env):
  """Starts one worker per port (or of `indices`), each with its own
  temporary folder."""
  workers = []
  for index in range(len(ports)) if indices is None else indices:
    scratch = tmp_path / 'tmp-{}'.format(index)
    scratch.mkdir(parents=True, exist_ok=True)
    workers.append(installed_command.start(
        ['train', '--strategy', 'multiworker'] + args, cwd=tmp_path,
        TF_CONFIG=_tf_config(ports, index), TMPDIR=str(scratch), **env))
  return workers


def _listening_hosts(port):
  """The local addresses with a TCP socket listening on `port` (this
  machine's /proc/net/tcp and tcp6): `'127.0.0.1'`, `'0.0.0.0'`, `'::'`."""
  hosts = set()
  for name, size in (('tcp', 4), ('tcp6', 16)):
    try:
      with open('/proc/net/' + name, encoding='ascii') as table:
        rows = [line.split() for line in table.readlines()[1:]]
    except OSError:
      continue
    for row in rows:
      host, row_port = row[1].split(':')
      if row[3] == '0A' and int(row_port, 16) == port:  # 0A: LISTEN.
        packed = b''.join(bytes.fromhex(host[i:i + 8])[::-1]
                          for i in range(0, len(host), 8))
        family = socket.AF_INET if size == 4 else socket.AF_INET6
        hosts.add(socket.inet_ntop(family, packed))
  return hosts


def _wait_listening(port, process, timeout=300):
  """Waits until something listens on 127.0.0.1:`port` (a lone worker
  waiting for the others), while `process` runs."""
  deadline = time.monotonic() + timeout
  while True:
    try:
      socket.create_connection(('127.0.0.1', port), timeout=1).close()
      return
    except OSError:
      assert process.poll() is None and time.monotonic() < deadline, (
          installed_command.kill([process]))
      time.sleep(0.1)


@pytest.mark.slow
def test_two_workers_train_what_one_process_does(tmp_path):
  args = _TINY + ['--epochs', '2', '--steps', '3', '--num-samples', '2']
  ports = installed_command.free_ports(2)
  processes = _start_workers(tmp_path, ports, args + ['--run', 'shared'])
  # The reference is a process of its own too: the weights a process draws
  # depend on the TensorFlow work it did before.
  processes.append(installed_command.start(
      ['train', '--strategy', 'default', '--run', 'single'] + args,
      cwd=tmp_path))
  # What the chief listens on, while it runs: TensorFlow's gRPC server takes
  # the port on every address (the README says so).
  deadline = time.monotonic() + 300
  while (not _listening_hosts(ports[0]) - {'127.0.0.1'} and
         processes[0].poll() is None and time.monotonic() < deadline):
    time.sleep(0.05)
  bound = _listening_hosts(ports[0])
  results = installed_command.finish(processes, timeout=400)
  for returncode, stdout, stderr in results:
    assert returncode == 0, (stdout, stderr)
    assert 'Traceback' not in stderr
    assert not installed_command.native_log_lines(stderr), stderr
  chief, worker, _ = results
  assert chief[1] == 'Run: shared (epoch 2)\n'
  assert worker[1] == 'Worker done at epoch 2; the chief wrote the run.\n'
  assert bound & {'::', '0.0.0.0'}, bound
  # The chief wrote the run; the other worker wrote nothing, kept nothing.
  shared = runs.run_paths(tmp_path / 'shared')
  assert sorted(os.listdir(shared.root)) == [
      'best', 'checkpoints', 'config.json', 'data.json', 'logs',
      'metrics.jsonl', 'samples', 'train.lock']
  assert len(os.listdir(shared.logs)) == 1
  assert sorted(os.listdir(shared.samples)) == ['epoch-001.png',
                                                'epoch-002.png']
  assert tf.train.latest_checkpoint(shared.checkpoints).endswith('ckpt-2')
  assert not os.listdir(tmp_path / 'tmp-1')
  # The same images, losses and weights as the single process.
  together = runs.read_metrics(shared.root)
  alone = runs.read_metrics(tmp_path / 'single')
  assert [m['images'] for m in together] == [m['images'] for m in alone]
  for key in ('loss_bits_per_dim', 'val_bits_per_dim'):
    np.testing.assert_allclose([m[key] for m in together],
                               [m[key] for m in alone], rtol=1e-6)
  for a, b in zip(tfp_pixel.load(shared.root, 'last').network.variables,
                  tfp_pixel.load(tmp_path / 'single',
                                 'last').network.variables):
    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)


def _two_workers_past_epoch_two(tmp_path):
  """`(args, chief, worker)`: two workers training `tmp_path/run` for 1000
  epochs, once it has two; `args` are theirs but `--epochs`."""
  args = _TINY + ['--steps', '2', '--num-samples', '0', '--run', 'run']
  chief, worker = _start_workers(tmp_path, installed_command.free_ports(2),
                                 args + ['--epochs', '1000'])
  _wait_for_epochs(tmp_path / 'run', 2, [chief, worker])
  return args, chief, worker


def _saved_epoch(tmp_path):
  """The epoch of the latest checkpoint of `tmp_path/run`."""
  return int(tf.train.latest_checkpoint(
      runs.run_paths(tmp_path / 'run').checkpoints).rsplit('-', 1)[1])


def _rerun_resumes(tmp_path, args, saved):
  """Reruns both workers of `_two_workers_past_epoch_two` to one epoch past
  `saved`, its latest checkpoint: both succeed, the chief resumes from it,
  and the metrics hold each epoch once. Returns their `(returncode, stdout,
  stderr)`."""
  results = installed_command.finish(_start_workers(
      tmp_path, installed_command.free_ports(2),
      args + ['--epochs', str(saved + 1)]), timeout=300)
  for returncode, _, stderr in results:
    assert returncode == 0, stderr
  assert 'Resuming from run/checkpoints/ckpt-{} (epoch {})'.format(
      saved, saved) in results[0][2]
  assert [m['epoch'] for m in runs.read_metrics(tmp_path / 'run')] == list(
      range(1, saved + 2))
  return results


@pytest.mark.slow
def test_a_killed_worker_stops_the_other_and_a_rerun_resumes(tmp_path):
  args, chief, worker = _two_workers_past_epoch_two(tmp_path)
  worker.send_signal(signal.SIGKILL)
  (returncode, stdout, stderr), _ = installed_command.finish(
      [chief, worker], timeout=120)
  assert returncode == 1 and not stdout
  assert stderr.splitlines()[-1].startswith(
      'Error: Worker 0: worker 1 stopped or cannot be reached at epoch ')
  assert 'Traceback' not in stderr
  saved = _saved_epoch(tmp_path)
  results = _rerun_resumes(tmp_path, args, saved)
  assert "Resuming from the chief's checkpoint (epoch {})".format(
      saved) in results[1][2]


@pytest.mark.slow
def test_a_lone_worker_ends_at_the_startup_limit_or_on_a_signal(tmp_path):
  # Three workers of three clusters of two, in parallel: the other worker
  # of each cluster never starts.
  args = _TINY + ['--epochs', '1', '--steps', '1', '--num-samples', '0']
  clusters = [installed_command.free_ports(2) for _ in range(3)]
  limited, = _start_workers(tmp_path / 'limited', clusters[0], args,
                            indices=[0], TFP_PIXEL_STARTUP_TIMEOUT='2')
  waiting = [_start_workers(tmp_path / name, ports, args, indices=[index])[0]
             for name, ports, index in (('term', clusters[1], 0),
                                        ('int', clusters[2], 1))]
  for process, ports, index, signum in zip(
      waiting, clusters[1:], (0, 1), (signal.SIGTERM, signal.SIGINT)):
    _wait_listening(ports[index], process)
    process.send_signal(signum)
  results = installed_command.finish([limited] + waiting, timeout=60)
  expected = [
      'Error: Worker 0: worker 1 (127.0.0.1:{}) did not start within 2 s; '
      'start every worker of TF_CONFIG\'s cluster, each with its own '
      '"task".'.format(clusters[0][1]),
      'Error: Worker 0 stopped by SIGTERM while waiting for every worker of '
      'TF_CONFIG\'s cluster to start.',
      'Error: Worker 1 stopped by SIGINT while waiting for every worker of '
      'TF_CONFIG\'s cluster to start.']
  for (returncode, stdout, stderr), line in zip(results, expected):
    assert (returncode, stdout) == (1, ''), stderr
    assert stderr.splitlines()[-1] == line, stderr
    assert 'Traceback' not in stderr
    assert not installed_command.native_log_lines(stderr), stderr


@pytest.mark.slow
def test_a_signal_stops_a_worker_mid_training_and_a_rerun_resumes(tmp_path):
  args, chief, worker = _two_workers_past_epoch_two(tmp_path)
  chief.send_signal(signal.SIGTERM)
  (returncode, stdout, stderr), (_, _, worker_stderr) = (
      installed_command.finish([chief, worker], timeout=120))
  assert (returncode, stdout) == (1, '')
  assert 'Traceback' not in stderr + worker_stderr
  saved = _saved_epoch(tmp_path)
  assert stderr.splitlines()[-1] in (
      'Error: Worker 0 stopped by SIGTERM at epoch {}, which is lost; rerun '
      'the same command on every worker to resume from '
      'run/checkpoints/ckpt-{} (epoch {}).'.format(saved + 1, saved, saved),
      'Error: Worker 0 stopped by SIGTERM after epoch {}; rerun the same '
      'command on every worker to resume from run/checkpoints/ckpt-{} '
      '(epoch {}).'.format(saved, saved, saved))
  assert worker_stderr.splitlines()[-1].startswith(
      'Error: Worker 1: worker 0 stopped or cannot be reached ')
  _rerun_resumes(tmp_path, args, saved)


_DIES_ONCE_STARTED = (
    'import os, signal\n'
    'from tfp_pixel.engine import strategies\n'
    'strategies.make_strategy("multiworker")\n'
    'os.kill(os.getpid(), signal.SIGKILL)\n')


@pytest.mark.slow
def test_a_worker_lost_while_the_chief_makes_its_model_is_one_line(tmp_path):
  # Worker 1 dies once the cluster has started, before the collectives that
  # make the model's variables: the chief waits there for it.
  ports = installed_command.free_ports(2)
  chief, = _start_workers(tmp_path, ports, _TINY + ['--run', 'run'],
                          indices=[0])
  worker = subprocess.Popen(
      [sys.executable, '-c', _DIES_ONCE_STARTED], cwd=tmp_path,
      env=installed_command.environment(TF_CONFIG=_tf_config(ports, 1)),
      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
  (returncode, stdout, stderr), = installed_command.finish([chief],
                                                          timeout=300)
  worker.wait(timeout=60)
  assert (returncode, stdout) == (1, '')
  assert 'Traceback' not in stderr
  assert stderr.splitlines()[-1].startswith(
      'Error: Worker 0: worker 1 stopped or cannot be reached while '
      'starting ('), stderr


def _wait_for_epochs(run_dir, count, processes, timeout=300):
  """Waits until the run has the metrics of `count` epochs."""
  deadline = time.monotonic() + timeout
  metrics = runs.run_paths(run_dir).metrics
  while not (os.path.exists(metrics) and
             len(runs.read_metrics(run_dir)) >= count):
    assert time.monotonic() < deadline and all(
        p.poll() is None for p in processes), (
            installed_command.kill(processes))
    time.sleep(0.1)


def _resolver(index, num_workers=2):
  return tf.distribute.cluster_resolver.SimpleClusterResolver(
      tf.train.ClusterSpec({'worker': ['127.0.0.1:{}'.format(1000 + i)
                                       for i in range(num_workers)]}),
      task_type='worker', task_id=index)


def test_a_lost_worker_is_one_line_naming_it():
  message = ('Collective ops is aborted by: Error reported from '
             '/job:worker/task:1: The following tasks are unhealthy (stopped '
             'sending heartbeats):\n/job:worker/replica:0/task:1\nThe tasks '
             'have crashed.')
  with pytest.raises(errors.ClusterError) as raised:
    with cluster.lost_worker_errors(_resolver(0), 'at epoch 3', 'rerun'):
      raise tf.errors.UnavailableError(None, None, message)
  assert str(raised.value) == ('Worker 0: worker 1 stopped or cannot be '
                               'reached at epoch 3 (UnavailableError); rerun.')
  with pytest.raises(tf.errors.UnavailableError):  # One process: as it is.
    with cluster.lost_worker_errors(_resolver(0, 1), 'at epoch 3', 'rerun'):
      raise tf.errors.UnavailableError(None, None, message)


@pytest.mark.parametrize('error', [
    tf.errors.InternalError(None, None, 'Collective ops is aborted by: '
                            'Socket closed'),
    tf.errors.UnknownError(None, None, 'Error reported from '
                           '/job:worker/replica:0/task:1: Stream removed'),
])
def test_other_errors_of_a_lost_worker_are_one_line(error):
  with pytest.raises(errors.ClusterError, match=r'^Worker 0: .* \({}\); '
                     r'rerun\.$'.format(type(error).__name__)):
    with cluster.lost_worker_errors(_resolver(0), 'at epoch 3', 'rerun'):
      raise error
  with pytest.raises(tf.errors.InternalError):  # Not a lost worker's.
    with cluster.lost_worker_errors(_resolver(0), 'at epoch 3', 'rerun'):
      raise tf.errors.InternalError(None, None, 'Something else')


def test_the_cluster_cannot_be_configured_once_tensorflow_runs():
  tf.constant(1.) + 1.  # pylint: disable=expression-not-assigned
  with pytest.raises(ValueError, match='before TensorFlow runs anything'):
    cluster_start.configure(_resolver(0), 10.)


# An address reserved for documentation (TEST-NET-3), so no machine's.
_FOREIGN = '203.0.113.1'


def _skip_if_foreign_is_local():
  with socket.socket() as probe:
    try:
      probe.bind((_FOREIGN, 0))
    except OSError:
      return
  pytest.skip('{} is an address of this machine'.format(_FOREIGN))


def _config(addresses, index=0):
  return json.dumps({'cluster': {'worker': addresses},
                     'task': {'type': 'worker', 'index': index}})


@pytest.mark.parametrize('tf_config, message', [
    ('not json', 'TF_CONFIG is not valid JSON'),
    (_config(['a:1'], 3), "got type 'worker', index 3"),
] + [(_config(['127.0.0.1:2222', address]), 'TF_CONFIG\'s cluster gives '
      'worker 1 the address {}; an address must be HOST:PORT with a port '
      'from 1 to 65535.'.format(json.dumps(address)))
     for address in ('127.0.0.1:abc', '127.0.0.1:70000', '127.0.0.1:0',
                     '127.0.0.1:-5', '127.0.0.1:', ':2223', '127.0.0.1')] + [
    (_config([_FOREIGN + ':2222', '127.0.0.1:2223']), 'TF_CONFIG makes '
     'this process worker 0 at {}:2222, which is not an address of this '
     'machine; give each machine the "task" whose address is its own.'.format(
         _FOREIGN)),
])
def test_a_bad_tf_config_is_one_line(monkeypatch, tf_config, message):
  _skip_if_foreign_is_local()
  monkeypatch.setenv('TF_CONFIG', tf_config)
  with pytest.raises(ValueError) as raised:
    cluster_start.resolve()
  assert message in str(raised.value) and '\n' not in str(raised.value)


def test_the_command_refuses_a_tf_config_of_another_machine(cli, monkeypatch):
  _skip_if_foreign_is_local()
  monkeypatch.setenv('TF_CONFIG', _config([_FOREIGN + ':2222',
                                           '127.0.0.1:2223']))
  line = one_line_error(cli(['train', '--strategy', 'multiworker']))
  assert 'which is not an address of this machine' in line


@pytest.mark.parametrize('value', ['soon', '0', '-1', 'inf', 'nan'])
def test_a_bad_startup_limit_is_one_line(monkeypatch, value):
  monkeypatch.setenv(cluster_start.STARTUP_TIMEOUT_VARIABLE, value)
  with pytest.raises(ValueError, match='TFP_PIXEL_STARTUP_TIMEOUT must be a '
                     'positive number of seconds, got'):
    cluster_start.startup_timeout()


def test_a_server_that_cannot_start_names_its_address():
  error = cluster_start.start_error(_resolver(1), tf.errors.UnknownError(
      None, None, 'Could not start gRPC server'))
  assert str(error) == ('Worker 1 cannot start its server on 127.0.0.1:1001 '
                        '(Could not start gRPC server); is the port free on '
                        'this machine?')
