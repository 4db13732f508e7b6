"""Benchmark: training tokens/s of `SequenceRNN` against the book's Keras fit.

Prints one JSON object. The same data (passages of the offline Bible as
`--length`-token events, a `--vocabulary`-token tokenizer), batch and sizes
(the book's: embedding 100, LSTM 128, a softmax over 10,000 tokens):

* `keras_fit`: the book's model (`Embedding`, `LSTM(return_sequences=True)`,
  `Dense(softmax)`) trained by `model.fit` with `SparseCategoricalCrossentropy`
  and Adam, on `(x[:, :-1], x[:, 1:])` of `--length + 1`-token texts, as in
  Foster 2023, ch. 5 (Keras as `tf.keras` gives it: Keras 3 here).
* `ours`: the training step of `tfp-pixel text train` (the engine's
  `train_step` with `kinds.texts.task.TextTask`: `-log_prob` of `--length`-token
  events of `SequenceRNN`, `tf_keras` Adam; `ours_jit`: XLA-compiled, with
  `--jit`). Both process `--length` positions per text, but `log_prob` runs
  the softmax only up to each text's end (padding after it costs nothing),
  while the book's model also learns to predict the padding:
  `padding_fraction` says how much of the data that is.
* `same_work`: our network and optimizer in a plain `tf.function` step with
  the softmax at every position, as the book's model computes it: the cost of
  the same work.

Each runs passes of `--steps` steps, `--repeats` passes after a first
(tracing) one, in alternating order over `--rounds` rounds; every step is
timed on its own (Keras: between `on_train_batch_end` callbacks; ours: until
the loss is read), and the median step counts, so that other processes on a
shared machine disturb the figures least (`fastest_step_seconds` is also
given). `tokens_per_second` counts positions (`batch * length`) per wall
second of the median step; `ratio_ours` is ours over Keras (goal: at least
0.95).

Usage: `python bench/text_training.py [--steps 5] [--rounds 2] [--jit]`.
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
  parser.add_argument('--steps', type=int, default=5,
                      help='steps per timed pass')
  parser.add_argument('--repeats', type=int, default=2,
                      help='timed passes per round')
  parser.add_argument('--rounds', type=int, default=2)
  parser.add_argument('--batch-size', type=int, default=32)
  parser.add_argument('--length', type=int, default=200)
  parser.add_argument('--vocabulary', type=int, default=10000)
  parser.add_argument('--units', type=int, default=128)
  parser.add_argument('--embedding-dim', type=int, default=100)
  parser.add_argument('--jit', action='store_true')
  args = parser.parse_args(argv)

  sys.path.insert(0, _REPO)
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  from tfp_pixel.text import offline_corpus  # pylint: disable=g-import-not-at-top
  from tfp_pixel.text import tokenizer as tokenizer_lib  # pylint: disable=g-import-not-at-top

  num_texts = args.steps * args.batch_size
  documents = offline_corpus.load_documents()
  tokenizer = tokenizer_lib.Tokenizer.fit(documents, args.vocabulary)
  texts = tokenizer.encode_batch(documents[:num_texts], args.length + 1)

  events = texts[:, :args.length]
  trainers = {'keras_fit': _keras_fit(args, texts),
              'ours': _ours(args, events, jit=False),
              'same_work': _ours(args, events, jit=False, same_work=True)}
  if args.jit:
    trainers['ours_jit'] = _ours(args, events, jit=True)
  results = {'load_average_before': os.getloadavg(),
             'device': 'GPU' if tf.config.list_logical_devices('GPU') else
                       'CPU',
             'batch_size': args.batch_size, 'length': args.length,
             'vocabulary': args.vocabulary, 'steps_per_pass': args.steps,
             'padding_fraction': float(np.mean(
                 events == tokenizer.padding_token))}
  for trainer in trainers.values():
    trainer()  # traces and compiles
  seconds = {name: [] for name in trainers}
  for round_index in range(args.rounds):
    order = list(trainers) if round_index % 2 == 0 else list(trainers)[::-1]
    for name in order:
      for _ in range(args.repeats):
        seconds[name].extend(trainers[name]())
  tokens_per_step = args.batch_size * args.length
  results['tokens_per_second'] = {
      name: tokens_per_step / float(np.median(times))
      for name, times in seconds.items()}
  results['median_step_seconds'] = {
      name: float(np.median(times)) for name, times in seconds.items()}
  results['fastest_step_seconds'] = {
      name: min(times) for name, times in seconds.items()}
  results['steps_timed'] = {name: len(times) for name, times in
                            seconds.items()}
  speeds = results['tokens_per_second']
  results['ratio_ours'] = speeds['ours'] / speeds['keras_fit']
  results['ratio_same_work'] = speeds['same_work'] / speeds['keras_fit']
  if args.jit:
    results['ratio_ours_jit'] = speeds['ours_jit'] / speeds['keras_fit']
  results['load_average_after'] = os.getloadavg()
  print(json.dumps(results, indent=2))
  return results


def _keras_fit(args, texts):
  """A pass of `model.fit` over the texts, with the book's model."""
  import keras  # pylint: disable=g-import-not-at-top
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  keras.utils.set_random_seed(0)
  inputs = keras.layers.Input(shape=(None,), dtype='int32')
  x = keras.layers.Embedding(args.vocabulary, args.embedding_dim)(inputs)
  x = keras.layers.LSTM(args.units, return_sequences=True)(x)
  outputs = keras.layers.Dense(args.vocabulary, activation='softmax')(x)
  model = keras.models.Model(inputs, outputs)
  model.compile('adam', keras.losses.SparseCategoricalCrossentropy())
  dataset = tf.data.Dataset.from_tensor_slices(
      (texts[:, :-1], texts[:, 1:])).batch(args.batch_size).cache()
  step_ends = []
  timer = keras.callbacks.LambdaCallback(
      on_train_batch_end=lambda *_, **__: step_ends.append(
          time.perf_counter()))

  def one_pass():
    del step_ends[:]
    start = time.perf_counter()
    model.fit(dataset, epochs=1, verbose=0, callbacks=[timer])
    return list(np.diff([start] + step_ends))

  return one_pass


def _ours(args, events, jit, same_work=False):
  """A pass of training steps over the events: the engine's step, or with
  `same_work` a plain step with the softmax at every position."""
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  import tf_keras  # pylint: disable=g-import-not-at-top
  from tfp_pixel.engine import configs  # pylint: disable=g-import-not-at-top
  from tfp_pixel.engine import kinds  # pylint: disable=g-import-not-at-top
  from tfp_pixel.engine import train_step as train_step_lib  # pylint: disable=g-import-not-at-top
  tf_keras.utils.set_random_seed(0)
  config = configs.make_config('text', vocabulary_size=args.vocabulary,
                               max_length=args.length,
                               embedding_dim=args.embedding_dim,
                               units=args.units)
  dist = configs.build_model(config)
  optimizer = tf_keras.optimizers.Adam()
  optimizer.build(dist.trainable_variables)

  @tf.function
  def same_work_step(batch):
    with tf.GradientTape() as tape:
      logits = dist.logits(batch, training=True)
      loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
          labels=batch, logits=logits))
    variables = dist.trainable_variables
    optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
    return loss

  train_step = same_work_step if same_work else train_step_lib.make_train_step(
      dist, optimizer, kinds.kind_of(config).make_task(config),
      tf.distribute.get_strategy(), jit)

  dataset = tf.data.Dataset.from_tensor_slices(events).batch(
      args.batch_size).cache()

  def one_pass():
    step_seconds = []
    for batch in dataset:
      start = time.perf_counter()
      np.asarray(train_step(batch))
      step_seconds.append(time.perf_counter() - start)
    return step_seconds

  return one_pass


if __name__ == '__main__':
  main()
