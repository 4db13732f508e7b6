"""Tests of model configurations and their builds."""

import json

import numpy as np
import pytest
import tensorflow as tf

import tfp_pixel
from tests.conftest import one_line_error
from tfp_pixel.engine import configs


def test_mixture_defaults_follow_the_book_example():
  config = configs.make_config('pixelcnn', (32, 32, 1))
  assert config['num_resnet'] == 1
  assert config['num_hierarchies'] == 2
  assert config['num_filters'] == 32
  assert config['num_logistic_mix'] == 5
  assert config['dropout_p'] == 0.3
  assert config['num_levels'] == 256


def test_config_is_json_and_round_trips():
  config = configs.make_config('categorical', (8, 8, 3), num_levels=4,
                              num_filters=6)
  assert configs.make_config(**json.loads(json.dumps(config))) == config


@pytest.mark.parametrize('args, message', [
    (('gan', (8, 8, 1)), 'must be one of'),
    (('pixelcnn', (8, 8)), 'image_shape'),
    (('categorical', (8, 8, 1), 1), 'num_levels'),
])
def test_bad_configs_raise_value_errors(args, message):
  with pytest.raises(ValueError, match=message):
    configs.make_config(*args)


def test_unknown_option_is_named():
  with pytest.raises(ValueError, match='num_resnet'):
    configs.make_config('categorical', (8, 8, 1), num_resnet=2)


def test_build_model_gives_each_model(mixture_config, categorical_config):
  mixture = configs.build_model(mixture_config)
  assert isinstance(mixture, tfp_pixel.PixelCNN)
  assert float(mixture.high) == 255.
  categorical = configs.build_model(categorical_config)
  assert isinstance(categorical, tfp_pixel.CategoricalPixelCNN)
  assert categorical.num_levels == 4


def test_config_builds_the_gated_model():
  config = configs.make_config('categorical', (4, 4, 1), num_levels=4,
                              num_filters=4, num_residual_blocks=1,
                              architecture='gated')
  config = json.loads(json.dumps(config))
  assert config['architecture'] == 'gated'
  dist = configs.build_model(config)
  assert dist.architecture == 'gated'
  assert isinstance(dist.network, tfp_pixel.GatedPixelCNNNetwork)
  assert configs.make_config('categorical', (4, 4, 1))['architecture'] == (
      'plain')


@pytest.mark.parametrize('model, architecture, message', [
    ('categorical', 'wavenet', 'architecture'),
    ('pixelcnn', 'gated', 'architecture')])
def test_bad_architecture_is_refused(model, architecture, message):
  with pytest.raises(ValueError, match=message):
    configs.make_config(model, (4, 4, 1), architecture=architecture)


def test_mixture_with_levels_models_the_levels(mixture_config):
  config = dict(mixture_config, num_levels=16)
  dist = configs.build_model(config)
  assert float(dist.high) == 15.


def test_images_to_events_quantizes_for_either_model(categorical_config,
                                                     mixture_config):
  images = np.array([0, 63, 64, 255], np.uint8).reshape(1, 2, 2, 1)
  levels = configs.images_to_events(images, categorical_config)
  assert levels.dtype == tf.int32
  np.testing.assert_array_equal(np.ravel(levels), [0, 0, 1, 3])
  values = configs.images_to_events(images, mixture_config)
  assert values.dtype == tf.float32
  np.testing.assert_array_equal(np.ravel(values), [0, 63, 64, 255])
  back = configs.events_to_images(levels, categorical_config)
  assert back.dtype == np.uint8
  np.testing.assert_array_equal(np.ravel(back), [0, 0, 85, 255])


@pytest.mark.parametrize('model, key, value, message', [
    ('categorical', 'num_filters', '64', 'must be an integer'),
    ('categorical', 'num_filters', 64.0, 'must be an integer'),
    ('categorical', 'num_filters', True, 'must be an integer'),
    ('categorical', 'num_filters', 0, 'must be at least 1'),
    ('categorical', 'num_output_filters', 'wide', 'must be an integer'),
    ('categorical', 'dropout_rate', float('nan'), 'must be a finite number'),
    ('categorical', 'dropout_rate', 1., r'must be in \[0.0, 1.0\)'),
    ('pixelcnn', 'receptive_field_dims', [3, '3'],
     'must be a list of 2 integers'),
    ('pixelcnn', 'use_weight_norm', 'yes', 'must be true or false'),
    ('pixelrnn', 'architecture', 7, 'must be a string'),
    ('text', 'units', '128', 'must be an integer'),
])
def test_each_key_has_the_type_of_its_default(model, key, value, message):
  shape = None if model == 'text' else (8, 8, 1)
  with pytest.raises(ValueError, match='`{}` of the {} model {}'.format(
      key, model, message)):
    configs.make_config(model, shape, **{key: value})


def test_a_float_key_takes_an_integer_and_a_nullable_key_none():
  config = configs.make_config('categorical', (8, 8, 1), dropout_rate=0,
                               num_output_filters=None)
  assert config['dropout_rate'] == 0 and config['num_output_filters'] is None


def test_a_wrong_type_in_config_json_is_one_line(cli, tmp_path):
  config = configs.make_config('categorical', (8, 8, 1), num_levels=4)
  config['num_filters'] = '64'
  (tmp_path / 'config.json').write_text(json.dumps(config))
  line = one_line_error(cli(['sample', '-n', '1', '-o',
                             str(tmp_path / 'x.png'), '--run',
                             str(tmp_path)]))
  assert str(tmp_path / 'config.json') in line
  assert "`num_filters` of the categorical model must be an integer, got " \
         "'64'" in line


def test_levels_above_256_are_the_data_and_show_spread_over_8_bits():
  config = configs.make_config('categorical', (1, 4, 1), num_levels=300)
  assert configs.levels_are_data(config)
  assert not configs.levels_are_data(configs.make_config(
      'categorical', (1, 4, 1), num_levels=256))
  levels = np.array([[[[0], [1], [150], [299]]]])
  np.testing.assert_array_equal(configs.images_to_events(levels, config),
                                levels)
  np.testing.assert_array_equal(
      configs.events_to_images(levels, config),
      [[[[0], [1], [128], [255]]]])
  assert configs.events_to_images(levels, config).dtype == np.uint8
