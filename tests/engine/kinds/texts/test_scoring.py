"""Scoring documents under a `SequenceRNN`."""

import math

import numpy as np
import pytest
import tensorflow as tf

import tfp_pixel
from tfp_pixel.engine.kinds.texts import scoring
from tfp_pixel.text import tokenizer as tokenizer_lib

TEXTS = ['the cat sat .', 'a dog ran far , far away from the cat', 'the zebra']


@pytest.fixture(scope='module')
def model():
  tokenizer = tokenizer_lib.Tokenizer.fit(TEXTS[:2], vocabulary_size=20)
  tf.random.set_seed(1)
  dist = tfp_pixel.SequenceRNN(tokenizer.vocabulary_size, 4, embedding_dim=3,
                               units=4, allow_unknown=True)
  return dist, tokenizer


def test_a_document_is_scored_whole_whatever_its_batch(model):
  dist, tokenizer = model
  batched = scoring.score_documents(dist, tokenizer, TEXTS)
  alone = [scoring.score_documents(dist, tokenizer, [text])[0]
           for text in TEXTS]
  np.testing.assert_allclose([s.nll for s in batched],
                             [s.nll for s in alone], rtol=1e-5)
  # Longer than the model's max_length (4): the whole text, not a prefix.
  ids = tokenizer.encode(TEXTS[1]) + [tokenizer.end_token]
  whole = dist.copy(max_length=len(ids)).log_prob(ids)
  np.testing.assert_allclose(batched[1].nll, -whole.numpy(), rtol=1e-5)
  assert batched[1].tokens == len(ids) > dist.max_length


def test_perplexity_bits_per_character_and_unknown_words(model):
  dist, tokenizer = model
  scores = scoring.score_documents(dist, tokenizer, TEXTS,
                                   names=['a', 'b', 'c'])
  for score, text in zip(scores, TEXTS):
    assert score.characters == len(text)
    np.testing.assert_allclose(score.perplexity,
                               math.exp(score.nll / score.tokens))
    np.testing.assert_allclose(score.bits_per_character,
                               score.nll / len(text) / math.log(2))
  assert [s.document for s in scores] == ['a', 'b', 'c']
  assert scores[2].unknown_tokens == 1 and scores[0].unknown_tokens == 0
  mean = scoring.mean_score(scores)
  np.testing.assert_allclose(mean.nll, np.mean([s.nll for s in scores]))
  np.testing.assert_allclose(
      mean.perplexity,
      math.exp(sum(s.nll for s in scores) / sum(s.tokens for s in scores)))


def _long_text(words=60):
  return ' '.join(['the cat sat , a dog ran far away'] * (words // 10)) + ' .'


def test_a_long_document_scored_in_chunks_equals_it_scored_whole(
    model, monkeypatch):
  dist, tokenizer = model
  text = _long_text()
  ids = tokenizer.encode(text) + [tokenizer.end_token]
  whole = -dist.copy(max_length=len(ids)).log_prob(ids).numpy()
  # Chunks of 3 tokens: the document is more than 15 of them.
  monkeypatch.setattr(scoring, 'MAX_LOGITS', 3 * dist.vocabulary_size)
  chunked = scoring.score_documents(dist, tokenizer, [text, TEXTS[0]])
  assert len(ids) > 15 * 3
  np.testing.assert_allclose(chunked[0].nll, whole, rtol=1e-5)
  np.testing.assert_allclose(
      chunked[1].nll, scoring.score_documents(dist, tokenizer,
                                              TEXTS[:1])[0].nll, rtol=1e-5)


def test_no_logits_of_more_than_the_bound_whatever_the_length(model,
                                                              monkeypatch):
  dist, tokenizer = model
  from tfp_pixel.networks import sequence_network  # pylint: disable=g-import-not-at-top
  sizes = []
  logits = sequence_network.SequenceNetwork.logits

  def recorded(self, outputs, *args, **kwargs):
    result = logits(self, outputs, *args, **kwargs)
    sizes.append(int(tf.size(result)))
    return result

  monkeypatch.setattr(sequence_network.SequenceNetwork, 'logits', recorded)
  monkeypatch.setattr(scoring, 'MAX_LOGITS', 4 * dist.vocabulary_size)
  monkeypatch.setattr(scoring, 'MAX_BATCH_TOKENS', 100)
  texts = [_long_text(200), _long_text(20)] + TEXTS * 3
  scores = scoring.score_documents(dist, tokenizer, texts, batch_size=64)
  assert scores[0].tokens > 150
  assert 0 < max(sizes) <= 4 * dist.vocabulary_size
