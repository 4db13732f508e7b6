"""One optimization step of a training run, under a `tf.distribute` strategy."""

import tensorflow as tf

__all__ = ['make_evaluate', 'make_train_step']


def make_train_step(dist, optimizer, task, strategy, jit):
  """Returns the `tf.function` of one step on a distributed global batch.

  Each replica (of every worker of a cluster) gets its share of the global
  batch from `strategy.experimental_distribute_dataset` and minimises its
  part of the global mean negative log-likelihood `task.nll(...)[1]`, the
  sum over its images divided by the global batch size, plus its share of
  `task.penalty(dist)` (divided by the replicas); the optimizer sums the
  replicas' gradients, so the step trains the same model as one device
  would on the whole batch.

  Args:
    dist: the distribution being trained.
    optimizer: a built Keras optimizer of `dist.trainable_variables`.
    task: the run's task (see `kinds.images.task.ImageTask`): `nll(dist, batch,
      training)` returns the reported and the trained per-example NLLs,
      `batch_size_of(batch)` the number of examples, and `penalty(dist)`
      what the loss adds to their mean.
    strategy: the `tf.distribute.Strategy` the variables were made under.
    jit: Python `bool`, whether to XLA-compile the step.

  Returns:
    train_step: `tf.function` of a distributed global batch returning the
      global sums of the reported and the trained NLLs, the global batch
      size and the dimensions its NLL is spread over (`task.dims_of`),
      float32 `[4]`.
  """
  variables = dist.trainable_variables

  def gradients(batch, global_count):
    with tf.GradientTape() as tape:
      reported, trained = task.nll(dist, batch, training=True)
      loss = tf.reduce_sum(trained) / global_count + (
          task.penalty(dist) / strategy.num_replicas_in_sync)
    grads = tape.gradient(loss, variables)
    return grads, tf.stack([tf.reduce_sum(reported),
                            tf.reduce_sum(trained)])

  def apply(batch, global_count):
    grads, sums = compute(batch, global_count)
    optimizer.apply_gradients(zip(grads, variables))
    return sums

  compute = gradients
  if jit and strategy.num_replicas_in_sync == 1:
    apply = tf.function(apply, jit_compile=True)
  elif jit:
    compute = tf.function(gradients, jit_compile=True)

  def replica_step(batch):
    counts = _counts(task, batch)
    global_count = tf.distribute.get_replica_context().all_reduce(
        tf.distribute.ReduceOp.SUM, counts[0])
    return tf.concat([apply(batch, global_count), counts], 0)

  return _summed_over_replicas(replica_step, strategy)


def make_evaluate(dist, task, strategy, jit):
  """Returns the `tf.function` of a distributed batch returning the sums of
  its reported and trained NLLs, with dropout off, its size and its
  dimensions, float32 `[4]`."""

  def replica_sums(batch):
    reported, trained = task.nll(dist, batch, training=False)
    return tf.concat([tf.stack([tf.reduce_sum(reported),
                                tf.reduce_sum(trained)]),
                      _counts(task, batch)], 0)

  if jit:
    replica_sums = tf.function(replica_sums, jit_compile=True)
  return _summed_over_replicas(replica_sums, strategy)


def _counts(task, batch):
  """`[examples, dimensions]` of a batch, float32."""
  return tf.cast(tf.stack([task.batch_size_of(batch), task.dims_of(batch)]),
                 tf.float32)


def _summed_over_replicas(replica_fn, strategy):
  """A `tf.function` running `replica_fn` on every replica's share of a
  distributed batch and returning the sum over all replicas."""

  @tf.function(reduce_retracing=True)
  def summed(batch):
    return strategy.reduce(tf.distribute.ReduceOp.SUM,
                           strategy.run(replica_fn, (batch,)), axis=None)

  return summed
