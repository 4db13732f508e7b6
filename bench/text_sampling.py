"""Benchmark: sampling text with `SequenceRNN` against the book's generator.

Prints one JSON object. Both sample from the same weights (the book's model:
embedding 100, LSTM 128, a softmax over 10,000 tokens; random weights, since
speed does not depend on them), `--sequences` texts of `--tokens` tokens:

* `ours_seconds`: `SequenceRNN.sample`, one cell step per token for all the
  texts at once, carrying the state (`tfp_pixel.sampling.sequence_sampler`); the
  fastest of `--repeats` calls after a first (tracing) one. With `--jit`, also
  the same call inside `tf.function(jit_compile=True)`.
* `book_seconds`: the book's `TextGenerator.generate` (Foster 2023, ch. 5):
  one text at a time, `model.predict` over the whole text so far for every
  new token, then a tempered draw in numpy. Its cost is the same for every
  text, so it is timed on `--book-sequences` texts and scaled to
  `--sequences` (`book_seconds_measured` is the time it took).
* `speedup`: `book_seconds / ours_seconds` (goal: at least 20).
* `recompute_batched_seconds`, `speedup_over_batched_recompute`: a stronger
  baseline than the book's, the same re-run of the model over the whole text
  for every token but for all the texts at once and with a direct call of a
  `tf.function` instead of `predict`: what is left is the algorithm, `T`
  passes over ever longer texts against `T` cell steps.

Every text runs the full `--tokens` in both (the book stops only at padding;
ours draws no padding and stops at the end token, whose probability under
random weights is about 1 in 10,000 per token).

Usage: `python bench/text_sampling.py [--sequences 16] [--tokens 200]
[--book-sequences 2] [--jit]`.
"""

import argparse
import json
import os
import sys
import time

import numpy as np

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('--sequences', type=int, default=16)
  parser.add_argument('--tokens', type=int, default=200)
  parser.add_argument('--book-sequences', type=int, default=2,
                      help='texts the book generator is timed on')
  parser.add_argument('--vocabulary', type=int, default=10000)
  parser.add_argument('--units', type=int, default=128)
  parser.add_argument('--embedding-dim', type=int, default=100)
  parser.add_argument('--temperature', type=float, default=1.)
  parser.add_argument('--repeats', type=int, default=3)
  parser.add_argument('--jit', action='store_true')
  args = parser.parse_args(argv)

  sys.path.insert(0, _REPO)
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  import tfp_pixel  # pylint: disable=g-import-not-at-top

  tf.random.set_seed(0)
  dist = tfp_pixel.SequenceRNN(args.vocabulary, args.tokens,
                               embedding_dim=args.embedding_dim,
                               units=args.units,
                               temperature=args.temperature)
  results = {'load_average_before': os.getloadavg(),
             'device': 'GPU' if tf.config.list_logical_devices('GPU') else
                       'CPU',
             'sequences': args.sequences, 'tokens': args.tokens,
             'vocabulary': args.vocabulary}

  def ours():
    return dist.sample(args.sequences, seed=(1, 2)).numpy()

  results['ours_first_call_seconds'], samples = _timed(ours)
  results['ours_seconds'] = min(_timed(ours)[0] for _ in range(args.repeats))
  results['ours_tokens_drawn'] = int(np.sum(samples != dist.padding_token))
  if args.jit:
    compiled = tf.function(
        lambda seed: dist.sample(args.sequences, seed=seed), jit_compile=True)
    seed = tf.constant([1, 2])
    results['ours_jit_first_call_seconds'] = _timed(
        lambda: compiled(seed).numpy())[0]
    results['ours_jit_seconds'] = min(
        _timed(lambda: compiled(seed).numpy())[0]
        for _ in range(args.repeats))

  generator = _BookGenerator(_book_model(dist.network), args.temperature)
  generator.generate([dist.end_token], 3)  # builds predict's function
  measured, texts = _timed(lambda: [
      generator.generate([dist.end_token], args.tokens + 1)
      for _ in range(args.book_sequences)])
  assert all(len(text) == args.tokens + 1 for text in texts)
  results['book_seconds_measured'] = measured
  results['book_seconds'] = measured * args.sequences / args.book_sequences
  results['speedup'] = results['book_seconds'] / results['ours_seconds']
  if args.jit:
    results['speedup_jit'] = (results['book_seconds'] /
                              results['ours_jit_seconds'])

  recompute = tf.function(
      lambda texts: _book_model(dist.network)(texts)[:, -1],
      reduce_retracing=True)

  def recompute_batched():
    texts = np.full((args.sequences, 1), dist.end_token, np.int32)
    random = np.random.RandomState(0)
    for _ in range(args.tokens):
      probs = recompute(texts).numpy().astype(np.float64)
      drawn = [random.choice(len(p), p=p / p.sum()) for p in probs]
      texts = np.concatenate([texts, np.array(drawn)[:, None]], axis=1)
    return texts

  recompute_batched()  # traces
  results['recompute_batched_seconds'] = _timed(recompute_batched)[0]
  results['speedup_over_batched_recompute'] = (
      results['recompute_batched_seconds'] / results['ours_seconds'])
  results['load_average_after'] = os.getloadavg()
  print(json.dumps(results, indent=2))
  return results


def _timed(function):
  start = time.perf_counter()
  value = function()
  return time.perf_counter() - start, value


def _book_model(network):
  """The book's Keras model, built from the layers (and weights) of
  `network`: embedding, LSTM over the whole text, softmax head."""
  import tf_keras  # pylint: disable=g-import-not-at-top
  inputs = tf_keras.Input(shape=(None,), dtype='int32')
  outputs = network.embedding(inputs)
  for layer in network.recurrent_layers:
    outputs = layer(outputs)[0]
  outputs = tf_keras.layers.Activation('softmax')(network.head(outputs))
  return tf_keras.Model(inputs, outputs)


class _BookGenerator:
  """The generation loop of the book's `TextGenerator` callback, on ids."""

  def __init__(self, model, temperature):
    self.model = model
    self.temperature = temperature
    self.random = np.random.RandomState(0)

  def sample_from(self, probs):
    probs = probs ** (1 / self.temperature)
    probs = probs / np.sum(probs)
    return self.random.choice(len(probs), p=probs)

  def generate(self, start_tokens, max_tokens):
    start_tokens = list(start_tokens)
    sample_token = None
    while len(start_tokens) < max_tokens and sample_token != 0:
      x = np.array([start_tokens])
      y = self.model.predict(x, verbose=0)
      sample_token = self.sample_from(y[0][-1].astype(np.float64))
      start_tokens.append(sample_token)
    return start_tokens


if __name__ == '__main__':
  main()
