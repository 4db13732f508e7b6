"""The condition of a network's layers: a class label or a map.

A conditional network adds to the pre-activations of each of its layers a
bias computed from its condition, its conditioning bias. Two kinds of
condition share one interface, so that a network asks once for what its
layers' biases are computed from (`features(conditional_input)`), makes its
layers' projections with `projections(sizes)` and, drawing a pixel at a
time, takes the features at one pixel with `position`; a layer's bias is its
projection of the features:

- `LabelConditioning`: a one-hot class label `[batch, num_classes]`; each
  projection is a `label_projection.LabelProjection`, a bias
  `[batch, 1, 1, F]`, the same at every pixel. Built with
  `num_classes=None`, it is no condition at all (an unconditional network,
  which refuses a `conditional_input`).
- `MapConditioning`: a map `[batch, height, width, features]` with the
  image's height and width (e.g. the top grid of codes of a VQ-VAE-2 prior,
  embedded and brought to the bottom grid's size). A small stack reads the
  whole map once (a 1x1 convolution, ELU, a 3x3 'same' convolution, ELU)
  and each projection is a bias-free 1x1 layer of its output
  (`MapProjection`), a bias `[batch, height, width, F]`. The map is known
  before any pixel is drawn, so the stack may look anywhere: the layers
  stay causal in the image whatever the map.

So a conditioning bias is `[batch, rows, cols, F]`, each of `rows` and `cols`
either 1 (the same at every row or column) or the image's; the samplers,
which compute a row or a position at a time, take it there with `select`.
"""

import numpy as np
import tensorflow as tf

from tfp_pixel import class_labels
from tfp_pixel.networks import label_projection

__all__ = ['LabelConditioning', 'MapConditioning', 'MapProjection',
           'check_conditional_shape', 'make_conditioning', 'select']


def check_conditional_shape(conditional_shape, image_shape, num_classes=None):
  """Returns a map's `conditional_shape` as a tuple of `int`s, or `None`.

  Args:
    conditional_shape: `(height, width, features)` of a map, or `None`.
    image_shape: `(height, width, channels)` of the images.
    num_classes: the model's `num_classes` (a map excludes labels).

  Raises:
    ValueError: one line, if both `conditional_shape` and `num_classes` are
      given, or `conditional_shape` is not three positive integers with the
      image's height and width.
  """
  if conditional_shape is None:
    return None
  if num_classes is not None:
    raise ValueError(
        'Give `num_classes` (a label) or `conditional_shape` (a map), not '
        'both: got num_classes={} and conditional_shape={}.'.format(
            num_classes, conditional_shape))
  try:
    dims = tuple(int(d) for d in tf.TensorShape(conditional_shape).as_list())
  except (TypeError, ValueError):
    dims = ()
  if len(dims) != 3 or min(dims) < 1 or dims[:2] != tuple(image_shape[:2]):
    raise ValueError(
        '`conditional_shape` must be (height, width, features) with the '
        "image's height and width {}, got {}.".format(
            tuple(image_shape[:2]), conditional_shape))
  return dims


def make_conditioning(image_shape, num_classes=None, conditional_shape=None,
                      num_features=32, dtype=tf.float32):
  """The conditioning of a network: a label's, a map's or none.

  Args:
    image_shape: `(height, width, channels)` of the images.
    num_classes: Python `int` of a class-conditional network, or `None`.
    conditional_shape: `(height, width, features)` of a map-conditional
      network, or `None`.
    num_features: Python `int`, features of a map's stack.
    dtype: float `tf.DType` of the variables.

  Returns:
    conditioning: a `MapConditioning` for a map, else a `LabelConditioning`
      (of `num_classes=None` for an unconditional network).

  Raises:
    ValueError: one line, as `check_conditional_shape` and
      `class_labels.check_num_classes`.
  """
  num_classes = class_labels.check_num_classes(num_classes)
  conditional_shape = check_conditional_shape(conditional_shape, image_shape,
                                              num_classes)
  if conditional_shape is None:
    return LabelConditioning(num_classes, dtype)
  return MapConditioning(conditional_shape, num_features, dtype)


class LabelConditioning:
  """One-hot class labels (or none): no variables of its own, so that a
  label-conditional network keeps its variables and checkpoints."""

  def __init__(self, num_classes, dtype=tf.float32):
    """Stores the classes.

    Args:
      num_classes: Python `int`, or `None` for an unconditional network.
      dtype: float `tf.DType` of the projections.
    """
    self.num_classes = num_classes
    self._dtype = tf.as_dtype(dtype)

  @property
  def conditional_shape(self):
    """`tf.TensorShape([num_classes])`, or `None` when unconditional."""
    if self.num_classes is None:
      return None
    return tf.TensorShape([self.num_classes])

  def features(self, conditional_input):
    """The checked labels `[..., num_classes]` (see
    `label_projection.network_labels`), or `None`."""
    return label_projection.network_labels(conditional_input,
                                           self.num_classes, self._dtype)

  def projections(self, sizes):
    """One `LabelProjection` per layer of `sizes` features, or `None` when
    unconditional."""
    if self.num_classes is None:
      return None
    return [label_projection.LabelProjection(self.num_classes, size,
                                             dtype=self._dtype)
            for size in sizes]

  def position(self, features, row, col):
    """The features a 1x1 projection reads at pixel `(row, col)`: a label
    is the same everywhere."""
    del row, col
    return features


class MapConditioning(tf.Module):
  """A map `[batch, height, width, features]` read by a non-causal stack.

  ```none
  features = elu(conv3x3(elu(conv1x1(map)))) / sqrt(num_features)   'same'
  bias of a layer = features @ kernel                              1x1
  ```
  """

  def __init__(self, conditional_shape, num_features, dtype=tf.float32,
               name=None):
    """Creates the stack's variables.

    Args:
      conditional_shape: `(height, width, features)` of the map.
      num_features: Python `int`, features of the stack.
      dtype: float `tf.DType` of the variables.
      name: Python `str` name of the module.
    """
    super().__init__(name=name)
    self._conditional_shape = tuple(int(d) for d in conditional_shape)
    self._dtype = tf.as_dtype(dtype)
    self.num_features = int(num_features)
    in_features = self._conditional_shape[-1]
    self.first = _Conv((1, 1), in_features, num_features, dtype)
    self.second = _Conv((3, 3), num_features, num_features, dtype)

  @property
  def conditional_shape(self):
    """`tf.TensorShape([height, width, features])` of the map."""
    return tf.TensorShape(self._conditional_shape)

  def features(self, conditional_input):
    """The stack's features `[batch, height, width, num_features]` of the
    maps `[batch, height, width, features]` (or one map `[height, width,
    features]` for the whole batch).

    Raises:
      ValueError: if the map is missing or does not end in
        `conditional_shape`.
    """
    expected = ', '.join(map(str, self._conditional_shape))
    if conditional_input is None:
      raise ValueError('The network is conditional on a map: pass a '
                       '`conditional_input` of shape [batch, {}].'.format(
                           expected))
    maps = tf.convert_to_tensor(conditional_input, dtype=self._dtype)
    shape = maps.shape
    if shape.rank is not None and (
        shape.rank < 3 or
        not shape[-3:].is_compatible_with(self._conditional_shape)):
      raise ValueError('`conditional_input` must end in the map shape [{}], '
                       'got shape {}.'.format(expected, shape.as_list()))
    maps = tf.reshape(maps, [-1, *self._conditional_shape])
    features = tf.nn.elu(self.second(tf.nn.elu(self.first(maps))))
    # Unit-norm features on average, as a one-hot label: a projection's
    # bias, and what a gradient step changes of it, are then of a label's
    # size, not `num_features` times larger.
    return features / tf.sqrt(tf.cast(self.num_features, features.dtype))

  def projections(self, sizes):
    """One `MapProjection` per layer of `sizes` features."""
    return [MapProjection(self.num_features, size, dtype=self._dtype)
            for size in sizes]

  def position(self, features, row, col):
    """The features `[batch, 1, 1, num_features]` at pixel `(row, col)`,
    what a 1x1 projection reads there."""
    return tf.slice(features, tf.stack([0, row, col, 0]), [-1, 1, 1, -1])


class MapProjection(tf.Module):
  """Bias-free 1x1 layer from a map's features to a layer's bias
  `[batch, height, width, features]` (the map's counterpart of
  `label_projection.LabelProjection`)."""

  def __init__(self, in_features, features, dtype=tf.float32, name=None):
    """Creates the kernel, Glorot-uniform `[in_features, features]`."""
    super().__init__(name=name)
    limit = np.sqrt(6. / (in_features + features))
    self.kernel = tf.Variable(
        tf.random.uniform([in_features, features], -limit, limit,
                          dtype=dtype), name='kernel')

  def __call__(self, features):
    """Maps `[batch, height, width, in_features]` to the bias."""
    return tf.einsum('bhwi,io->bhwo', features, self.kernel)


class _Conv(tf.Module):
  """A plain 'same' convolution with a bias (He-uniform kernel)."""

  def __init__(self, kernel_size, in_features, out_features, dtype,
               name=None):
    super().__init__(name=name)
    limit = np.sqrt(6. / (np.prod(kernel_size) * in_features))
    self.kernel = tf.Variable(
        tf.random.uniform([*kernel_size, in_features, out_features], -limit,
                          limit, dtype=dtype), name='kernel')
    self.bias = tf.Variable(tf.zeros([out_features], dtype=dtype),
                            name='bias')

  def __call__(self, inputs):
    return tf.nn.conv2d(inputs, self.kernel, strides=1,
                        padding='SAME') + self.bias


def select(values, index, axis):
  """A conditioning bias (or features) at `index` along `axis`, that axis
  dropped.

  Args:
    values: `Tensor` whose `axis` has the image's rows (or columns), or size
      1 (a label's: the same at every row or column).
    index: int32 scalar, the row or column.
    axis: Python `int`.

  Returns:
    values: `values` without `axis`, at `index` (its one entry for size 1).
  """
  if values.shape[axis] == 1:
    return tf.squeeze(values, axis)
  return tf.gather(values, index, axis=axis)
