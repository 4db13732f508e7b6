"""One optimization step of a training run, under a `tf.distribute` strategy."""

import tensorflow as tf

__all__ = ['make_evaluate', 'make_train_step']


def make_train_step(dist, optimizer, task, strategy, jit):
  """Returns the `tf.function` of one step on a global batch.

  Each replica takes every `num_replicas`-th example of the global batch (a
  `Tensor` or a tuple of them, such as `(images, labels)`) and minimises its
  share of the global mean negative log-likelihood `task.nll(...)[1]`; the
  optimizer sums the replicas' gradients, so the step trains the same model as
  one device would on the whole batch.

  Args:
    dist: the distribution being trained.
    optimizer: a built Keras optimizer of `dist.trainable_variables`.
    task: the run's task (see `image_task.ImageTask`): `nll(dist, batch,
      training)` returns the reported and the trained per-example NLLs, and
      `batch_size_of(batch)` the number of examples.
    strategy: the `tf.distribute.Strategy` the variables were made under.
    jit: Python `bool`, whether to XLA-compile the step.

  Returns:
    train_step: `tf.function` of a global batch returning the global sums of
      the reported and the trained NLLs, float32 `[2]`.
  """
  variables = dist.trainable_variables

  def gradients(batch, global_count):
    with tf.GradientTape() as tape:
      reported, trained = task.nll(dist, batch, training=True)
      loss = tf.reduce_sum(trained) / global_count
    grads = tape.gradient(loss, variables)
    return grads, tf.stack([tf.reduce_sum(reported),
                            tf.reduce_sum(trained)])

  def replica_step(global_batch):
    context = tf.distribute.get_replica_context()
    count = tf.cast(task.batch_size_of(global_batch), tf.float32)
    share = slice(context.replica_id_in_sync_group, None,
                  context.num_replicas_in_sync)
    batch = tf.nest.map_structure(lambda t: t[share], global_batch)
    grads, sums = compute(batch, count)
    optimizer.apply_gradients(zip(grads, variables))
    return sums

  if jit and strategy.num_replicas_in_sync == 1:
    compute = gradients
    replica_step = tf.function(replica_step, jit_compile=True)
  else:
    compute = tf.function(gradients, jit_compile=True) if jit else gradients

  @tf.function(reduce_retracing=True)
  def train_step(global_batch):
    sums = strategy.run(replica_step, (global_batch,))
    return strategy.reduce(tf.distribute.ReduceOp.SUM, sums, axis=None)

  return train_step


def make_evaluate(dist, task, jit):
  """A `tf.function` of a batch returning its per-example NLLs (reported,
  trained), with dropout off."""
  return tf.function(lambda batch: task.nll(dist, batch, training=False),
                     jit_compile=jit, reduce_retracing=True)
