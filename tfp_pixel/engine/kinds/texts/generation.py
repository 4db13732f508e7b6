"""Text from a trained `SequenceRNN`: prompts in, continuations out.

Texts are drawn in batches whose size keeps what a batch holds (its tokens,
the logits of a step, the prompt's outputs) under `MAX_BATCH_ELEMENTS`
numbers, and handed out batch by batch (`draw_texts`), so that memory does
not grow with the number of texts asked for; a text, and a prompt, have at
most `MAX_TOKENS` tokens. This module loads TensorFlow only to draw, so that
the command line can read its bounds.
"""

import numpy as np

from tfp_pixel.distributions import temperature as temperature_lib

__all__ = ['MAX_BATCH_ELEMENTS', 'MAX_TOKENS', 'draw_texts', 'generate',
           'values_per_text']

MAX_TOKENS = 1000000
MAX_BATCH_ELEMENTS = 2**22


def generate(dist, tokenizer, prompt=None, num_samples=1, temperature=1.,
             max_tokens=None, seed=0):
  """Draws texts, each continuing `prompt`.

  Args:
    dist: a `SequenceRNN` over the ids of `tokenizer` (its weights are used;
      prompt, temperature and length are set here).
    tokenizer: a `tfp_pixel.text.Tokenizer`.
    prompt: optional `str` the texts start with.
    num_samples: Python `int`, texts drawn.
    temperature: positive, finite Python `float`.
    max_tokens: Python `int` in `[1, MAX_TOKENS]`, most tokens drawn after
      the prompt; `dist.max_length` by default.
    seed: Python `int` (the stateless seed `(seed, 0)`: the same texts on
      every call) or a stateless `(a, b)` seed.

  Returns:
    texts: `list` of `str`, the prompt (as tokenized: lowercase for words)
      followed by each continuation, up to its end token.

  Raises:
    TextDataError: if the prompt is empty or has no word of the vocabulary.
    ValueError: if `temperature` is not positive and finite, `num_samples`
      or `max_tokens` is not positive, or `max_tokens` or the prompt has more
      than `MAX_TOKENS` tokens.
  """
  return list(draw_texts(dist, tokenizer, prompt, num_samples, temperature,
                         max_tokens, seed))


def draw_texts(dist, tokenizer, prompt=None, num_samples=1, temperature=1.,
               max_tokens=None, seed=0):
  """The texts of `generate`, drawn and handed out batch by batch.

  The arguments are checked and the prompt encoded at the call; the texts
  come from the iterator returned. The first batch is drawn with `seed`
  itself: a few texts are those that `dist.copy(...).sample(num_samples,
  seed)` draws.

  Returns:
    texts: an iterator of `num_samples` `str`.

  Raises:
    TextDataError, ValueError: as `generate`, before any text is drawn.
  """
  temperature = temperature_lib.check_temperature(temperature)
  if num_samples < 1:
    raise ValueError('`num_samples` must be positive, got {}.'.format(
        num_samples))
  max_tokens = dist.max_length if max_tokens is None else max_tokens
  if not 1 <= max_tokens <= MAX_TOKENS:
    raise ValueError('`max_tokens` must be in [1, {}], got {}.'.format(
        MAX_TOKENS, max_tokens))
  prompt_ids = [] if prompt is None else tokenizer.encode_prompt(prompt)
  if len(prompt_ids) > MAX_TOKENS:
    raise ValueError('The prompt has {} tokens, more than {}.'.format(
        len(prompt_ids), MAX_TOKENS))
  sampler = dist.copy(max_length=max_tokens, temperature=temperature,
                      prompt=np.array(prompt_ids, np.int32),
                      allow_unknown=False)
  if isinstance(seed, (int, np.integer)):
    seed = (int(seed), 0)
  per_text = values_per_text(dist.network, len(prompt_ids), max_tokens)
  batch_size = max(1, min(num_samples, MAX_BATCH_ELEMENTS // per_text))
  return _texts(sampler, tokenizer, prompt_ids, num_samples, batch_size,
                seed)


def values_per_text(network, prompt_length, max_tokens):
  """What one text holds while it is drawn, in values: the outputs of every
  layer over the prompt, its tokens, a step's logits (Python `int`s, or
  int32 `Tensor`s in a graph)."""
  return ((1 + prompt_length) * (
      network.embedding_dim + 6 * network.units * network.num_layers) +
          2 * max_tokens + 3 * network.vocabulary_size)


def _texts(sampler, tokenizer, prompt_ids, num_samples, batch_size, seed):
  import tensorflow_probability as tfp  # pylint: disable=g-import-not-at-top
  for index, start in enumerate(range(0, num_samples, batch_size)):
    batch_seed = seed if index == 0 else tfp.random.split_seed(
        seed, salt='draw_texts batch {}'.format(index))[0]
    samples = sampler.sample(min(batch_size, num_samples - start),
                             seed=batch_seed).numpy()
    for row in samples:
      yield tokenizer.decode(prompt_ids + list(row))
