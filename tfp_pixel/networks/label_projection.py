"""Class labels as per-feature biases of a network's layers."""

import numpy as np
import tensorflow as tf

__all__ = ['LabelProjection', 'network_labels']


class LabelProjection(tf.Module):
  """Bias-free dense map from a one-hot label to a per-feature bias.

  A class-conditional layer adds `projection(one_hot)`, of shape
  `[batch, 1, 1, features]`, to its outputs: the same bias at every pixel, so
  it keeps the layer causal.
  """

  def __init__(self, num_classes, features, dtype=tf.float32, name=None):
    """Creates the kernel, Glorot-uniform `[num_classes, features]`.

    Args:
      num_classes: Python `int`, the length of the one-hot labels.
      features: Python `int`, the feature maps of the layer it biases.
      dtype: float `tf.DType` of the kernel.
      name: Python `str` name of the module.
    """
    super().__init__(name=name)
    limit = np.sqrt(6. / (num_classes + features))
    self.kernel = tf.Variable(
        tf.random.uniform([num_classes, features], -limit, limit, dtype=dtype),
        name='kernel')

  def __call__(self, conditional_input):
    """Maps `[batch, num_classes]` labels to `[batch, 1, 1, features]`."""
    num_classes, features = self.kernel.shape
    flat = tf.reshape(conditional_input, [-1, num_classes])
    return tf.reshape(tf.matmul(flat, self.kernel), [-1, 1, 1, features])


def network_labels(conditional_input, num_classes, dtype):
  """Checks a network's `conditional_input` against its `num_classes`.

  Args:
    conditional_input: one-hot labels `[..., num_classes]`, or `None`.
    num_classes: Python `int` of a class-conditional network, or `None`.
    dtype: float `tf.DType` of the network.

  Returns:
    labels: float `Tensor` `[..., num_classes]`, or `None` for an
      unconditional network.

  Raises:
    ValueError: if the labels are missing for a conditional network, given to
      an unconditional one, or do not end in `num_classes` values.
  """
  if num_classes is None:
    if conditional_input is not None:
      raise ValueError('The network is unconditional (built without '
                       '`num_classes` or `conditional_shape`), but a '
                       '`conditional_input` was given.')
    return None
  if conditional_input is None:
    raise ValueError('The network is conditional: pass a one-hot '
                     '`conditional_input` of shape [batch, {}].'.format(
                         num_classes))
  labels = tf.convert_to_tensor(conditional_input, dtype=dtype)
  if labels.shape.rank == 0 or labels.shape[-1] not in (None, num_classes):
    raise ValueError('`conditional_input` must end in {} one-hot values, got '
                     'shape {}.'.format(num_classes, labels.shape))
  return labels
