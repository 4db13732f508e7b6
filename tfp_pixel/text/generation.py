"""Text from a trained `SequenceRNN`: prompts in, continuations out."""

import numpy as np

__all__ = ['generate']


def generate(dist, tokenizer, prompt=None, num_samples=1, temperature=1.,
             max_tokens=None, seed=0):
  """Draws texts, each continuing `prompt`.

  Args:
    dist: a `SequenceRNN` over the ids of `tokenizer` (its weights are used;
      prompt, temperature and length are set here).
    tokenizer: a `tfp_pixel.text.Tokenizer`.
    prompt: optional `str` the texts start with.
    num_samples: Python `int`, texts drawn.
    temperature: positive Python `float`.
    max_tokens: Python `int`, most tokens drawn after the prompt;
      `dist.max_length` by default.
    seed: Python `int` (the stateless seed `(seed, 0)`: the same texts on
      every call) or a stateless `(a, b)` seed.

  Returns:
    texts: `list` of `str`, the prompt (as tokenized: lowercase for words)
      followed by each continuation, up to its end token.

  Raises:
    TextDataError: if the prompt is empty or has no word of the vocabulary.
    ValueError: if `temperature` or `max_tokens` is not positive.
  """
  if not temperature > 0:
    raise ValueError('`temperature` must be positive, got {}.'.format(
        temperature))
  max_tokens = dist.max_length if max_tokens is None else max_tokens
  prompt_ids = [] if prompt is None else tokenizer.encode_prompt(prompt)
  sampler = dist.copy(max_length=max_tokens, temperature=float(temperature),
                      prompt=np.array(prompt_ids, np.int32),
                      allow_unknown=False)
  if isinstance(seed, (int, np.integer)):
    seed = (int(seed), 0)
  samples = sampler.sample(num_samples, seed=seed).numpy()
  return [tokenizer.decode(prompt_ids + list(row)) for row in samples]
