"""Tests of the training engine: `tfp_pixel.train`."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
import tensorflow as tf

import tfp_pixel
from tfp_pixel.engine import configs
from tfp_pixel.engine import errors
from tfp_pixel.engine import runs
from tfp_pixel.engine import training
from tests import tiny_configs
from tests.conftest import one_line_error
from tests.conftest import train_quietly
from tests.conftest import unshuffled

_REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))



def test_training_fills_the_run_directory(tmp_path, digits,
                                          categorical_config):
  run_dir = tmp_path / 'run'
  result = train_quietly(digits[:48], categorical_config, run_dir,
                         validation_data=digits[48:], epochs=2,
                         steps_per_epoch=2, num_samples=4)
  paths = runs.run_paths(run_dir)
  assert result.epoch == 2
  assert runs.read_config(run_dir) == categorical_config
  assert tf.train.latest_checkpoint(paths.checkpoints).endswith('ckpt-2')
  assert tf.train.latest_checkpoint(paths.best) is not None
  assert sorted(os.listdir(paths.samples)) == ['epoch-001.png',
                                               'epoch-002.png']
  assert any(name.startswith('events.out') for name in os.listdir(paths.logs))
  first, second = result.metrics
  assert (first['epoch'], second['epoch']) == (1, 2)
  assert second['step'] == 4 and second['images'] == 32
  # Four levels of 64 values each: the 8-bit figure adds log2(64) = 6 bits.
  np.testing.assert_allclose(
      first['val_bits_per_dim'] - first['val_bits_per_dim_levels'], 6.,
      rtol=1e-5)
  assert second['loss_bits_per_dim_levels'] < first['loss_bits_per_dim_levels']


def test_mixture_model_trains_without_diverging(tmp_path, digits,
                                                mixture_config):
  config = dict(mixture_config, use_data_init=True)
  result = train_quietly(unshuffled(digits, 16), config, tmp_path / 'run',
                         epochs=2, steps_per_epoch=2, learning_rate=3e-3)
  first, second = result.metrics
  assert second['loss_bits_per_dim'] < first['loss_bits_per_dim'] < 9.


def test_steps_per_epoch_repeats_the_data(tmp_path, digits,
                                          categorical_config):
  # 64 images in batches of 16: four batches a pass, six steps an epoch.
  result = train_quietly(unshuffled(digits, 16), categorical_config,
                         tmp_path / 'run', epochs=2, steps_per_epoch=6)
  assert [(m['step'], m['images']) for m in result.metrics] == [(6, 96),
                                                                (12, 96)]


def test_resume_continues_optimizer_state_and_epoch(tmp_path, digits,
                                                    categorical_config):
  data = unshuffled(digits, 16)
  whole = train_quietly(data, categorical_config, tmp_path / 'whole', epochs=2,
                        steps_per_epoch=3)
  train_quietly(data, categorical_config, tmp_path / 'split', epochs=1,
                steps_per_epoch=3)
  resumed = train_quietly(data, None, tmp_path / 'split', epochs=2,
                          steps_per_epoch=3)
  assert resumed.epoch == 2 and resumed.metrics[-1]['step'] == 6
  # Same weights, Adam moments and step count: the same second epoch.
  np.testing.assert_allclose(resumed.metrics[1]['loss_bits_per_dim'],
                             whole.metrics[1]['loss_bits_per_dim'], rtol=1e-6)
  events = configs.images_to_events(digits[:4], categorical_config)
  np.testing.assert_allclose(resumed.distribution.log_prob(events),
                             whole.distribution.log_prob(events), rtol=1e-5)


def test_resume_with_another_model_is_refused(tmp_path, digits,
                                              categorical_config):
  train_quietly(digits, categorical_config, tmp_path / 'run', steps_per_epoch=1)
  other = dict(categorical_config, num_levels=8)
  with pytest.raises(ValueError, match='num_levels=4 not 8'):
    train_quietly(digits, other, tmp_path / 'run', epochs=2)


def test_nan_loss_stops_and_keeps_the_last_good_checkpoint(
    tmp_path, digits, categorical_config):
  run_dir = tmp_path / 'run'
  train_quietly(digits, categorical_config, run_dir, steps_per_epoch=1)
  with pytest.raises(training.NonFiniteLossError, match='ckpt-1'):
    train_quietly(digits, None, run_dir, epochs=3, steps_per_epoch=4,
                  learning_rate=1e35)
  paths = runs.run_paths(run_dir)
  assert tf.train.latest_checkpoint(paths.checkpoints).endswith('ckpt-1')
  assert [m['epoch'] for m in runs.read_metrics(run_dir)] == [1]
  events = configs.images_to_events(digits[:4], categorical_config)
  assert np.all(np.isfinite(tfp_pixel.load(run_dir).log_prob(events)))


def test_bad_arguments_are_value_errors(tmp_path, digits, categorical_config):
  with pytest.raises(ValueError, match='shape'):
    train_quietly(digits[:, :4], categorical_config, tmp_path / 'a')
  with pytest.raises(ValueError, match='needs a model configuration'):
    train_quietly(digits, None, tmp_path / 'b')
  with pytest.raises(ValueError, match='strategy'):
    train_quietly(digits, categorical_config, tmp_path / 'c', strategy='tpu')


def test_jit_step_compiles_once(tmp_path, digits, categorical_config):
  result = train_quietly(unshuffled(digits, 16), categorical_config,
                         tmp_path / 'run', epochs=3, steps_per_epoch=3,
                         jit=True)
  assert result.step_traces == 1
  first, *later = [m['train_seconds'] for m in result.metrics]
  assert max(later) < first / 3, (first, later)


@pytest.mark.slow
def test_jit_step_of_the_mixture_model_compiles_once(tmp_path, digits,
                                                     mixture_config):
  # Stock tfd.PixelCNN recompiles such a step on every call (seconds each).
  result = train_quietly(unshuffled(digits, 16), mixture_config,
                         tmp_path / 'run', epochs=2, steps_per_epoch=3,
                         jit=True)
  assert result.step_traces == 1
  first, second = [m['train_seconds'] for m in result.metrics]
  # A recompiling step takes as long as the first one (seconds per step).
  assert second < first / 5, (first, second)


@pytest.mark.slow
@pytest.mark.parametrize('architecture', ['row_lstm', 'diagonal_bilstm'])
def test_jit_step_of_pixel_rnn_compiles_once(tmp_path, digits, architecture):
  # The recurrences are loops inside the compiled step: one trace, and the
  # model trains.
  result = train_quietly(unshuffled(digits, 16),
                         tiny_configs.pixel_rnn(architecture),
                         tmp_path / 'run', epochs=2, steps_per_epoch=4,
                         jit=True, learning_rate=1e-2)
  assert result.step_traces == 1
  first, second = [m['loss_bits_per_dim'] for m in result.metrics]
  assert second < first


_KILL_SCRIPT = textwrap.dedent('''
    import sys
    import tfp_pixel
    from tests import tiny_configs
    from tfp_pixel import data
    images = data.load_images(shape=(8, 8, 1), max_images=64).images
    config = tiny_configs.categorical()
    tfp_pixel.train(images, config, run_dir=sys.argv[1], epochs=10000,
                    steps_per_epoch=2, batch_size=16, num_samples=1,
                    verbose=False, runs_root=sys.argv[2])
''')


@pytest.mark.slow
def test_sigkill_mid_training_then_resume(tmp_path, digits,
                                          categorical_config, cli):
  run_dir = tmp_path / 'run'
  paths = runs.run_paths(run_dir)
  env = dict(os.environ, PYTHONPATH=_REPO, TF_CPP_MIN_LOG_LEVEL='3')
  process = subprocess.Popen(
      [sys.executable, '-c', _KILL_SCRIPT, str(run_dir),
       str(tmp_path / 'runs')], env=env, stdout=subprocess.DEVNULL,
      stderr=subprocess.DEVNULL)
  deadline = time.monotonic() + 120
  while (len(runs.read_metrics(run_dir)) < 3 if os.path.exists(
      paths.metrics) else True) and time.monotonic() < deadline:
    assert process.poll() is None, 'training died on its own'
    time.sleep(0.05)
  # While it trains, the run is locked for writers and open to readers.
  with pytest.raises(errors.RunInUseError) as refused:
    train_quietly(digits, None, run_dir, epochs=10000, steps_per_epoch=2)
  assert refused.value.pid == process.pid
  assert one_line_error(cli(['train', '--run', str(run_dir)])) == (
      'Error: {} is in use by process {} (training it); wait for it to end '
      'or pass another --run DIR.'.format(run_dir, process.pid))
  events = configs.images_to_events(digits[:2], categorical_config)
  for _ in range(3):
    assert np.all(np.isfinite(tfp_pixel.load(run_dir).log_prob(events)))
  process.send_signal(signal.SIGKILL)
  process.wait()
  assert not any(name.startswith('.tmp-')
                 for name in os.listdir(run_dir) + os.listdir(paths.samples))
  json.loads(open(paths.config).read())
  done = runs.read_metrics(run_dir)  # Every line parses.
  saved = tf.train.latest_checkpoint(paths.checkpoints)
  saved_epoch = int(saved.rsplit('-', 1)[1])
  assert saved_epoch >= len(done) - 1
  result = train_quietly(digits, None, run_dir, epochs=saved_epoch + 1,
                         steps_per_epoch=2)
  assert result.epoch == saved_epoch + 1
  assert [m['epoch'] for m in result.metrics] == list(
      range(1, saved_epoch + 2))


_MIRRORED_SCRIPT = textwrap.dedent('''
    import json, sys
    import tensorflow as tf
    cpu = tf.config.list_physical_devices('CPU')[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    import tfp_pixel
    from tests import tiny_configs
    from tfp_pixel import data
    images = data.load_images(shape=(8, 8, 1), max_images=48).images
    config = tiny_configs.categorical()
    losses = {}
    for name in ('default', 'mirrored'):
      dataset = tf.data.Dataset.from_tensor_slices(images).batch(16)
      result = tfp_pixel.train(
          dataset, config, run_dir=sys.argv[1] + '/' + name, epochs=2,
          strategy=name, num_samples=0, verbose=False,
          runs_root=sys.argv[1] + '/runs')
      losses[name] = [m['loss_bits_per_dim'] for m in result.metrics]
    from tfp_pixel.engine import strategies
    replicas = strategies.make_strategy('mirrored')
    losses['replicas'] = replicas.num_replicas_in_sync
    print(json.dumps(losses))
''')


def test_mirrored_on_two_cpus_matches_one_device(tmp_path):
  env = dict(os.environ, PYTHONPATH=_REPO, TF_CPP_MIN_LOG_LEVEL='3')
  output = subprocess.run(
      [sys.executable, '-c', _MIRRORED_SCRIPT, str(tmp_path)], env=env,
      capture_output=True, text=True, timeout=300, check=True).stdout
  losses = json.loads(output.strip().splitlines()[-1])
  assert losses['replicas'] == 2
  # Epoch 2 depends on the first epoch's summed gradients too.
  np.testing.assert_allclose(losses['mirrored'], losses['default'],
                             rtol=1e-5)
