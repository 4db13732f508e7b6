"""How the engine feeds, measures and shows the text model (`SequenceRNN`).

`TextTask` is the text side of a training run, with the methods of
`kinds.images.task.ImageTask` that `training.train` uses: batches of int32 token
events `[batch, max_length]` (`tfp_pixel.text.Tokenizer.encode_batch`), each
text's negative log-likelihood in nats, the dimensions it is spread over (its
tokens and its end token, so that bits per dimension are bits per token), and
the per-epoch samples: `samples/epoch-EEE.txt`, one text per line, decoded by
the run's tokenizer, `tokenizer.json` beside `config.json`.
"""

import os

import numpy as np
import tensorflow as tf

from tfp_pixel.engine import files
from tfp_pixel.engine.kinds.texts import generation
from tfp_pixel.engine.kinds.texts import runs
from tfp_pixel.text import tokenizer as tokenizer_lib

__all__ = ['MAX_EPOCH_SAMPLE_TOKENS', 'TextTask']

# Tokens of the texts drawn after each epoch, held and written at once.
MAX_EPOCH_SAMPLE_TOKENS = 2**22


class TextTask(object):
  """The text side of a training run, for the model `config` describes."""

  # Reported and trained on the same tokens: records hold one figure.
  has_levels = False

  def __init__(self, config):
    self._max_length = config['max_length']
    self._vocabulary_size = config['vocabulary_size']
    # The tokenizer's ids (and `SequenceRNN`'s defaults).
    self._padding_token = tokenizer_lib.SPECIAL_TOKENS.index(
        tokenizer_lib.PADDING)

  def dataset(self, data, batch_size, shuffle_seed=None):
    """A `tf.data.Dataset` of int32 `[batch, max_length]` event batches.

    Args:
      data: int events `[N, max_length]`, or a `tf.data.Dataset` of batches.
      batch_size: Python `int`, for arrays.
      shuffle_seed: Python `int` to shuffle arrays every epoch, or `None`.

    Raises:
      ValueError: one line, if the data do not fit the model.
    """
    if isinstance(data, tf.data.Dataset):
      return data
    events = np.asarray(data)
    if events.ndim != 2 or events.shape[1] != self._max_length:
      raise ValueError('Text events must have shape [N, {}], got {}.'.format(
          self._max_length, list(events.shape)))
    if len(events) == 0:
      raise ValueError('No texts to train on.')
    if events.min() < 0 or events.max() >= self._vocabulary_size:
      raise ValueError('A token of the texts is not in [0, {}).'.format(
          self._vocabulary_size))
    dataset = tf.data.Dataset.from_tensor_slices(events.astype(np.int32))
    if shuffle_seed is not None:
      dataset = dataset.shuffle(len(events), seed=shuffle_seed,
                                reshuffle_each_iteration=True)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)

  def batch_size_of(self, batch):
    """The number of texts in `batch`, an int32 scalar `Tensor`."""
    return tf.shape(batch)[0]

  def dims_of(self, batch):
    """The tokens the NLL of `batch` is spread over (all but padding)."""
    return tf.reduce_sum(tf.cast(
        tf.not_equal(batch, self._padding_token), tf.int32))

  def initialize(self, dist, batch):
    """Runs the model once on real data."""
    dist.log_prob(batch)

  def nll(self, dist, batch, training=False):
    """Per-text negative log-likelihoods of a batch, in nats: the reported
    and the trained figure, which are the same for text."""
    nll = -dist.log_prob(batch, training=training)
    return nll, nll

  def penalty(self, dist):
    """What the training loss adds to the mean NLL of a batch: nothing."""
    del dist
    return 0.

  def epoch_metrics(self, dist):
    """What the epoch's metrics record adds beyond the NLLs: nothing."""
    del dist
    return {}

  def check_samples(self, num_samples, scale=None):
    """Checks, before training, that each epoch's `num_samples` texts (of
    up to `max_length` tokens, written in one file) stay within
    `MAX_EPOCH_SAMPLE_TOKENS`; raises a one-line `ValueError`."""
    del scale
    if num_samples * self._max_length > MAX_EPOCH_SAMPLE_TOKENS:
      raise ValueError(
          '{} sample texts of up to {} tokens each epoch are more than the '
          '{} tokens an epoch\'s samples may hold: lower --num-samples.'.format(
              num_samples, self._max_length, MAX_EPOCH_SAMPLE_TOKENS))

  def write_samples(self, dist, num_samples, seed, paths, epoch, scale=None):
    """Writes the epoch's samples, `samples/epoch-EEE.txt` (one text per
    line), and a TensorBoard text summary (to the default writer); `scale`,
    the pixel size of image grids, has no use here."""
    del scale
    tokenizer = runs.load_tokenizer(paths.root, self._vocabulary_size)
    texts = generation.generate(dist, tokenizer,
                                num_samples=num_samples, seed=seed)
    files.write_text(
        os.path.join(paths.samples, 'epoch-{:03d}.txt'.format(epoch)),
        ''.join(text + '\n' for text in texts))
    tf.summary.text('samples', '\n\n'.join(texts), step=epoch)
