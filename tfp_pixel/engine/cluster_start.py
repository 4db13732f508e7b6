"""How the workers of a multi-worker run start: `TF_CONFIG`, the start-up
limit, and the wait for every worker.

`resolve` reads and checks the cluster of the `TF_CONFIG` environment variable:
every address is `HOST:PORT`, and this process's own address is one of this
machine's. `configure` sets up TensorFlow's coordination service with the
start-up limit, and `wait_for_workers` waits, within the same limit, until
every other worker of the cluster answers on its port.

That wait comes before TensorFlow's own: `MultiWorkerMirroredStrategy`'s
constructor waits for the other workers in C++ without letting Python run
(no signal handler, no other thread), so a worker waiting there for a peer
that never comes could not be stopped. Once every worker has answered,
TensorFlow's wait is short; it still ends at the start-up limit (the
coordination service's registration barrier) if a worker dies in between.

While a worker waits, it listens on its own address, and only there; then
it closes that socket and TensorFlow's gRPC server takes the port. That
server listens on the port on every address of the machine (TensorFlow 2.21
binds the wildcard `0.0.0.0`, which gRPC opens as a dual-stack `[::]` socket:
every IPv4 and IPv6 address), whatever host `TF_CONFIG` names; TensorFlow has
no setting for it. It has no authentication either: whoever reaches the port
can run TensorFlow operations in the worker, such as reading and writing
files as the worker's user.
"""

import collections
import contextlib
import errno
import json
import socket
import time

import tensorflow as tf

from tfp_pixel import bounds
from tfp_pixel.data import errors as data_errors
from tfp_pixel.engine import errors

__all__ = [
    'STARTUP_TIMEOUT',
    'STARTUP_TIMEOUT_VARIABLE',
    'Address',
    'addresses',
    'configure',
    'resolve',
    'start_error',
    'startup_timeout',
    'wait_for_workers',
]

STARTUP_TIMEOUT = 300.
STARTUP_TIMEOUT_VARIABLE = 'TFP_PIXEL_STARTUP_TIMEOUT'

_JOBS = ('chief', 'worker')
_RETRY_SECONDS = 0.2
_TOO_LATE = (
    'The multi-worker strategy must be made before TensorFlow runs anything '
    'in the process (TensorFlow configures collective ops at program '
    'startup): call tfp_pixel.engine.strategies.make_strategy("multiworker") '
    'first and pass it as `strategy`.')

Address = collections.namedtuple('Address', ['task', 'host', 'port'])
Address.__doc__ = """The address of a task of the cluster.

Fields:
  task: `str`, e.g. `'worker 1'`, `'chief'`.
  host: `str`, as `TF_CONFIG` gives it (without the brackets of an IPv6
    address).
  port: Python `int`, from 1 to 65535.
"""


def startup_timeout():
  """Seconds a worker waits for every worker of its cluster to start.

  The `TFP_PIXEL_STARTUP_TIMEOUT` environment variable, else
  `STARTUP_TIMEOUT` (5 minutes).

  Raises:
    ValueError: one line, if the variable is not a positive number.
  """
  return bounds.environment_number(STARTUP_TIMEOUT_VARIABLE, STARTUP_TIMEOUT,
                                  'seconds')


def resolve():
  """The cluster the `TF_CONFIG` environment variable describes, checked.

  Returns:
    resolver: a `tf.distribute.cluster_resolver.TFConfigClusterResolver`
      (of no cluster without `TF_CONFIG`).

  Raises:
    ValueError: one line, if `TF_CONFIG` is not JSON, its task is not a
      chief or worker task of its cluster, an address of a chief or worker
      is not `HOST:PORT` with a port from 1 to 65535, or this task's own
      address is not an address of this machine.
  """
  try:
    resolver = tf.distribute.cluster_resolver.TFConfigClusterResolver()
    spec = resolver.cluster_spec()
  except (ValueError, TypeError) as error:
    raise ValueError('TF_CONFIG is not valid JSON: {}.'.format(
        data_errors.one_line(error))) from None
  if not spec.jobs:
    return resolver
  jobs = [job for job in _JOBS if job in spec.jobs]
  if resolver.task_type not in jobs or (
      resolver.task_id not in spec.task_indices(resolver.task_type)):
    raise ValueError(
        'TF_CONFIG\'s "task" must be one of the chief or worker tasks of its '
        '"cluster", such as {{"type": "worker", "index": 0}}; got type {!r}, '
        'index {!r}.'.format(resolver.task_type, resolver.task_id))
  addresses(resolver)  # Each one checked.
  own = _own_address(resolver)
  if not _is_local(own):
    raise ValueError(
        'TF_CONFIG makes this process {} at {}:{}, which is not an address '
        'of this machine; give each machine the "task" whose address is its '
        'own.'.format(own.task, _host_text(own.host), own.port))
  return resolver


def addresses(resolver):
  """The addresses of the chief and worker tasks of `resolver`'s cluster.

  Returns:
    `list` of `Address`, in the order of the cluster's jobs and tasks.

  Raises:
    ValueError: one line, for an address that is not `HOST:PORT` with a
      port from 1 to 65535.
  """
  spec = resolver.cluster_spec()
  found = []
  for job in _JOBS:
    if job not in spec.jobs:
      continue
    for index in spec.task_indices(job):
      task = 'chief' if job == 'chief' else 'worker {}'.format(index)
      found.append(_parse(task, spec.task_address(job, index)))
  return found


def configure(resolver, timeout):
  """Configures the coordination service of `resolver`'s cluster.

  As `MultiWorkerMirroredStrategy` does, with a registration barrier that
  ends after `timeout` seconds (TensorFlow's own wait for the other
  workers' devices lasts an hour). Does nothing without a cluster (no
  `TF_CONFIG`).

  Args:
    resolver: `tf.distribute.cluster_resolver.ClusterResolver`.
    timeout: Python `float`, seconds (the start-up limit).

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
  jobs = [job for job in _JOBS if job in spec.jobs]
  context.context().configure_coordination_service(
      service_type='standalone',
      service_leader='/job:{}/replica:0/task:0'.format(jobs[0]),
      coordinated_jobs=[coordination_config_pb2.CoordinatedJob(
          name=job, num_tasks=spec.num_tasks(job)) for job in jobs],
      cluster_register_timeout_in_ms=int(timeout * 1000))
  # Not an argument of `configure_coordination_service`.
  context.context().coordination_service.cluster_register_with_barrier = True


def wait_for_workers(resolver, timeout):
  """Listens on this worker's address until every other worker answers.

  Every worker of the cluster does the same, so that each one finds the
  others either waiting here or already in TensorFlow's start-up (whose
  server answers on the same port). Python code runs throughout: signals
  stop the wait as they stop any Python code.

  Args:
    resolver: the cluster resolver of this process (`resolve`).
    timeout: Python `float`, seconds.

  Raises:
    ClusterError: if this worker's port is taken, or not every other worker
      answered within `timeout` seconds.
  """
  everyone = addresses(resolver)
  own = _own_address(resolver)
  waiting = [a for a in everyone if a.task != own.task]
  deadline = time.monotonic() + timeout
  with _listening(resolver, own):
    while waiting:
      waiting = [a for a in waiting if not _answers(a, deadline)]
      if waiting and time.monotonic() >= deadline:
        raise errors.ClusterError(
            '{}: {} did not start within {:g} s; start every worker of '
            'TF_CONFIG\'s cluster, each with its own "task".'.format(
                own.task.capitalize(), ' and '.join(
                    '{} ({}:{})'.format(a.task, _host_text(a.host), a.port)
                    for a in waiting), timeout))
      if waiting:
        time.sleep(_RETRY_SECONDS)


def start_error(resolver, error):
  """The `ClusterError` of a worker whose server did not start (its port is
  taken; TensorFlow's `UnknownError: Could not start gRPC server`)."""
  own = _own_address(resolver)
  return errors.ClusterError(
      '{} cannot start its server on {}:{} ({}); is the port free on this '
      'machine?'.format(own.task.capitalize(), _host_text(own.host),
                        own.port, data_errors.one_line(error)))


def _own_address(resolver):
  spec = resolver.cluster_spec()
  task = ('chief' if resolver.task_type == 'chief' else
          '{} {}'.format(resolver.task_type, resolver.task_id))
  return _parse(task, spec.task_address(resolver.task_type,
                                        resolver.task_id))


def _parse(task, text):
  """The `Address` of `task` from `text` (`'host:port'`, `'[::1]:port'`)."""
  host, _, port = str(text).rpartition(':')
  if host.startswith('[') and host.endswith(']'):
    host = host[1:-1]
  if not host or not port.isdigit() or not 1 <= int(port) <= 65535:
    raise ValueError(
        'TF_CONFIG\'s cluster gives {} the address {}; an address must be '
        'HOST:PORT with a port from 1 to 65535.'.format(task,
                                                        json.dumps(text)))
  return Address(task, host, int(port))


def _host_text(host):
  return '[{}]'.format(host) if ':' in host else host


def _is_local(address):
  """Whether `address`'s host is an address of this machine."""
  return _local_sockaddr(address, 0) is not None


def _local_sockaddr(address, port):
  """`(family, socket address)` of the first address of `address`'s host
  that a socket of this machine can bind (with `port`), or `None`."""
  try:
    infos = socket.getaddrinfo(address.host, port, type=socket.SOCK_STREAM)
  except (socket.gaierror, UnicodeError) as error:
    raise ValueError('TF_CONFIG gives {} the host {}, which cannot be '
                     'resolved ({}).'.format(address.task, address.host,
                                             data_errors.one_line(error))
                    ) from None
  for family, kind, _, _, sockaddr in infos:
    with socket.socket(family, kind) as probe:
      try:
        probe.bind(sockaddr[:1] + (0,) + sockaddr[2:])
      except OSError:
        continue
    return family, sockaddr
  return None


@contextlib.contextmanager
def _listening(resolver, own):
  """A socket listening on `own`'s address (and no other) for the `with`
  body. It accepts no connection: the kernel completes a peer's connection,
  which is all that a peer checks, and resets it when the socket closes."""
  family, sockaddr = _local_sockaddr(own, own.port)
  with socket.socket(family, socket.SOCK_STREAM) as listener:
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
      listener.bind(sockaddr)
      listener.listen(64)
    except OSError as error:
      if error.errno in (errno.EADDRINUSE, errno.EACCES):
        raise start_error(resolver, error) from None
      raise
    yield


def _answers(address, deadline):
  """Whether something listens at `address` (waiting at most a second, and
  not past `deadline`)."""
  seconds = min(1., max(deadline - time.monotonic(), 0.05))
  try:
    socket.create_connection((address.host, address.port),
                             timeout=seconds).close()
    return True
  except OSError:
    return False
