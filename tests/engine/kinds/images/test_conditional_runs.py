"""Class-conditional runs: configs, training, sampling and scoring with labels.

Both models take `num_classes`; the shared run of the sampling and scoring
tests is a categorical one (it builds and traces in a fraction of the mixture
model's time), and the training tests cover both.
"""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

import tfp_pixel
from tests import tiny_configs
from tests.conftest import train_quietly
from tfp_pixel import data
from tfp_pixel.engine import configs
from tfp_pixel.engine import runs
from tfp_pixel.engine.kinds.images import conditioning
from tfp_pixel.engine.kinds.images import generation
from tfp_pixel.engine.kinds.images import scoring

_REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..',
                                     '..', '..'))


def _mixture_config(num_classes=3, shape=(8, 8, 1)):
  return tiny_configs.pixel_cnn(num_classes, shape)


def _categorical_config(num_classes=3):
  return tiny_configs.categorical(num_classes)


def _run_config(num_classes=3):
  """The model of the shared run: the fastest conditional one."""
  return _categorical_config(num_classes)


@pytest.fixture(scope='module')
def labelled_digits():
  """96 real 8x8 digits of the classes 0, 1 and 2, with their labels."""
  digits = data.load_images(shape=(8, 8, 1), with_labels=True)
  keep = np.flatnonzero(digits.labels < 3)[:96]
  return digits.images[keep], digits.labels[keep]


@pytest.fixture(scope='module')
def conditional_training(tmp_path_factory, labelled_digits):
  """A conditional run trained a few steps on three classes.

  It trains on `(images, labels)` arrays, validates on them and draws a
  sample grid of 5 images.
  """
  root = tmp_path_factory.mktemp('conditional')
  return tfp_pixel.train(
      labelled_digits, _run_config(), run_dir=str(root / 'run'),
      validation_data=labelled_digits, steps_per_epoch=2, batch_size=16,
      num_samples=5, verbose=False, runs_root=str(root / 'runs'))


@pytest.fixture(scope='module')
def conditional_run(conditional_training):
  return conditional_training.run_dir


class TestConfigs:

  def test_num_classes_is_stored_and_none_by_default(self):
    assert configs.make_config('pixelcnn', (8, 8, 1))['num_classes'] is None
    config = _mixture_config(num_classes=10)
    assert config['num_classes'] == 10
    assert configs.make_config(**json.loads(json.dumps(config))) == config

  def test_old_run_configs_without_the_key_still_load(self, tmp_path):
    config = _mixture_config()
    del config['num_classes']
    (tmp_path / 'config.json').write_text(json.dumps(config))
    assert runs.read_config(tmp_path)['num_classes'] is None

  @pytest.mark.parametrize('value', [1, 0, 2.5, True, '3'])
  def test_bad_num_classes(self, value):
    with pytest.raises(ValueError, match='num_classes'):
      _mixture_config(num_classes=value)

  def test_conditional_mixture_takes_a_one_hot_label(self):
    dist = configs.build_model(_mixture_config(num_classes=5))
    assert dist.conditional_shape == (5,)
    assert configs.build_model(_mixture_config(None)).conditional_shape is None

  def test_conditional_categorical_takes_num_classes(self):
    dist = configs.build_model(_categorical_config(num_classes=5))
    levels = tf.zeros([2, 8, 8, 1], tf.int32)
    onehot = conditioning.conditional_input([0, 4], _categorical_config(5))
    assert dist.log_prob(levels, conditional_input=onehot).shape == (2,)


class TestConditioning:

  def test_one_hot_inputs(self):
    onehot = conditioning.conditional_input([2, 0], {'num_classes': 3})
    assert onehot.dtype == tf.float32
    np.testing.assert_array_equal(onehot, [[0, 0, 1], [1, 0, 0]])

  def test_per_class_labels_are_class_major_and_capped(self):
    np.testing.assert_array_equal(conditioning.per_class_labels(3, 2),
                                  [0, 0, 1, 1, 2, 2])
    assert len(conditioning.per_class_labels(40, 2)) == 20
    assert len(conditioning.per_class_labels(40, 2, max_classes=None)) == 80


class TestTraining:

  def test_trains_on_labelled_arrays_and_draws_a_per_class_grid(
      self, conditional_training):
    record = conditional_training.metrics[-1]
    assert np.isfinite(record['loss_bits_per_dim'])
    assert np.isfinite(record['val_bits_per_dim'])
    grid = np.asarray(Image.open(os.path.join(
        conditional_training.run_dir, 'samples', 'epoch-001.png')))
    # 3 classes, one row each, of ceil(5 / 3) = 2 samples; the 8x8 images
    # drawn 8 times larger (64-pixel tiles), 2-pixel gaps.
    assert grid.shape == (3 * 66 - 2, 2 * 66 - 2)

  def test_the_label_reaches_the_loss(self, conditional_training,
                                      labelled_digits):
    images, _ = labelled_digits
    config = _run_config()
    dist = conditional_training.distribution
    events = configs.images_to_events(images[:8], config)
    scores = [dist.log_prob(events, conditional_input=conditioning
                            .conditional_input(np.full(8, k), config))
              for k in range(3)]
    assert not np.allclose(scores[0], scores[1])

  def test_unlabelled_data_is_refused(self, tmp_path, labelled_digits):
    images, _ = labelled_digits
    for unlabelled in (images, tf.data.Dataset.from_tensor_slices(images)
                       .batch(16)):
      with pytest.raises(ValueError, match='class-conditional.*labels'):
        train_quietly(unlabelled, _mixture_config(), tmp_path / 'run')

  def test_labels_outside_the_classes_are_refused(self, tmp_path,
                                                  labelled_digits):
    images, labels = labelled_digits
    with pytest.raises(ValueError, match='label 2 is not a class'):
      train_quietly((images, labels), _mixture_config(num_classes=2),
                    tmp_path / 'run')

  def test_unconditional_models_ignore_labels(self, tmp_path,
                                              labelled_digits):
    images, labels = labelled_digits
    config = _categorical_config(None)
    for labelled in ((images, labels), data.make_datasets(images, labels)[0]):
      result = train_quietly(labelled, config, tmp_path / 'run',
                             steps_per_epoch=1)
    assert result.epoch == 1

  @pytest.mark.parametrize('make_config', [
      _categorical_config,
      pytest.param(_mixture_config, marks=pytest.mark.slow)])
  def test_jit_step_with_labels_compiles_once(self, tmp_path,
                                              labelled_digits, make_config):
    result = train_quietly(labelled_digits, make_config(), tmp_path / 'run',
                           epochs=2, steps_per_epoch=2, jit=True)
    assert result.step_traces == 1
    assert np.isfinite(result.metrics[-1]['loss_bits_per_dim'])


class TestGeneration:

  def test_samples_of_a_label_and_a_per_class_grid(self, conditional_run):
    images = generation.sample_images(conditional_run, 3, seed=1, label=2)
    assert images.shape == (3, 8, 8, 1) and images.dtype == np.uint8
    images, labels = generation.sample_per_class(conditional_run, 2, seed=1)
    assert images.shape == (6, 8, 8, 1)
    np.testing.assert_array_equal(labels, [0, 0, 1, 1, 2, 2])

  @pytest.mark.parametrize('label, message', [
      (None, r'class-conditional \(3 classes\).*--label'),
      (3, 'label 3 is not a class')])
  def test_label_errors(self, conditional_run, label, message):
    with pytest.raises(ValueError, match=message):
      generation.sample_images(conditional_run, 1, label=label)

  def test_completion_with_labels(self, conditional_run, labelled_digits):
    images, labels = labelled_digits
    known = generation.occlusion_mask('bottom-half', (8, 8, 1))
    completions = generation.complete_images(
        images[:2], known, conditional_run, num_completions=2,
        label=labels[:2])
    assert completions.shape == (2, 2, 8, 8, 1)
    with pytest.raises(ValueError, match='3 labels for 2 images'):
      generation.complete_images(images[:2], known, conditional_run,
                                 label=[0, 1, 2])
    with pytest.raises(ValueError, match='--label'):
      generation.complete_images(images[:2], known, conditional_run)


def _write_class_folders(root, images, labels, names=None):
  for i, (image, label) in enumerate(zip(images, labels)):
    folder = root / (names[label] if names else str(label))
    folder.mkdir(parents=True, exist_ok=True)
    Image.fromarray(image[..., 0]).save(folder / '{:03d}.png'.format(i))


class TestScoring:

  def test_score_under_a_label_is_log_prob_given_it(
      self, tmp_path, conditional_run, labelled_digits):
    images, _ = labelled_digits
    np.save(tmp_path / 'images.npy', images[:4])
    report = scoring.score(tmp_path / 'images.npy', conditional_run, label=1)
    assert [s.path for s in report.scores] == [
        '{}[{}]'.format(tmp_path / 'images.npy', i) for i in range(4)]
    dist = tfp_pixel.load(conditional_run)
    config = runs.read_config(conditional_run)
    expected = -dist.log_prob(
        configs.images_to_events(images[:4], config),
        conditional_input=conditioning.conditional_input(1, config))
    np.testing.assert_allclose([s.nll_levels for s in report.scores],
                               expected, rtol=1e-5)
    assert {s.label for s in report.scores} == {1}
    assert report.accuracy is None

  def test_classify_picks_the_most_likely_label(
      self, tmp_path, conditional_run, labelled_digits):
    images, labels = labelled_digits
    np.savez(tmp_path / 'test.npz', images=images[:12], labels=labels[:12])
    report = scoring.score(tmp_path / 'test.npz', conditional_run,
                           labels_from_data=True, classify=True)
    dist = tfp_pixel.load(conditional_run)
    config = runs.read_config(conditional_run)
    per_class = scoring.score_images_per_class(dist, config, images[:12])[1]
    np.testing.assert_array_equal([s.predicted for s in report.scores],
                                  np.argmin(per_class, axis=1))
    np.testing.assert_array_equal([s.label for s in report.scores],
                                  labels[:12])
    # Scored under the true label; accuracy against it.
    np.testing.assert_allclose(
        [s.nll_levels for s in report.scores],
        per_class[np.arange(12), labels[:12]], rtol=1e-5)
    assert report.accuracy == pytest.approx(
        np.mean(np.argmin(per_class, axis=1) == labels[:12]))

  def test_labels_of_class_sub_folders(self, tmp_path, conditional_run,
                                       labelled_digits):
    images, labels = labelled_digits
    _write_class_folders(tmp_path / 'named', images[:9], labels[:9],
                         names=['ant', 'bee', 'cat'])
    _write_class_folders(tmp_path / 'ids', images[:9], labels[:9])
    (tmp_path / 'ids' / '7').mkdir()
    Image.fromarray(images[0, ..., 0]).save(tmp_path / 'ids' / '7' / 'x.png')
    Image.fromarray(images[0, ..., 0]).save(tmp_path / 'ids' / 'loose.png')
    for folder in ('named', 'ids'):
      report = scoring.score(tmp_path / folder, conditional_run,
                             labels_from_data=True)
      assert len(report.scores) == 9
      for row in report.scores:
        index = int(os.path.basename(row.path)[:3])
        assert row.label == labels[index]
    reasons = {os.path.basename(s.path): s.reason for s in report.skipped}
    assert reasons == {'x.png': 'class 7 is not a class: classes are 0 to 2',
                       'loose.png': 'not in a class sub-folder of {}'.format(
                           tmp_path / 'ids')}

  def test_classify_without_labels_scores_the_predicted_class(
      self, tmp_path, conditional_run, labelled_digits):
    images, _ = labelled_digits
    np.save(tmp_path / 'images.npy', images[:5])
    report = scoring.score(tmp_path / 'images.npy', conditional_run,
                           classify=True)
    assert report.accuracy is None
    assert {s.label for s in report.scores} == {None}
    dist = tfp_pixel.load(conditional_run)
    nll = scoring.score_images_per_class(
        dist, runs.read_config(conditional_run), images[:5])[0]
    np.testing.assert_allclose([s.nll for s in report.scores],
                               nll.min(axis=1), rtol=1e-5)

  @pytest.mark.parametrize('kwargs, message', [
      ({}, r'class-conditional \(3 classes\): pass --label N, '
           '--labels-from-data'),
      ({'label': 1, 'labels_from_data': True}, 'not both'),
      ({'label': 5}, 'label 5 is not a class')])
  def test_conditional_run_errors(self, tmp_path, conditional_run,
                                  labelled_digits, kwargs, message):
    np.save(tmp_path / 'images.npy', labelled_digits[0][:2])
    with pytest.raises(ValueError, match=message):
      scoring.score(tmp_path / 'images.npy', conditional_run, **kwargs)

  @pytest.mark.parametrize('kwargs', [
      {'label': 1}, {'labels_from_data': True}, {'classify': True}])
  def test_unconditional_runs_refuse_labels(self, tmp_path, labelled_digits,
                                            kwargs):
    run_dir = tmp_path / 'plain'
    config = configs.make_config('categorical', (8, 8, 1), num_levels=4,
                                num_filters=2, num_residual_blocks=0)
    runs.write_config(run_dir, config)
    with pytest.raises(ValueError, match='needs a class-conditional model'):
      scoring.score(tmp_path, run_dir, **kwargs)
    with pytest.raises(ValueError, match='needs a class-conditional model'):
      generation.sample_images(run_dir, 1, label=1)


@pytest.mark.slow
def test_a_conditional_model_samples_the_requested_class(tmp_path):
  """The issue's proof: trained on two classes, it draws the one asked for.

  A tiny conditional model trains 200 steps on the digits 0 and 1; of the
  images it samples for either label, clearly more than half (here 80%) are
  more likely under the label they were drawn for than under the other.
  """
  digits = data.load_images(with_labels=True)
  keep = digits.labels < 2
  config = configs.make_config('pixelcnn', (8, 8, 1), num_classes=2,
                              num_filters=8, num_hierarchies=2,
                              num_logistic_mix=2, dropout_p=0.)
  batches = tf.data.Dataset.from_tensor_slices(
      (digits.images[keep], digits.labels[keep])).shuffle(
          400, seed=0).repeat().batch(16)
  dist = train_quietly(batches, config, tmp_path / 'run', steps_per_epoch=200,
                       learning_rate=1e-2).distribution
  num_samples = 40
  onehots = [conditioning.conditional_input(np.full(num_samples, label),
                                            config) for label in (0, 1)]
  for label in (0, 1):
    samples = dist.sample(num_samples, seed=(7, label),
                          conditional_input=onehots[label])
    asked = dist.log_prob(samples, conditional_input=onehots[label])
    other = dist.log_prob(samples, conditional_input=onehots[1 - label])
    assert np.mean(asked > other) > 0.8, (label, asked, other)


_MIRRORED_SCRIPT = textwrap.dedent('''
    import json, sys
    import numpy as np
    import tensorflow as tf
    cpu = tf.config.list_physical_devices('CPU')[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    from tfp_pixel import data
    from tfp_pixel.engine import configs
    import tfp_pixel
    digits = data.load_images(shape=(8, 8, 1), with_labels=True,
                              max_images=48)
    config = json.loads(sys.argv[2])
    losses = {}
    for name in ('default', 'mirrored'):
      dataset = tf.data.Dataset.from_tensor_slices(
          (digits.images, digits.labels)).batch(16)
      result = tfp_pixel.train(
          dataset, config, run_dir=sys.argv[1] + '/' + name, epochs=2,
          steps_per_epoch=2, strategy=name, num_samples=0, verbose=False,
          runs_root=sys.argv[1] + '/runs')
      losses[name] = [m['loss_bits_per_dim'] for m in result.metrics]
    print(json.dumps(losses))
''')


@pytest.mark.slow
@pytest.mark.parametrize('make_config', [_categorical_config, _mixture_config])
def test_mirrored_training_with_labels_matches_one_device(tmp_path,
                                                          make_config):
  env = dict(os.environ, PYTHONPATH=_REPO, TF_CPP_MIN_LOG_LEVEL='3')
  config = json.dumps(make_config(num_classes=10))
  output = subprocess.run(
      [sys.executable, '-c', _MIRRORED_SCRIPT, str(tmp_path), config],
      env=env, capture_output=True, text=True, timeout=300,
      check=True).stdout
  losses = json.loads(output.strip().splitlines()[-1])
  np.testing.assert_allclose(losses['mirrored'], losses['default'],
                             rtol=1e-5)
