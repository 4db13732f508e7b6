"""Tests of the SavedModel of an image model (`tfp_pixel.export`): served
where neither `tfp_pixel` nor TensorFlow Probability imports, it gives the
live model's log-probabilities, per-pixel terms, samples and completions."""

import numpy as np
import pytest
import tensorflow as tf

import tfp_pixel
from tests import served_exports
from tests import tiny_configs
from tfp_pixel import quantization
from tfp_pixel.engine import configs
from tfp_pixel.engine import exports
from tfp_pixel.engine.kinds.images import conditioning
from tfp_pixel.engine.kinds.images import export as image_export
from tfp_pixel.engine.kinds.images import scoring

# Model -> its configuration; exported from untrained weights (the seed makes
# them fixed), which are as good as trained ones to compare two programs.
_MODELS = {
    'gated-labels': tiny_configs.categorical(num_classes=3,
                                             architecture='gated'),
}
_SLOW_MODELS = {
    'categorical': tiny_configs.categorical(),
    'pixelcnn': tiny_configs.pixel_cnn(),
    # Transposed convolutions between hierarchies: tracking the model saved
    # their Keras call functions, which could not be saved.
    'pixelcnn-2-hierarchies': configs.make_config(
        'pixelcnn', (8, 8, 1), num_filters=4, num_hierarchies=2,
        num_resnet=1, num_logistic_mix=2, dropout_p=0.),
    'row-lstm': tiny_configs.pixel_rnn(),
    'diagonal-labels': tiny_configs.pixel_rnn('diagonal_bilstm',
                                              num_classes=3),
    'pixelsnail': configs.make_config(
        'pixelsnail', (8, 8, 1), num_levels=4, num_filters=4, num_blocks=1,
        num_resnet=1, num_heads=1, key_size=4, value_size=4),
    '300-levels': configs.make_config(
        'categorical', (8, 8, 1), num_levels=300, num_filters=4,
        num_residual_blocks=1),
}
_SEED = np.array([3, 4], np.int32)
_TEMPERATURE = np.float32(0.8)


def _images(config, count=6):
  shape = [count, *config['image_shape']]
  rng = np.random.default_rng(7)
  if configs.levels_are_data(config):
    return rng.integers(0, config['num_levels'], shape).astype(np.int32)
  return rng.integers(0, 256, shape).astype(np.uint8)


def _labels(config, count=6):
  if not config.get('num_classes'):
    return {}
  return {'labels': (np.arange(count) % config['num_classes']).astype(
      np.int32)}


def _known(config):
  known = np.zeros([6, *config['image_shape']], bool)
  known[:, :4] = True
  return known


def _calls(config):
  """The signature calls checked against the live model."""
  images = 'levels' if configs.levels_are_data(config) else 'images'
  inputs = {images: _images(config), **_labels(config)}
  calls = [('log_prob', inputs), ('serving_default', inputs),
           ('per_pixel_log_prob', inputs),
           ('sample', {'num_samples': np.int32(6), 'seed': _SEED,
                       'temperature': _TEMPERATURE, **_labels(config)})]
  if not configs.levels_are_data(config):
    calls.append(('complete', {**inputs, 'known': _known(config),
                               'seed': _SEED}))
  return calls


def _export_all(models, tmp_path_factory):
  root = tmp_path_factory.mktemp('exports')
  built = {}
  for name, config in models.items():
    tf.random.set_seed(0)
    dist = configs.build_model(config)
    directory = exports.export(dist, root / name)
    built[name] = (config, dist, directory)
  calls = [(directory, *call) for config, _, directory in built.values()
           for call in _calls(config)]
  results, signatures = served_exports.serve_all(calls, root)
  served, start = {}, 0
  for name, (config, dist, directory) in built.items():
    count = len(_calls(config))
    served[name] = (config, dist, results[start:start + count],
                    signatures[str(directory)])
    start += count
  return served


@pytest.fixture(scope='module')
def served(tmp_path_factory):
  return _export_all(_MODELS, tmp_path_factory)


@pytest.fixture(scope='module')
def served_slow(tmp_path_factory):
  return _export_all(_SLOW_MODELS, tmp_path_factory)


def _check_served(config, dist, results, signatures):
  levels_are_data = configs.levels_are_data(config)
  expected = {'log_prob', 'per_pixel_log_prob', 'sample', 'serving_default'}
  if not levels_are_data:
    expected.add('complete')
  assert set(signatures) == expected
  labels = _labels(config).get('labels')
  condition = (None if labels is None else
               conditioning.conditional_input(labels, config))
  images = _images(config)
  levels = configs.images_to_events(images, config)
  live = np.asarray(dist.log_prob(levels, conditional_input=condition))
  log_prob, default, per_pixel, sample = results[:4]
  nll, _ = scoring.score_images(dist, config, images, labels=labels)
  np.testing.assert_allclose(log_prob['log_prob'], -nll, rtol=1e-5)
  np.testing.assert_allclose(
      log_prob['bits_per_dim'], nll / (64 * np.log(2.)), rtol=1e-5)
  if not levels_are_data:
    np.testing.assert_allclose(log_prob['log_prob_levels'], live, rtol=1e-5)
  else:
    np.testing.assert_allclose(log_prob['log_prob'], live, rtol=1e-5)
  np.testing.assert_array_equal(default['log_prob'], log_prob['log_prob'])
  terms = per_pixel['per_pixel_log_prob']
  assert terms.shape == images.shape
  np.testing.assert_allclose(terms.sum(axis=(1, 2, 3)), live, rtol=1e-5)
  # A mixture's terms are logs of differences of close CDFs: float32
  # round-off of two programs reaches 1.5e-5 of a term.
  np.testing.assert_allclose(
      terms, tfp_pixel.per_pixel_log_prob(dist, levels, condition),
      rtol=1e-4, atol=1e-5)
  drawn = dist.copy(temperature=float(_TEMPERATURE)).sample(
      6, seed=tuple(_SEED), conditional_input=condition)
  if levels_are_data:
    np.testing.assert_array_equal(sample['levels'], np.asarray(drawn))
  else:
    assert sample['images'].dtype == np.uint8
    np.testing.assert_array_equal(sample['images'],
                                  configs.events_to_images(drawn, config))
    completed = tfp_pixel.complete(dist, levels, _known(config), seed=(3, 4),
                                   conditional_input=condition)[0]
    got = results[4]['images']
    np.testing.assert_array_equal(
        got, configs.events_to_images(completed, config))
    known = _known(config)
    np.testing.assert_array_equal(
        got[known], np.asarray(quantization.dequantize(
            levels, config['num_levels']))[known])


@pytest.mark.parametrize('name', sorted(_MODELS))
def test_served_export_is_the_live_model(served, name):
  _check_served(*served[name])


@pytest.mark.slow
@pytest.mark.parametrize('name', sorted(_SLOW_MODELS))
def test_served_export_is_the_live_model_of_every_family(served_slow, name):
  _check_served(*served_slow[name])


@pytest.fixture(scope='module')
def gated():
  tf.random.set_seed(0)
  config = _MODELS['gated-labels']
  return config, image_export.ImageExport(configs.build_model(config), config)


def test_a_request_past_the_bound_fails_in_the_graph(gated):
  config, module = gated
  too_many = image_export.MAX_SAMPLE_VALUES // 64 + 1
  with pytest.raises(tf.errors.InvalidArgumentError,
                     match='at most {} images'.format(too_many - 1)):
    module.sample(tf.constant(too_many), _SEED, _TEMPERATURE,
                  tf.zeros([too_many], tf.int32))
  too_many = image_export.MAX_SCORE_VALUES // 64 + 1
  with pytest.raises(tf.errors.InvalidArgumentError,
                     match='at most {} images'.format(too_many - 1)):
    module.log_prob(tf.zeros([too_many, 8, 8, 1], tf.uint8),
                    tf.zeros([too_many], tf.int32))
  with pytest.raises(tf.errors.InvalidArgumentError, match='at least one'):
    module.sample(tf.constant(0), _SEED, _TEMPERATURE, tf.zeros([0], tf.int32))
  for temperature in (0., np.inf):
    with pytest.raises(tf.errors.InvalidArgumentError, match='temperature'):
      module.sample(tf.constant(1), _SEED, temperature, tf.zeros([1], tf.int32))
  with pytest.raises(tf.errors.InvalidArgumentError, match='one label'):
    module.log_prob(_images(config), tf.zeros([2], tf.int32))


def test_a_label_outside_the_classes_fails_in_the_graph(gated):
  config, module = gated
  with pytest.raises(tf.errors.InvalidArgumentError, match='not a class'):
    module.log_prob(_images(config, 1), tf.constant([3], tf.int32))


def test_temperature_and_seed_change_the_samples(gated):
  _, module = gated
  labels = tf.zeros([8], tf.int32)
  first = module.sample(8, _SEED, 1., labels)['images']
  np.testing.assert_array_equal(
      first, module.sample(8, _SEED, 1., labels)['images'])
  assert np.any(first != module.sample(8, [5, 6], 1., labels)['images'])
  assert np.any(first != module.sample(8, _SEED, 0.25, labels)['images'])
