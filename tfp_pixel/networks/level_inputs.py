"""How a categorical network reads integer levels: scaled, or embedded.

Up to `EMBEDDING_THRESHOLD` levels a channel's level `l` of `K` enters the
network as one feature, `2 l / (K - 1) - 1` in `[-1, 1]`: neighbouring levels
are neighbouring intensities. Above it (the codes of a VQ-VAE, where level
`l` and `l + 1` need not be alike) each level is a learned vector of
`embedding_size` features. Either way the features of channel `c` form the
`c`-th contiguous block of the output, so that a masked layer with one group
per channel (`masks.channel_groups`) sees channel `c` in group `c`.
"""

import numpy as np
import tensorflow as tf

from tfp_pixel import quantization

__all__ = ['DEFAULT_EMBEDDING_SIZE', 'EMBEDDING_THRESHOLD', 'LevelInputs']

# Levels up to this many are scaled onto [-1, 1]; more are embedded.
EMBEDDING_THRESHOLD = 256
DEFAULT_EMBEDDING_SIZE = 32


class LevelInputs(tf.Module):
  """Maps levels `[..., C]` to network inputs `[..., C * features_per_channel]`.

  Attributes:
    num_levels: Python `int`, levels per channel.
    channels: Python `int`, colour channels.
    embedded: Python `bool`, whether levels are learned vectors
      (`num_levels > EMBEDDING_THRESHOLD`).
    features_per_channel: Python `int`: 1, or the embedding size.
    num_features: Python `int`, `channels * features_per_channel`.
  """

  def __init__(self, num_levels, channels, embedding_size=None,
               dtype=tf.float32, name=None):
    """Creates the embedding table when `num_levels > EMBEDDING_THRESHOLD`.

    Args:
      num_levels: Python `int`, levels per channel.
      channels: Python `int`, colour channels.
      embedding_size: Python `int`, features of each level's vector;
        `None` for `DEFAULT_EMBEDDING_SIZE`. Unused without an embedding.
      dtype: float `tf.DType` of the inputs.
      name: Python `str` name of the module.

    Raises:
      ValueError: if `embedding_size` is not a positive integer.
    """
    super().__init__(name=name)
    self.num_levels = quantization.check_num_levels(num_levels)
    self.channels = int(channels)
    self.embedded = self.num_levels > EMBEDDING_THRESHOLD
    self._dtype = tf.as_dtype(dtype)
    if not self.embedded:
      self.features_per_channel = 1
      return
    size = DEFAULT_EMBEDDING_SIZE if embedding_size is None else embedding_size
    if not isinstance(size, (int, np.integer)) or size < 1:
      raise ValueError('`embedding_size` must be a positive integer, got '
                       '{!r}.'.format(embedding_size))
    self.features_per_channel = int(size)
    # One table per channel: level `l` of red and of green are different
    # inputs. Uniform in [-1, 1], the range of the scaled inputs.
    self.embedding = tf.Variable(
        tf.random.uniform([self.channels, self.num_levels, size], -1., 1.,
                          dtype=self._dtype), name='embedding')

  @property
  def num_features(self):
    return self.channels * self.features_per_channel

  def __call__(self, levels):
    """Network inputs of integer `levels` `[..., channels]`.

    Returns:
      inputs: float `[..., channels * features_per_channel]`; channel `c`'s
        features are `[c * features_per_channel, (c + 1) *
        features_per_channel)`.
    """
    levels = tf.convert_to_tensor(levels)
    if not self.embedded:
      return quantization.levels_to_unit_interval(levels, self.num_levels,
                                                  dtype=self._dtype)
    levels = tf.clip_by_value(tf.cast(levels, tf.int32), 0,
                              self.num_levels - 1)
    # Channel c's level l is row c * K + l of the flattened tables.
    rows = levels + self.num_levels * tf.range(self.channels)
    vectors = tf.gather(tf.reshape(self.embedding,
                                   [-1, self.features_per_channel]), rows)
    return tf.reshape(vectors, tf.concat(
        [tf.shape(levels)[:-1], [self.num_features]], 0))
