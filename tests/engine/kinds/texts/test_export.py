"""The SavedModel of a text model and its tokenizer, served by TensorFlow
alone (`tests.served_exports`)."""

import json
import math
import os
import shutil

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_probability as tfp

import tfp_pixel
from tests import served_exports
from tfp_pixel.engine import exports
from tfp_pixel.engine.kinds import texts
from tfp_pixel.engine.kinds.texts import export
from tfp_pixel.engine.kinds.texts import generation
from tfp_pixel.engine.kinds.texts import runs
from tfp_pixel.engine.kinds.texts import scoring
from tfp_pixel.text import tokenizer as tokenizer_lib

tfd = tfp.distributions

_OLD_TEXT_RUN = os.path.join(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))), 'old_runs', 'text')

CORPUS = ["The cat sat on the mat. The dog's bone!", "Don't stop (now), "
          "L'ÉCOLE; Straße: a [red] {white} cat?", 'a dog ate the bone ... ok']
# Tokens that the tokenizer never makes but a vocabulary may hold: the
# vocabulary file must keep them exact.
ODD_TOKENS = ['\r', '\n', 'a b', ':', ':Og', '==', '\x00']
TRICKY = [
    'The cat sat.', '', '   ', "don't  STOP\n\tnow", 'L\'École  (Straße)',
    'ΟΔΟΣ\u3000ÉCOLE\xa0über\x1cend', 'zebra x ,y', '  lead and trail  ',
    'a\x00B c', '(a) [b] {c} ... !?', 'İ', "the dog ' s bone",
    'the cat sat on the mat and the dog ate the bone . ' * 3]
SEED = (3, 4)
TEMPERATURE = .7
PROMPTS = ('', 'The zebra cat')


def _model(level):
  tokenizer = tokenizer_lib.Tokenizer.fit(CORPUS, vocabulary_size=60,
                                          level=level)
  tokenizer = tokenizer_lib.Tokenizer(tokenizer.vocabulary + [
      token for token in ODD_TOKENS if token not in tokenizer.vocabulary],
                                      level)
  tf.random.set_seed(1)
  dist = tfp_pixel.SequenceRNN(tokenizer.vocabulary_size, 6, embedding_dim=3,
                               units=4, allow_unknown=True)
  return dist, tokenizer


def _calls():
  calls = [('serving_default', {'texts': np.array(TRICKY, object)})]
  for prompt in PROMPTS:
    calls.append(('sample', {'num_samples': np.int32(4),
                             'seed': np.array(SEED, np.int32),
                             'temperature': np.float32(TEMPERATURE),
                             'prompt': np.array(prompt, object)}))
  return calls


def _texts(values):
  return [value.decode('utf-8') for value in values]


@pytest.fixture(scope='module', params=[
    'run', pytest.param('char', marks=pytest.mark.slow)])
def served(request, tmp_path_factory):
  """A model, its tokenizer, its export's folder and what the export serves:
  a trained run of words (`exports.export_run`), and a live model of
  characters (`tfp_pixel.export`, through every kind's `export_module`)."""
  folder = tmp_path_factory.mktemp('text-export-' + request.param)
  target = folder / 'model'
  if request.param == 'run':
    run_dir = shutil.copytree(_OLD_TEXT_RUN, folder / 'run')
    exports.export_run(run_dir, target, which='last')
    dist, tokenizer = runs.load_text_model(run_dir, 'last')
  else:
    dist, tokenizer = _model(request.param)
    tfp_pixel.export(dist, target, tokenizer=tokenizer)
  results, signatures = served_exports.serve(target, _calls(), folder)
  return dist, tokenizer, target, results, signatures


def test_log_prob_is_the_live_model_s_and_the_score_command_s(served):
  dist, tokenizer, _, results, signatures = served
  assert signatures == ['log_prob', 'sample', 'serving_default']
  served_log_prob = results[0]
  ids = [tokenizer.encode(text) + [tokenizer.end_token] for text in TRICKY]
  np.testing.assert_array_equal(served_log_prob['num_tokens'],
                                [len(i) for i in ids])
  scores = scoring.score_documents(dist, tokenizer, TRICKY)
  np.testing.assert_allclose(served_log_prob['log_prob'],
                             [-score.nll for score in scores], rtol=1e-5)
  np.testing.assert_allclose(
      served_log_prob['bits_per_token'],
      [score.nll / (score.tokens * math.log(2)) for score in scores],
      rtol=1e-5)
  # The texts that fit the model's events: `dist.log_prob` of their ids.
  fits = [i for i, row in enumerate(ids) if len(row) <= dist.max_length]
  assert 3 < len(fits) < len(TRICKY)
  events = tokenizer.encode_batch([TRICKY[i] for i in fits], dist.max_length)
  np.testing.assert_allclose(served_log_prob['log_prob'][fits],
                             dist.log_prob(events), rtol=1e-5)


def test_samples_are_the_live_model_s_for_the_seed(served):
  dist, tokenizer, _, results, _ = served
  for prompt, drawn in zip(PROMPTS, results[1:]):
    live = generation.generate(dist, tokenizer, prompt or None,
                               num_samples=4, temperature=TEMPERATURE,
                               seed=SEED)
    assert _texts(drawn['texts']) == live
    if prompt:
      assert all(text.startswith(tokenizer.decode(tokenizer.encode(prompt)))
                 for text in live)


@pytest.mark.parametrize('level', ['word', 'char'])
def test_tokens_are_the_tokenizer_s_both_ways(level):
  dist, tokenizer = _model(level)
  module = export.TextExport(dist, tokenizer, export.model_config(dist))
  assert module.split(tf.constant(TRICKY)).to_list() == [
      [token.encode('utf-8') for token in tokenizer.split(text)]
      for text in TRICKY]
  assert module.encode(tf.constant(TRICKY)).to_list() == [
      tokenizer.encode(text) for text in TRICKY]
  rows = np.concatenate([
      np.random.RandomState(0).randint(tokenizer.vocabulary_size,
                                       size=(200, 40)),
      tokenizer.encode_batch(TRICKY, 40)]).astype(np.int32)
  assert _texts(module.decode(rows).numpy()) == [
      tokenizer.decode(row) for row in rows]


def test_the_export_says_what_it_holds(served):
  dist, tokenizer, target, _, _ = served
  with open(os.path.join(target, exports.METADATA), encoding='utf-8') as f:
    metadata = json.load(f)
  assert metadata['config']['units'] == dist.network.units
  assert metadata['config']['tokenizer'] == {
      'level': tokenizer.level, 'vocabulary_size': tokenizer.vocabulary_size}
  assert metadata['signatures'] == ['log_prob', 'sample', 'serving_default']
  with open(os.path.join(target, 'assets', export.VOCABULARY_FILE),
            encoding='ascii') as f:
    assert len(f.read().splitlines()) == tokenizer.vocabulary_size


def test_a_sequence_rnn_needs_its_tokenizer():
  dist, tokenizer = _model('word')
  with pytest.raises(ValueError, match='^A SequenceRNN is exported with its '
                     'tokenizer: pass tokenizer=[^\n]*export its run.$'):
    texts.export_module(dist)
  with pytest.raises(ValueError, match='^A SequenceRNN is exported with its '):
    tfp_pixel.export(dist, 'unused')
  assert texts.export_module(tfd.Normal(0., 1.), tokenizer=tokenizer) is None


@pytest.mark.parametrize('max_values,name,inputs,message', [
    (2, 'log_prob', dict(texts=['the cat'] * 3), 'at most 2 texts per call'),
    (2, 'log_prob', dict(texts=['the cat ' * 40]), 'bytes of text'),
    (2, 'log_prob', dict(texts=['.' * 100, 'a']), 'tokens padded'),
    (2, 'sample', dict(num_samples=1, prompt=''), 'more texts than'),
    (None, 'sample', dict(num_samples=1, prompt='zebra quagga'),
     'no word of the prompt'),
    (None, 'sample', dict(num_samples=1, prompt='', temperature=0.),
     'must be positive'),
    (None, 'log_prob', dict(texts=[b'\xff']), 'must be UTF-8')])
def test_requests_beyond_the_bound_or_bad_are_refused(monkeypatch, max_values,
                                                      name, inputs, message):
  dist, tokenizer = _model('word')
  if max_values:
    # Room for `max_values` texts (each position's activations and logits).
    per_position = dist.vocabulary_size + 3 + 6 * 4
    monkeypatch.setattr(export, 'MAX_VALUES', max_values * per_position + 1)
  module = export.TextExport(dist, tokenizer, export.model_config(dist))
  if name == 'sample':
    inputs = dict(dict(seed=[1, 2], temperature=1.), **inputs)
  with pytest.raises(tf.errors.InvalidArgumentError, match=message):
    getattr(module, name)(**inputs)
