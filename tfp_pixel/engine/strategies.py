"""The `tf.distribute` strategy a training run uses.

`make_strategy` must run before any other TensorFlow work of the process when
it makes the multi-worker strategy: TensorFlow configures collective ops and
the cluster's coordination service when the eager context starts, and refuses
afterwards ("Collective ops must be configured at program startup").
`tfp_pixel.train` and `tfp-pixel train` make it first thing; a program that
builds its own `tf.data` pipelines for `tfp_pixel.train` makes it before them
and passes it on (see `tfp_pixel.engine.cluster`).
"""

import signal

import tensorflow as tf

from tfp_pixel.engine import cluster
from tfp_pixel.engine import cluster_start
from tfp_pixel.engine import stopping

__all__ = ['STRATEGIES', 'make_strategy']

STRATEGIES = ('default', 'mirrored', 'multiworker')


def make_strategy(strategy=None, startup_timeout=None):
  """Returns the `tf.distribute.Strategy` named by `strategy`.

  Args:
    strategy: `None` (mirrored over all GPUs when there are several, else the
      default), `'default'`, `'mirrored'` (all GPUs, else all logical CPUs),
      `'multiworker'` (`MultiWorkerMirroredStrategy` over the cluster that
      the `TF_CONFIG` environment variable describes; without it, this
      process alone), or a `tf.distribute.Strategy`.
    startup_timeout: Python `float`, seconds a worker waits for every worker
      of the cluster to start (`'multiworker'` only); `None` for
      `cluster_start.startup_timeout()` (the `TFP_PIXEL_STARTUP_TIMEOUT`
      environment variable, else 5 minutes).

  Returns:
    strategy: `tf.distribute.Strategy`.

  Raises:
    ValueError: for an unknown name, an invalid `TF_CONFIG` (see
      `cluster_start.resolve`) or start-up limit, or `'multiworker'` after
      TensorFlow has started (one line that says what to do).
    ClusterError: if this worker's server cannot start (its port is taken)
      or not every worker started within `startup_timeout`.
  """
  if isinstance(strategy, tf.distribute.Strategy):
    return strategy
  if strategy not in (None,) + STRATEGIES:
    raise ValueError('`strategy` must be one of {}, got {!r}.'.format(
        ', '.join(STRATEGIES), strategy))
  # Physical devices: listing logical ones would start the eager context.
  gpus = tf.config.list_physical_devices('GPU')
  if strategy is None:
    strategy = 'mirrored' if len(gpus) > 1 else 'default'
  if strategy == 'default':
    return tf.distribute.get_strategy()
  if strategy == 'mirrored':
    devices = (tf.config.list_logical_devices('GPU') or
               tf.config.list_logical_devices('CPU'))
    return tf.distribute.MirroredStrategy([d.name for d in devices])
  if startup_timeout is None:
    startup_timeout = cluster_start.startup_timeout()
  elif not startup_timeout > 0:
    raise ValueError('`startup_timeout` must be positive, got {!r}.'.format(
        startup_timeout))
  return _multi_worker_strategy(startup_timeout)


def _multi_worker_strategy(startup_timeout):
  """`MultiWorkerMirroredStrategy` over `TF_CONFIG`'s cluster, made once
  every worker answers (within `startup_timeout`), keeping the process's
  SIGTERM handling."""
  resolver = cluster_start.resolve()
  cluster_start.configure(resolver, startup_timeout)
  if cluster.is_multi_worker(resolver):
    with stopping.stop_message(lambda name: (
        '{} stopped by {} while waiting for every worker of TF_CONFIG\'s '
        'cluster to start.'.format(cluster.task_name(resolver).capitalize(),
                                   name))):
      cluster_start.wait_for_workers(resolver, startup_timeout)
  sigterm = signal.getsignal(signal.SIGTERM)
  with cluster.lost_worker_errors(
      resolver, 'within {:g} s of the start'.format(startup_timeout),
      'start every worker of TF_CONFIG\'s cluster'):
    try:
      strategy = tf.distribute.MultiWorkerMirroredStrategy(
          cluster_resolver=resolver)
    except tf.errors.UnknownError as error:
      raise cluster_start.start_error(resolver, error) from None
  # TensorFlow's coordination agent catches SIGTERM for a preemption handler
  # we do not use, so that `kill PID` would leave the worker running.
  if sigterm is not None:
    try:
      signal.signal(signal.SIGTERM, sigterm)
    except ValueError:  # Not the main thread: leave the handlers as they are.
      pass
  return strategy
