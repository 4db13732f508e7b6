"""Texts drawn from a `SequenceRNN` through its tokenizer."""

import pytest
import tensorflow as tf

import tfp_pixel
from tfp_pixel.engine.kinds.texts import generation
from tfp_pixel.text import errors
from tfp_pixel.text import tokenizer as tokenizer_lib


@pytest.fixture(scope='module')
def model():
  tokenizer = tokenizer_lib.Tokenizer.fit(
      ['recipe for pasta | boil the pasta', 'recipe for soup | stir'], 20)
  tf.random.set_seed(2)
  dist = tfp_pixel.SequenceRNN(tokenizer.vocabulary_size, 6, embedding_dim=3,
                               units=4)
  return dist, tokenizer


def test_texts_continue_the_prompt_and_are_reproducible(model):
  dist, tokenizer = model
  texts = generation.generate(dist, tokenizer, prompt='Recipe for',
                              num_samples=4, max_tokens=5, seed=(1, 2))
  assert len(texts) == 4
  for text in texts:
    assert text.startswith('recipe for')
    assert '[UNK]' not in text
    assert len(tokenizer.split(text)) <= 2 + 5
  assert texts == generation.generate(dist, tokenizer, prompt='Recipe for',
                                      num_samples=4, max_tokens=5,
                                      seed=(1, 2))


def test_without_a_prompt(model):
  dist, tokenizer = model
  texts = generation.generate(dist, tokenizer, num_samples=3, seed=3)
  assert all(len(tokenizer.split(text)) <= dist.max_length for text in texts)


def test_bad_prompt_or_temperature(model):
  dist, tokenizer = model
  with pytest.raises(errors.TextDataError, match='no word of the prompt'):
    generation.generate(dist, tokenizer, prompt='zebra')
  with pytest.raises(ValueError, match='temperature'):
    generation.generate(dist, tokenizer, temperature=0.)


def test_texts_are_drawn_in_bounded_batches(model, monkeypatch):
  dist, tokenizer = model
  first = generation.generate(dist, tokenizer, prompt='Recipe for',
                              num_samples=2, max_tokens=5, seed=(1, 2))
  drawn = []
  sample_n = tfp_pixel.SequenceRNN._sample_n

  def recorded(self, n, seed=None):
    drawn.append(int(n))
    return sample_n(self, n, seed)

  monkeypatch.setattr(tfp_pixel.SequenceRNN, '_sample_n', recorded)
  monkeypatch.setattr(generation, 'MAX_BATCH_ELEMENTS', 400)
  texts = generation.draw_texts(dist, tokenizer, prompt='Recipe for',
                                num_samples=7, max_tokens=5, seed=(1, 2))
  assert not drawn  # Nothing drawn before the texts are asked for.
  texts = list(texts)
  # 400 numbers: three texts of this model and prompt at a time.
  assert len(texts) == 7 and drawn == [3, 3, 1]
  assert texts[:2] == first  # The first batch is drawn with the seed itself.
  assert len(set(texts)) > 2


@pytest.mark.parametrize('kwargs, message', [
    (dict(temperature=float('inf')), 'temperature'),
    (dict(temperature=float('nan')), 'temperature'),
    (dict(max_tokens=generation.MAX_TOKENS + 1), 'max_tokens'),
    (dict(num_samples=0), 'num_samples'),
    (dict(prompt='zebra'), 'no word of the prompt'),
])
def test_bad_arguments_are_refused_before_any_draw(model, kwargs, message):
  dist, tokenizer = model
  with pytest.raises(ValueError, match=message):
    generation.draw_texts(dist, tokenizer, **kwargs)


def test_a_prompt_longer_than_the_bound_is_refused(model, monkeypatch):
  dist, tokenizer = model
  monkeypatch.setattr(generation, 'MAX_TOKENS', 2)
  with pytest.raises(ValueError, match='The prompt has 3 tokens, more than 2'):
    generation.draw_texts(dist, tokenizer, prompt='recipe for pasta',
                          max_tokens=1)
