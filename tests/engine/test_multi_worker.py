"""Multi-worker training: real worker processes on loopback ports.

Two `tfp-pixel train --strategy multiworker` processes (the installed
command, `TF_CONFIG` naming 127.0.0.1 ports) train a tiny model beside a
single-process run of the same command, global batch and seed. The weights
are compared with a tolerance, not bit for bit: the replicas' gradients are
summed in another order than one device sums its batch's (float32 rounding,
about 1e-8 here).
"""

import json
import os
import signal
import time

import numpy as np
import pytest
import tensorflow as tf

import tfp_pixel
from tests import installed_command
from tfp_pixel.engine import cluster
from tfp_pixel.engine import errors
from tfp_pixel.engine import runs

_TINY = ['--levels', '4', '--filters', '4', '--blocks', '1', '--shape',
         '8x8x1', '--max-images', '64', '--batch-size', '16', '--seed', '0']


def _tf_config(ports, index):
  return json.dumps({
      'cluster': {'worker': ['127.0.0.1:{}'.format(p) for p in ports]},
      'task': {'type': 'worker', 'index': index}})


def _start_workers(tmp_path, ports, args):
  """Starts one worker per port, each with its own temporary folder."""
  workers = []
  for index in range(len(ports)):
    scratch = tmp_path / 'tmp-{}'.format(index)
    scratch.mkdir(exist_ok=True)
    workers.append(installed_command.start(
        ['train', '--strategy', 'multiworker'] + args, cwd=tmp_path,
        TF_CONFIG=_tf_config(ports, index), TMPDIR=str(scratch)))
  return workers


def test_two_workers_train_what_one_process_does(tmp_path):
  args = _TINY + ['--epochs', '2', '--steps', '3', '--num-samples', '2']
  processes = _start_workers(tmp_path, installed_command.free_ports(2),
                             args + ['--run', 'shared'])
  # The reference is a process of its own too: the weights a process draws
  # depend on the TensorFlow work it did before.
  processes.append(installed_command.start(
      ['train', '--strategy', 'default', '--run', 'single'] + args,
      cwd=tmp_path))
  results = installed_command.finish(processes, timeout=400)
  for returncode, stdout, stderr in results:
    assert returncode == 0, (stdout, stderr)
    assert 'Traceback' not in stderr
    assert not installed_command.native_log_lines(stderr), stderr
  chief, worker, _ = results
  assert chief[1] == 'Run: shared (epoch 2)\n'
  assert worker[1] == 'Worker done at epoch 2; the chief wrote the run.\n'
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


@pytest.mark.slow
def test_a_killed_worker_stops_the_other_and_a_rerun_resumes(tmp_path):
  args = _TINY + ['--steps', '2', '--num-samples', '0', '--run', 'run']
  chief, worker = _start_workers(tmp_path, installed_command.free_ports(2),
                                 args + ['--epochs', '1000'])
  metrics = runs.run_paths(tmp_path / 'run').metrics
  deadline = time.monotonic() + 300
  while len(runs.read_metrics(tmp_path / 'run')) < 2 if os.path.exists(
      metrics) else True:
    assert time.monotonic() < deadline and chief.poll() is None, (
        installed_command.kill([chief, worker]))
    time.sleep(0.1)
  worker.send_signal(signal.SIGKILL)
  (returncode, stdout, stderr), _ = installed_command.finish(
      [chief, worker], timeout=120)
  assert returncode == 1 and not stdout
  assert stderr.splitlines()[-1].startswith(
      'Error: Worker 0: worker 1 stopped or cannot be reached at epoch ')
  assert 'Traceback' not in stderr
  saved = int(tf.train.latest_checkpoint(
      runs.run_paths(tmp_path / 'run').checkpoints).rsplit('-', 1)[1])
  results = installed_command.finish(_start_workers(
      tmp_path, installed_command.free_ports(2),
      args + ['--epochs', str(saved + 1)]), timeout=300)
  for returncode, _, stderr in results:
    assert returncode == 0, stderr
  assert 'Resuming from run/checkpoints/ckpt-{} (epoch {})'.format(
      saved, saved) in results[0][2]
  assert "Resuming from the chief's checkpoint (epoch {})".format(
      saved) in results[1][2]
  assert [m['epoch'] for m in runs.read_metrics(tmp_path / 'run')] == list(
      range(1, saved + 2))


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


def test_the_cluster_cannot_be_configured_once_tensorflow_runs():
  tf.constant(1.) + 1.  # pylint: disable=expression-not-assigned
  with pytest.raises(ValueError, match='before TensorFlow runs anything'):
    cluster.configure(_resolver(0))


@pytest.mark.parametrize('tf_config, message', [
    ('not json', 'TF_CONFIG is not valid JSON'),
    (json.dumps({'cluster': {'worker': ['a:1']},
                 'task': {'type': 'worker', 'index': 3}}),
     "got type 'worker', index 3"),
])
def test_a_bad_tf_config_is_one_line(monkeypatch, tf_config, message):
  monkeypatch.setenv('TF_CONFIG', tf_config)
  with pytest.raises(ValueError, match=message):
    cluster.resolve()


def test_a_server_that_cannot_start_names_its_address():
  error = cluster.start_error(_resolver(1), tf.errors.UnknownError(
      None, None, 'Could not start gRPC server'))
  assert str(error) == ('Worker 1 cannot start its server on 127.0.0.1:1001 '
                        '(Could not start gRPC server); is the port free on '
                        'this machine?')
