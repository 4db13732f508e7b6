"""Multi-worker runs: who writes, what workers share, and lost workers.

Under `MultiWorkerMirroredStrategy` every worker runs the same training
program in lockstep. The chief (the `chief` task of `TF_CONFIG`, else worker 0)
writes the run directory; the other workers write nothing there. At the start
every worker takes the chief's state (`share_from_chief`: the weights,
optimizer state and counters it restored from its last checkpoint, or its
fresh initialization), so that a run resumes where the chief left off also
when the workers share no filesystem, and the workers check that they were
given the same run (`check_agreement`). A worker that dies or cannot be
reached is noticed by TensorFlow's coordination service (heartbeats, about ten
seconds); the others then stop with one `ClusterError` line
(`lost_worker_errors`) instead of waiting forever.
"""

import contextlib
import hashlib
import json
import re

import tensorflow as tf

from tfp_pixel.data import errors as data_errors
from tfp_pixel.engine import errors
from tfp_pixel.engine import run_lock

__all__ = [
    'STARTUP_TIMEOUT',
    'check_agreement',
    'configure',
    'fingerprint',
    'is_chief',
    'is_multi_worker',
    'lost_worker_errors',
    'resolve',
    'share_from_chief',
    'start_error',
    'task_name',
    'writer_lock',
]

STARTUP_TIMEOUT = 300.

_TOO_LATE = (
    'The multi-worker strategy must be made before TensorFlow runs anything '
    'in the process (TensorFlow configures collective ops at program '
    'startup): call tfp_pixel.engine.strategies.make_strategy("multiworker") '
    'first and pass it as `strategy`.')
_LOST = (tf.errors.UnavailableError, tf.errors.DeadlineExceededError,
         tf.errors.AbortedError, tf.errors.CancelledError)
_TASK = re.compile(r'/job:(chief|worker)(?:/replica:\d+)?/task:(\d+)')


def resolve():
  """The cluster the `TF_CONFIG` environment variable describes, checked.

  Returns:
    resolver: a `tf.distribute.cluster_resolver.TFConfigClusterResolver`
      (of no cluster without `TF_CONFIG`).

  Raises:
    ValueError: one line, if `TF_CONFIG` is not JSON or its task is not a
      chief or worker task of its cluster.
  """
  try:
    resolver = tf.distribute.cluster_resolver.TFConfigClusterResolver()
    spec = resolver.cluster_spec()
  except ValueError as error:
    raise ValueError('TF_CONFIG is not valid JSON: {}.'.format(
        data_errors.one_line(error))) from None
  if not spec.jobs:
    return resolver
  jobs = [job for job in ('chief', 'worker') if job in spec.jobs]
  if resolver.task_type not in jobs or not (
      0 <= resolver.task_id < spec.num_tasks(resolver.task_type)):
    raise ValueError(
        'TF_CONFIG\'s "task" must be one of the chief or worker tasks of its '
        '"cluster", such as {{"type": "worker", "index": 0}}; got type {!r}, '
        'index {!r}.'.format(resolver.task_type, resolver.task_id))
  return resolver


def configure(resolver, startup_timeout=STARTUP_TIMEOUT):
  """Configures the coordination service of `resolver`'s cluster.

  As `MultiWorkerMirroredStrategy` does, plus a time limit for every worker
  to start (TensorFlow's own is unlimited: a worker whose peer never starts
  waits forever). Does nothing without a cluster (no `TF_CONFIG`).

  Args:
    resolver: `tf.distribute.cluster_resolver.ClusterResolver`.
    startup_timeout: Python `float`, seconds.

  Raises:
    ValueError: if TensorFlow has already started in this process.
  """
  # pylint: disable=g-import-not-at-top,protected-access
  from tensorflow.compiler.xla.tsl.protobuf import coordination_config_pb2
  from tensorflow.python.eager import context
  spec = resolver.cluster_spec()
  if not spec.jobs:
    return
  if context.context()._context_handle is not None:
    raise ValueError(_TOO_LATE)
  if context.context().coordination_service is not None:
    return
  jobs = [job for job in ('chief', 'worker') if job in spec.jobs]
  context.context().configure_coordination_service(
      service_type='standalone',
      service_leader='/job:{}/replica:0/task:0'.format(jobs[0]),
      coordinated_jobs=[coordination_config_pb2.CoordinatedJob(
          name=job, num_tasks=spec.num_tasks(job)) for job in jobs],
      cluster_register_timeout_in_ms=int(startup_timeout * 1000))


def is_multi_worker(strategy):
  """Whether `strategy` (or a cluster resolver) spans several processes."""
  resolver = getattr(strategy, 'cluster_resolver', strategy)
  if not isinstance(resolver,
                    tf.distribute.cluster_resolver.ClusterResolver):
    return False
  spec = resolver.cluster_spec()
  return sum(spec.num_tasks(job) for job in ('chief', 'worker')
             if job in spec.jobs) > 1


def is_chief(strategy):
  """Whether this process writes the run: the chief of a cluster, or the one
  process of any other strategy."""
  return bool(strategy.extended.should_checkpoint)


def writer_lock(run_dir, strategy):
  """The lock of the run `run_dir` for the `with` body of the process that
  writes it (see `run_lock`); nothing for another worker or no run yet."""
  if run_dir is None or not is_chief(strategy):
    return contextlib.nullcontext()
  return run_lock.lock_run(run_dir)


def task_name(resolver):
  """`'worker 1'`, `'chief'`: this process in its cluster (`resolver`, or a
  strategy's)."""
  resolver = getattr(resolver, 'cluster_resolver', resolver)
  if resolver is None or not resolver.task_type:
    return 'this process'
  if resolver.task_type == 'chief':
    return 'chief'
  return '{} {}'.format(resolver.task_type, resolver.task_id)


def start_error(resolver, error):
  """The `ClusterError` of a worker whose server did not start (TensorFlow's
  `UnknownError: Could not start gRPC server`)."""
  spec = resolver.cluster_spec()
  address = spec.task_address(resolver.task_type, resolver.task_id)
  return errors.ClusterError(
      '{} cannot start its server on {} ({}); is the port free on this '
      'machine?'.format(task_name(resolver).capitalize(), address,
                        data_errors.one_line(error)))


def fingerprint(value):
  """A 56-bit integer digest of a JSON-able `value`."""
  text = json.dumps(value, sort_keys=True, default=str).encode('utf-8')
  return int.from_bytes(hashlib.sha256(text).digest()[:7], 'big')


def share_from_chief(strategy, variables):
  """Sets `variables` on every worker to the chief's values.

  Collective: every worker calls it at the same point. Nothing to do for a
  single process.

  Args:
    strategy: the run's `tf.distribute.Strategy`.
    variables: `list` of the (mirrored) variables the strategy made.
  """
  if not is_multi_worker(strategy):
    return
  variables = list(variables)

  @tf.function
  def share():
    def chief_values():
      context = tf.distribute.get_replica_context()
      chief = tf.equal(context.replica_id_in_sync_group, 0)
      masked = [tf.where(chief, n, tf.zeros_like(n)) for n in (
          tf.cast(v, tf.int32) if v.dtype == tf.bool else v
          for v in variables)]
      by_dtype = {}  # One all-reduce of the values of each dtype.
      for index, value in enumerate(masked):
        by_dtype.setdefault(value.dtype, []).append(index)
      summed = [None] * len(masked)
      for indices in by_dtype.values():
        for index, value in zip(indices, context.all_reduce(
            tf.distribute.ReduceOp.SUM, [masked[i] for i in indices])):
          summed[index] = value
      return summed

    values = strategy.run(chief_values)
    for variable, value in zip(variables, values):
      value = strategy.experimental_local_results(value)[0]
      variable.assign(tf.cast(value, variable.dtype))

  share()


def check_agreement(strategy, digest, message):
  """Raises `ValueError(message)` on every worker unless all passed the same
  `digest` (a `fingerprint`). Collective, as `share_from_chief`."""
  if not is_multi_worker(strategy):
    return

  @tf.function
  def disagreements():
    def count():
      context = tf.distribute.get_replica_context()
      mine = tf.constant(digest, tf.int64)
      chief = tf.equal(context.replica_id_in_sync_group, 0)
      chiefs = context.all_reduce(tf.distribute.ReduceOp.SUM,
                                  tf.where(chief, mine, tf.zeros_like(mine)))
      return context.all_reduce(tf.distribute.ReduceOp.SUM,
                                tf.cast(tf.not_equal(chiefs, mine), tf.int64))
    return strategy.experimental_local_results(strategy.run(count))[0]

  if int(disagreements()):
    raise ValueError(message)


@contextlib.contextmanager
def lost_worker_errors(resolver, when, then):
  """Turns TensorFlow's errors of a lost peer into one `ClusterError` line.

  Args:
    resolver: the cluster resolver (or the strategy) of this process.
    when: Python `str`, e.g. `'at epoch 3'`.
    then: Python `str`, what the user can do, e.g. how to resume.

  Raises:
    ClusterError: in place of an `UnavailableError`, `DeadlineExceededError`,
      `AbortedError` or `CancelledError` of TensorFlow.
  """
  try:
    yield
  except _LOST as error:
    if not is_multi_worker(resolver):
      raise
    me = task_name(resolver)
    peers = sorted({'chief' if job == 'chief' else 'worker ' + index
                    for job, index in _TASK.findall(error.message or '')}
                   - {me})
    raise errors.ClusterError(
        '{}: {} stopped or cannot be reached {} ({}); {}.'.format(
            me.capitalize(), ' and '.join(peers) or 'another worker', when,
            type(error).__name__, then)) from None
