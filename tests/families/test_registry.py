"""The model registry: every family declared once, read by engine and CLI."""

import json
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

from tfp_pixel.engine import configs
from tfp_pixel.families import registry


def test_every_image_family_builds_from_its_defaults():
  for family in registry.families_of_kind('images'):
    config = configs.make_config(family.name, (2, 2, 1), num_levels=2)
    assert set(config) == ({'model', 'image_shape', 'num_levels',
                            'num_classes'} | set(family.defaults))
    assert configs.complete_config(json.loads(json.dumps(config))) == config
    dist = family.build(config)
    events = np.zeros((1, 2, 2, 1), registry.event_dtype(config))
    assert dist.log_prob(events).shape == (1,)
    assert dist.dtype == registry.event_dtype(config)
  mixture = configs.make_config('pixelsnail', (2, 2, 1), num_logistic_mix=2)
  assert registry.event_dtype(mixture) == 'float32'
  assert registry.family('pixelsnail').build(mixture).dtype == tf.float32


def test_an_unknown_model_in_a_config_is_a_one_line_error():
  for call in (lambda: configs.build_model({'model': 'gan'}),
               lambda: configs.complete_config({'model': 'pixelcnn2',
                                                'image_shape': [8, 8, 1]})):
    with pytest.raises(ValueError, match='registered models') as error:
      call()
    assert 'pixelcnn' in str(error.value) and '\n' not in str(error.value)


def test_a_family_is_registered_once():
  with pytest.raises(ValueError, match='registered already'):
    registry.register(registry.family('pixelcnn'))


@pytest.mark.parametrize('model, architecture, flags, expected', [
    (None, None, [], 'pixelcnn'),
    (None, None, ['--mix'], 'pixelcnn'),
    (None, None, ['--levels'], 'categorical'),
    (None, None, ['--levels', '--mix'], 'pixelcnn'),
    (None, None, ['--levels', '--filters'], 'categorical'),
    (None, None, ['--resnet'], 'pixelcnn'),
    (None, 'gated', ['--levels'], 'categorical'),
    ('categorical', None, ['--filters'], 'categorical'),
    (None, 'row-lstm', ['--levels'], 'pixelrnn'),
    (None, 'diagonal-bilstm', ['--hidden', '--layers'], 'pixelrnn'),
    (None, None, ['--levels', '--layers'], 'pixelrnn'),
    (None, None, ['--hidden', '--dropout'], 'pixelrnn'),
])
def test_choose_family(model, architecture, flags, expected):
  assert registry.choose_family(model, architecture, flags,
                                kind='images').name == expected


@pytest.mark.parametrize('model, architecture, flags, message', [
    (None, 'gated', ['--mix'], '--mix is not an option of the categorical '
                               'model, chosen by --arch gated'),
    (None, None, ['--levels', '--resnet'], '--resnet is an option of '
                                           'pixelcnn'),
    ('pixelcnn', 'gated', [], 'not an architecture of the pixelcnn model'),
    (None, None, ['--mix', '--blocks'], 'several models'),
    ('gan', None, [], 'registered models'),
    (None, 'row-lstm', ['--blocks'], '--blocks is not an option of the '
                                     'pixelrnn model'),
    ('categorical', 'diagonal-bilstm', [], 'not an architecture of the '
                                           'categorical model'),
    (None, None, ['--layers', '--blocks'], 'several models'),
])
def test_choose_family_refuses_in_one_line(model, architecture, flags,
                                           message):
  with pytest.raises(ValueError, match=message) as error:
    registry.choose_family(model, architecture, flags, kind='images')
  assert '\n' not in str(error.value)


def test_train_help_lists_every_image_model(cli):
  output = cli(['train', '--help']).output
  for family in registry.families_of_kind('images'):
    assert family.name in output
    for option in family.options:
      assert option.flag in output
  assert 'text' not in [f.name for f in registry.families_of_kind('images')]


def test_every_family_names_a_kind_of_data_the_engine_has():
  from tfp_pixel.engine import kinds  # pylint: disable=g-import-not-at-top
  for family in registry.families():
    kind = kinds.kind_named(family.kind)
    assert family in registry.families_of_kind(kind.NAME)
  assert {f.kind for f in registry.families()} == {'images', 'texts',
                                                  'autoencoder'}
  with pytest.raises(ValueError, match='No kind of data'):
    kinds.kind_named('sounds')


def test_the_text_family_has_no_image_keys():
  config = configs.make_config('text', max_length=3, units=4)
  assert set(config) == {'model'} | set(registry.family('text').defaults)
  assert configs.complete_config(json.loads(json.dumps(config))) == config
  with pytest.raises(ValueError, match='does not read images'):
    configs.make_config('text', (2, 2, 1))


def test_the_registry_and_the_package_load_no_tensorflow():
  code = ('import sys, tfp_pixel; from tfp_pixel.families import registry; '
          'registry.families(); print("tensorflow" in sys.modules)')
  output = subprocess.run([sys.executable, '-c', code], capture_output=True,
                          text=True, check=True).stdout
  assert output.strip() == 'False'


# The defaults a family sets apart from its model's constructor (each says
# why beside it).
_OWN_DEFAULTS = {'pixelcnn': {'num_resnet', 'num_hierarchies', 'num_filters',
                              'num_logistic_mix', 'dropout_p'},
                 'text': {'vocabulary_size', 'max_length'}}


def test_families_read_defaults_and_allowed_values_from_their_models():
  import inspect  # pylint: disable=g-import-not-at-top
  import tfp_pixel  # pylint: disable=g-import-not-at-top
  from tfp_pixel.distributions import categorical_pixel_cnn  # pylint: disable=g-import-not-at-top
  from tfp_pixel.distributions import pixel_rnn  # pylint: disable=g-import-not-at-top
  from tfp_pixel.networks import sequence_network  # pylint: disable=g-import-not-at-top
  models = {'categorical': tfp_pixel.CategoricalPixelCNN,
            'pixelcnn': tfp_pixel.PixelCNN, 'pixelrnn': tfp_pixel.PixelRNN,
            'pixelsnail': tfp_pixel.PixelSNAIL, 'text': tfp_pixel.SequenceRNN,
            'vqvae': tfp_pixel.VQVAE}
  assert set(models) == set(registry.family_names())
  for name, model in models.items():
    family = registry.family(name)
    parameters = inspect.signature(model).parameters
    for key, value in family.defaults.items():
      if key in _OWN_DEFAULTS.get(name, ()):
        assert value != parameters[key].default, (name, key)
      else:
        default = parameters[key].default
        assert value == (list(default) if isinstance(default, tuple)
                         else default), (name, key)
  assert set(registry.family('categorical').architectures.values()) == set(
      categorical_pixel_cnn.ARCHITECTURES)
  assert set(registry.family('pixelrnn').architectures.values()) == set(
      pixel_rnn.ARCHITECTURES)
  assert registry.family('text').option('--cell').choices == (
      sequence_network.CELLS)
