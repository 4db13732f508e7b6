"""Texts drawn from a `SequenceRNN` through its tokenizer."""

import pytest
import tensorflow as tf

import tfp_pixel
from tfp_pixel.text import errors
from tfp_pixel.text import generation
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
