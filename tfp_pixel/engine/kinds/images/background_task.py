"""How the engine feeds a background model: mutated images, an L2 penalty.

`BackgroundTask` is the `task.ImageTask` of a configuration with a
`background` entry (`background`): its batches are mutated
(`background.mutate`), and its training loss adds `l2` times the sum of
squares of the trainable variables (`penalty`). It measures, samples and
scores as any image task: the mutation is only in its datasets.

The training batches (`dataset` with a `shuffle_seed`, the run's seed) are
mutated afresh every epoch, batch by batch: each batch draws its stateless
seed from `tf.data.Dataset.random(shuffle_seed,
rerandomize_each_iteration=True)`, a sequence that a repeated dataset or a
new pass draws anew, and that the seed makes reproducible (a run resumed
with `--steps` skips to where it was, as `training._EpochBatches` does the
batches; one of full passes starts the sequence again, as its shuffling
does). The validation
batches (no `shuffle_seed`) are mutated the same way every epoch (batch `k`
with the seed `(VALIDATION_SEED, k)`), so that their figures compare across
epochs.
"""

import tensorflow as tf

from tfp_pixel.engine.kinds.images import background
from tfp_pixel.engine.kinds.images import task

__all__ = ['VALIDATION_SEED', 'BackgroundTask']

VALIDATION_SEED = 0


class BackgroundTask(task.ImageTask):
  """The image task of a background model, for the model `config` (which
  has a `background` entry) describes."""

  def __init__(self, config):
    super().__init__(config)
    self._background = background.check_background(config['background'])

  def dataset(self, data, batch_size, shuffle_seed=None):
    """`ImageTask.dataset`, each batch mutated (see the module docstring).

    Args:
      data: as `ImageTask.dataset`'s.
      batch_size: Python `int`, for arrays.
      shuffle_seed: Python `int`, for training data: arrays are shuffled
        and every batch is mutated afresh each epoch; `None` (validation
        data): the same mutation every epoch.

    Returns:
      dataset: the mutated batches of `ImageTask.dataset`.

    Raises:
      ValueError: one line, if the data does not fit the model.
    """
    batches = super().dataset(data, batch_size, shuffle_seed)
    if shuffle_seed is None:
      seeds = tf.data.Dataset.counter().map(
          lambda k: tf.stack([tf.constant(VALIDATION_SEED, tf.int64), k]))
    else:
      seeds = tf.data.Dataset.random(
          seed=shuffle_seed, rerandomize_each_iteration=True).batch(2)
    return tf.data.Dataset.zip((batches, seeds)).map(
        self._mutated).prefetch(tf.data.AUTOTUNE)

  def penalty(self, dist):
    """`l2` times the sum of squares of `dist`'s trainable variables, a
    float32 scalar (Python `0.` when `l2` is 0)."""
    l2 = self._background['l2']
    if not l2:
      return 0.
    return l2 * tf.add_n([tf.reduce_sum(tf.square(variable))
                          for variable in dist.trainable_variables])

  def _mutated(self, batch, seed):
    images, labels = task.images_and_labels(batch)
    images = background.mutate(images, self._background['mutation_rate'],
                               self._config['num_levels'], seed)
    return images if labels is None else (images, labels)
