"""What a model needs, from its configuration: estimates and the bound."""

import json

import numpy as np
import pytest

from tests.conftest import one_line_error
from tfp_pixel import bounds
from tfp_pixel.engine import configs
from tfp_pixel.engine import runs
from tfp_pixel.families import model_size
from tfp_pixel.families import registry


@pytest.mark.parametrize('model, shape, options', [
    ('text', None, dict(vocabulary_size=50, max_length=7, embedding_dim=4,
                        units=6)),
    ('text', None, dict(vocabulary_size=50, max_length=7, cell='gru',
                        num_layers=2, embedding_dim=4, units=6)),
    ('categorical', (4, 4, 1), dict(num_levels=4, num_filters=8)),
    ('vqvae', (8, 8, 3), dict(num_codes=16, code_dim=3, num_filters=5,
                              downsample=4)),
    ('vqvae', (16, 16, 1), dict(num_codes=16, code_dim=3, num_filters=5,
                                num_residual=1, downsample=2, hierarchy=2)),
    ('categorical', (4, 4, 3), dict(num_levels=8, num_filters=12,
                                    num_output_filters=6, num_classes=3)),
    ('categorical', (4, 4, 3), dict(num_levels=8, num_filters=6,
                                    architecture='gated', num_classes=3)),
    ('categorical', (4, 4, 3), dict(num_levels=300, num_filters=6)),
    ('categorical', (4, 4, 1), dict(num_levels=300, num_filters=6,
                                    architecture='gated')),
    ('pixelrnn', (4, 4, 1), dict(num_levels=4, num_layers=2,
                                 hidden_units=4)),
    ('pixelrnn', (4, 4, 3), dict(num_levels=4, num_layers=2, hidden_units=6,
                                 architecture='diagonal_bilstm',
                                 num_classes=3)),
    ('pixelrnn', (4, 4, 3), dict(num_levels=300, num_layers=1,
                                 hidden_units=6)),
    ('pixelcnn', (8, 8, 1), dict(num_filters=8, num_logistic_mix=2)),
    ('pixelsnail', (4, 4, 1), dict(num_levels=4, num_filters=8)),
    ('pixelsnail', (4, 4, 3), dict(num_levels=300, num_filters=6,
                                   num_heads=2, num_classes=3)),
    ('pixelsnail', (4, 4, 3), dict(num_logistic_mix=3, num_filters=6,
                                   num_blocks=1, num_resnet=3,
                                   num_classes=3)),
    pytest.param('pixelcnn', (8, 8, 3), dict(
        num_filters=4, num_hierarchies=3, num_resnet=2, num_classes=3,
        resnet_activation='elu', receptive_field_dims=[3, 5]),
                 marks=pytest.mark.slow),
])
def test_the_estimate_counts_the_parameters_of_the_built_model(model, shape,
                                                              options):
  config = configs.make_config(model, shape, **options)
  estimate = registry.family(model).estimate(config)
  dist = configs.build_model(config)
  if model == 'text':
    dist.log_prob(np.zeros([1, config['max_length']], np.int32))
  elif model == 'vqvae':
    dist.losses(np.zeros((1,) + shape, np.uint8))
  else:
    labels = ({'conditional_input': np.eye(3, dtype=np.float32)[:1]}
              if config['num_classes'] else {})
    dist.log_prob(np.zeros((1,) + shape, registry.event_dtype(config)),
                  **labels)
  built = sum(int(np.prod(v.shape)) for v in dist.trainable_variables)
  # Exact but for the PixelCNN++ network's resampling layers.
  assert built <= estimate.parameters <= 1.05 * built
  assert estimate.activations > 0


def test_training_bytes_are_the_parameters_optimizer_and_activations():
  estimate = model_size.Estimate(parameters=10, activations=3)
  assert model_size.training_bytes(estimate, batch_size=5) == 4 * (
      4 * 10 + 2 * 5 * 3)
  assert [bounds.format_bytes(count) for count in (
      100, 3.2 * 2**30, 5090 * 2**40, 7.1e6 * 2**40)] == [
          '100 bytes', '3.2 GiB', '5,090 TiB', '7.1e+06 TiB']


@pytest.mark.parametrize('model, shape, options', [
    ('categorical', (8, 8, 1), dict(num_filters=100000000)),
    ('categorical', (100000, 100000, 1), {}),
    ('text', None, dict(units=1000000)),
    ('text', None, dict(max_length=100000000)),
])
def test_a_model_over_the_bound_is_refused_before_it_is_built(model, shape,
                                                              options):
  config = configs.make_config(model, shape, **options)
  with pytest.raises(model_size.ModelTooLargeError) as error:
    configs.build_model(config)
  message = str(error.value)
  assert 'over the bound of 16 GiB' in message and '\n' not in message
  assert 'TiB' in message and model_size.MAX_BYTES_VARIABLE in message


def test_the_bound_is_configurable(monkeypatch):
  config = configs.make_config('categorical', (8, 8, 1), num_levels=4,
                               num_filters=8)
  assert model_size.check(config, batch_size=32) < 16 * 2**20
  monkeypatch.setenv(model_size.MAX_BYTES_VARIABLE, str(2**-20))  # 1 KiB
  with pytest.raises(model_size.ModelTooLargeError,
                     match=r'to train at batch size 32 .* over the bound of '
                           r'1 KiB'):
    model_size.check(config, batch_size=32)
  monkeypatch.setenv(model_size.MAX_BYTES_VARIABLE, 'lots')
  with pytest.raises(model_size.ModelTooLargeError, match='positive number'):
    model_size.check(config)


def test_train_refuses_a_huge_shape_before_loading_images(cli, tmp_path):
  result = cli(['train', '--shape', '100000x100000x1', '--levels', '4',
                '--run', str(tmp_path / 'run')])
  line = one_line_error(result)
  assert 'This categorical model needs about' in line
  assert 'over the bound of 16 GiB' in line
  assert not (tmp_path / 'run' / 'config.json').exists()


def test_train_measures_the_model_at_its_batch_size(cli, tmp_path,
                                                    monkeypatch):
  monkeypatch.setenv(model_size.MAX_BYTES_VARIABLE, str(2**-10))  # 1 MiB
  result = cli(['train', '--levels', '4', '--filters', '8', '--blocks', '1',
                '--epochs', '0', '--batch-size', '1024', '--run',
                str(tmp_path / 'run')])
  assert 'at batch size 1024' in one_line_error(result)


@pytest.mark.parametrize('option, value', [('--units', '1000000'),
                                           ('--max-length', '100000000'),
                                           ('--vocabulary', '1000000000')])
def test_text_train_refuses_a_huge_model_before_reading_texts(cli, tmp_path,
                                                             option, value):
  result = cli(['text', 'train', option, value, '--epochs', '0', '--run',
                str(tmp_path / 'run')])
  assert 'This text model needs about' in one_line_error(result)
  assert not (tmp_path / 'run' / 'config.json').exists()


def test_a_run_whose_config_asks_for_a_huge_model_is_one_line(cli, tmp_path):
  config = configs.make_config('categorical', (8, 8, 1), num_levels=4)
  config['num_filters'] = 100000000
  runs.write_config(tmp_path, config)
  result = cli(['sample', '-n', '1', '-o', str(tmp_path / 'x.png'), '--run',
                str(tmp_path)])
  assert 'over the bound of 16 GiB' in one_line_error(result)


def test_num_filters_1e8_in_a_config_file_is_one_line(cli, tmp_path):
  config = configs.make_config('categorical', (8, 8, 1), num_levels=4)
  (tmp_path / 'config.json').write_text(
      json.dumps(config).replace('"num_filters": 64', '"num_filters": 1e8'))
  result = cli(['sample', '-n', '1', '-o', str(tmp_path / 'x.png'), '--run',
                str(tmp_path)])
  assert '`num_filters` of the categorical model must be an integer' in (
      one_line_error(result))
