"""The `tf.distribute` strategy a training run uses."""

import tensorflow as tf

__all__ = ['STRATEGIES', 'make_strategy']

STRATEGIES = ('default', 'mirrored', 'multiworker')


def make_strategy(strategy=None):
  """Returns the `tf.distribute.Strategy` named by `strategy`.

  Args:
    strategy: `None` (mirrored over all GPUs when there are several, else the
      default), `'default'`, `'mirrored'` (all GPUs, else all logical CPUs),
      `'multiworker'` (`MultiWorkerMirroredStrategy`, configured by
      `TF_CONFIG`), or a `tf.distribute.Strategy`.

  Returns:
    strategy: `tf.distribute.Strategy`.

  Raises:
    ValueError: for an unknown name.
  """
  if isinstance(strategy, tf.distribute.Strategy):
    return strategy
  if strategy not in (None,) + STRATEGIES:
    raise ValueError('`strategy` must be one of {}, got {!r}.'.format(
        ', '.join(STRATEGIES), strategy))
  gpus = tf.config.list_logical_devices('GPU')
  if strategy is None:
    strategy = 'mirrored' if len(gpus) > 1 else 'default'
  if strategy == 'default':
    return tf.distribute.get_strategy()
  if strategy == 'mirrored':
    devices = gpus or tf.config.list_logical_devices('CPU')
    return tf.distribute.MirroredStrategy([d.name for d in devices])
  return tf.distribute.MultiWorkerMirroredStrategy()
