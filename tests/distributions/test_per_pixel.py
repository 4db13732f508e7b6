"""`tfp_pixel.per_pixel_log_prob`: every image model's chain-rule terms, one
per channel, sum to its `log_prob`, given labels or maps, tempered or not.

The models are the tiny ones of `model_hooks`, on 2x2 images of one or three
channels, scored on events of sample shape `[2, 3]`.
"""

import functools
import itertools

import numpy as np
import pytest
import tensorflow as tf

import tfp_pixel
from tests import model_hooks

_FAMILIES = {
    'plain': model_hooks.CategoricalHooks,
    'gated': model_hooks.GatedHooks,
    'row_lstm': model_hooks.PixelRNNHooks,
    'diagonal_bilstm': model_hooks.DiagonalBiLSTMHooks,
    'snail_softmax': model_hooks.PixelSNAILHooks,
    'snail_mixture': model_hooks.PixelSNAILMixtureHooks,
    'pixel_cnn': model_hooks.PixelCNNHooks,
}
_CATEGORICAL = ('plain', 'gated', 'row_lstm', 'diagonal_bilstm',
                'snail_softmax')
_CONDITIONS = ('none', 'label', 'map')
# Building a `PixelCNN` takes about a second: three of its six cases run by
# default (RGB, RGB given labels, gray given maps).
_PIXEL_CNN_BY_DEFAULT = ((3, 'none'), (3, 'label'), (1, 'map'))
_SAMPLE_SHAPE = (2, 3)


def _shape(channels):
  return (2, 2, channels)


@functools.lru_cache(maxsize=None)
def _model(family, channels, condition='none', float64=False):
  """A tiny model of `family` (cached: building is the slow part)."""
  hooks = _FAMILIES[family]()
  shape = _shape(channels)
  kwargs = {'none': {}, 'label': {'num_classes': model_hooks.NUM_CLASSES},
            'map': {'conditional_shape': model_hooks.map_shape(shape)}}[
                condition]
  if float64:
    kwargs['dtype' if family == 'pixel_cnn' else 'float_dtype'] = tf.float64
  tf.random.set_seed(channels)
  return hooks.make_distribution(shape, **kwargs)


def _events(family, channels, sample_shape=_SAMPLE_SHAPE, seed=0):
  values = _FAMILIES[family]().channel_values()
  return np.random.RandomState(seed).choice(
      values, size=tuple(sample_shape) + _shape(channels))


def _condition(condition, channels):
  """Three labels or maps, broadcasting against the sample shape `[2, 3]`."""
  if condition == 'label':
    return model_hooks.one_hot(np.arange(3))
  if condition == 'map':
    return model_hooks.random_maps(_shape(channels), 3, seed=2)
  return None


def _cases():
  for family, channels, condition in itertools.product(
      _FAMILIES, (1, 3), _CONDITIONS):
    slow = (family == 'pixel_cnn' and
            (channels, condition) not in _PIXEL_CNN_BY_DEFAULT)
    yield pytest.param(family, channels, condition,
                       marks=[pytest.mark.slow] if slow else [],
                       id='{}-{}-{}'.format(family, channels, condition))


@pytest.mark.parametrize('family, channels, condition', list(_cases()))
def test_terms_sum_to_log_prob_tempered_or_not(family, channels, condition):
  dist = _model(family, channels, condition)
  events = _events(family, channels)
  given = _condition(condition, channels)
  for model in (dist, dist.copy(temperature=0.7)):
    terms = tfp_pixel.per_pixel_log_prob(model, events,
                                         conditional_input=given)
    assert terms.shape == _SAMPLE_SHAPE + _shape(channels)
    np.testing.assert_allclose(
        tf.reduce_sum(terms, axis=[-3, -2, -1]),
        model.log_prob(events, conditional_input=given), atol=1e-4)
    assert np.all(terms.numpy() <= 0.)


@pytest.mark.parametrize('family', [
    pytest.param(f, marks=[pytest.mark.slow] if f == 'pixel_cnn' else [])
    for f in _FAMILIES])
def test_terms_sum_to_log_prob_in_float64(family):
  dist = _model(family, 3, float64=True)
  events = _events(family, 3)
  terms = tfp_pixel.per_pixel_log_prob(dist, events)
  assert terms.dtype == tf.float64
  np.testing.assert_allclose(tf.reduce_sum(terms, axis=[-3, -2, -1]),
                             dist.log_prob(events), atol=1e-10)


@pytest.mark.parametrize('family', _FAMILIES)
def test_a_channel_term_is_its_conditional_given_the_past(family):
  # At the last pixel, the terms up to channel c sum to the log-probability
  # of the image with the later channels of that pixel summed out.
  dist = _model(family, 3)
  values = _FAMILIES[family]().channel_values()
  event = _events(family, 3, sample_shape=())
  terms = tfp_pixel.per_pixel_log_prob(dist, event).numpy()
  for c in (0, 1):
    completions = np.array(list(itertools.product(values, repeat=2 - c)))
    images = np.repeat(event[np.newaxis], len(completions), axis=0)
    images[:, -1, -1, c + 1:] = completions
    marginal = tf.reduce_logsumexp(
        tf.cast(dist.log_prob(images), tf.float64)).numpy()
    np.testing.assert_allclose(terms.reshape(-1)[:-2 + c].sum(), marginal,
                               atol=1e-4)


@pytest.mark.parametrize('family', _FAMILIES)
def test_changing_a_channel_changes_no_term_before_it(family):
  dist = _model(family, 3)
  values = _FAMILIES[family]().channel_values()
  event = _events(family, 3, sample_shape=())
  changed = event.copy()
  # Pixel (0, 1), channel 1: after pixel (0, 0) and channel 0 of (0, 1).
  changed[0, 1, 1] = values[(list(values).index(event[0, 1, 1]) + 1) %
                            len(values)]
  before = tfp_pixel.per_pixel_log_prob(dist, event).numpy().reshape(-1)
  after = tfp_pixel.per_pixel_log_prob(dist, changed).numpy().reshape(-1)
  position = np.ravel_multi_index((0, 1, 1), _shape(3))
  np.testing.assert_allclose(after[:position], before[:position], atol=1e-6)
  assert not np.allclose(after, before)


def test_a_non_image_model_is_a_value_error():
  dist = model_hooks.SequenceRNNHooks().make_distribution((3,))
  with pytest.raises(ValueError, match='image model, got SequenceRNN') as error:
    tfp_pixel.per_pixel_log_prob(dist, np.zeros((2, 3), np.int32))
  assert '\n' not in str(error.value)
