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
(`lost_worker_errors`) instead of waiting forever. How the workers start is
`cluster_start`'s part.
"""

import contextlib
import hashlib
import json
import re

import tensorflow as tf

from tfp_pixel.engine import errors
from tfp_pixel.engine import run_lock

__all__ = [
    'abort_collectives',
    'check_agreement',
    'fingerprint',
    'is_chief',
    'is_multi_worker',
    'lost_worker_errors',
    'share_from_chief',
    'task_name',
    'writer_lock',
]

_LOST = (tf.errors.UnavailableError, tf.errors.DeadlineExceededError,
         tf.errors.AbortedError, tf.errors.CancelledError)
# TensorFlow aborts every collective of a worker once a peer is lost; the
# error then has the code of the cause, which can be any.
_ABORTED = 'Collective ops is aborted'
_TASK = re.compile(r'/job:(chief|worker)(?:/replica:\d+)?/task:(\d+)')


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
      `AbortedError` or `CancelledError` of TensorFlow, or of another of its
      errors that names another task or says that the collectives were
      aborted (a multi-worker run only).
  """
  try:
    yield
  except tf.errors.OpError as error:
    me = task_name(resolver)
    message = error.message or ''
    peers = sorted({'chief' if job == 'chief' else 'worker ' + index
                    for job, index in _TASK.findall(message)} - {me})
    if not is_multi_worker(resolver) or not (
        isinstance(error, _LOST) or peers or _ABORTED in message):
      raise
    raise errors.ClusterError(
        '{}: {} stopped or cannot be reached {} ({}); {}.'.format(
            me.capitalize(), ' and '.join(peers) or 'another worker', when,
            type(error).__name__, then)) from None


def abort_collectives(strategy, reason):
  """Ends the collectives this worker of a cluster waits in, and all later
  ones, with a `CancelledError` saying `reason` (any thread may call it).
  Nothing for a single process, or before TensorFlow started."""
  # pylint: disable=g-import-not-at-top,protected-access
  from tensorflow.python.eager import context
  if (is_multi_worker(strategy) and
      context.context()._context_handle is not None):
    context.context().abort_collective_ops(tf.errors.CANCELLED, reason)
