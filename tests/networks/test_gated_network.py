"""The gated PixelCNN network: no blind spot, a vertical stack that holds
nothing of its own row, and class-conditional outputs that stay causal."""

import numpy as np
import pytest
import tensorflow as tf

import tfp_pixel
from tests import dependencies


class TestBlindSpot:
  """5x5 images, 3x3 kernels, four layers: enough to reach every pixel."""

  shape = (5, 5, 1)
  kernels = dict(first_kernel_size=3, kernel_size=3, num_residual_blocks=3)

  def test_plain_stack_ignores_pixels_above_right(self):
    tf.random.set_seed(0)
    plain = tfp_pixel.CategoricalPixelCNNNetwork(self.shape, 3, num_filters=8,
                                                 **self.kernels)
    seen = _dependencies(plain, self.shape, 3, 1)
    # Two rows up and two columns right is within reach ...
    assert seen[1, 3] and seen[2, 2]
    # ... one row up and two columns right is not: the blind spot.
    assert not seen[2, 3] and not seen[2, 4] and not seen[1, 4]

  def test_gated_network_sees_every_earlier_pixel(self):
    tf.random.set_seed(0)
    gated = tfp_pixel.GatedPixelCNNNetwork(self.shape, 3, num_filters=8,
                                           **self.kernels)
    height, width, _ = self.shape
    for i in range(height):
      for j in range(width):
        seen = _dependencies(gated, self.shape, i, j)
        np.testing.assert_array_equal(
            seen, dependencies.earlier_pixels(height, width, i, j),
            err_msg=str((i, j)))

  def test_vertical_stack_holds_nothing_of_its_own_row(self):
    tf.random.set_seed(0)
    network = tfp_pixel.GatedPixelCNNNetwork((4, 4, 3), 2, num_filters=6,
                                             **self.kernels)
    inputs = tf.random.stateless_uniform((2, 4, 4, 3), (1, 2), -1., 1.)
    with tf.GradientTape(persistent=True) as tape:
      tape.watch(inputs)
      vertical, horizontal = network.first(inputs, inputs)
      for block in network.blocks:
        vertical, horizontal = block(vertical, horizontal)
      rows = [tf.reduce_sum(vertical[:, i]) for i in range(4)]
    for i, row in enumerate(rows):
      magnitude = np.abs(tape.gradient(row, inputs).numpy()).sum(axis=(0, 3))
      assert not magnitude[i:].any(), i
      assert magnitude[:i].all(), i


class TestConditionalGatedNetwork:

  shape = (3, 3, 3)

  def network(self):
    tf.random.set_seed(3)
    return tfp_pixel.GatedPixelCNNNetwork(self.shape, 2, num_filters=24,
                                          num_residual_blocks=1,
                                          first_kernel_size=3, num_classes=4)

  def test_outputs_change_with_the_label(self):
    network = self.network()
    inputs = tf.random.stateless_uniform((1, *self.shape), (1, 1), -1., 1.)
    outputs = [network(inputs, conditional_input=tf.one_hot([label], 4))
               for label in range(4)]
    for a in range(4):
      for b in range(a):
        assert not np.allclose(outputs[a], outputs[b]), (a, b)
    # One label for the whole batch broadcasts.
    np.testing.assert_allclose(
        network(inputs, conditional_input=tf.one_hot(2, 4)), outputs[2],
        rtol=1e-6)

  def test_outputs_stay_causal(self):
    network = self.network()
    height, width, channels = self.shape
    inputs = tf.random.stateless_uniform((4, *self.shape), (2, 2), -1., 1.)
    labels = tf.one_hot([1, 3, 0, 2], 4)
    with tf.GradientTape(persistent=True) as tape:
      tape.watch(inputs)
      outputs = network(inputs, conditional_input=labels)
      sums = {(i, j, c): tf.reduce_sum(outputs[:, i, j, c])
              for i in range(height) for j in range(width)
              for c in range(channels)}
    order = np.arange(height * width * channels).reshape(self.shape)
    for (i, j, c), total in sums.items():
      magnitude = np.abs(tape.gradient(total, inputs).numpy()).sum(axis=0)
      earlier = order < order[i, j, c]
      # Channels are predicted in order; within a pixel all inputs share it.
      earlier[i, j] = np.arange(channels) < c
      assert not magnitude[~earlier].any(), (i, j, c)
      assert magnitude[earlier].all(), (i, j, c)

  def test_labels_are_checked(self):
    network = self.network()
    inputs = tf.zeros((1, *self.shape))
    with pytest.raises(ValueError, match='is conditional: pass a one-hot'):
      network(inputs)
    with pytest.raises(ValueError, match='4 one-hot'):
      network(inputs, conditional_input=tf.one_hot([1], 3))
    unconditional = tfp_pixel.GatedPixelCNNNetwork(self.shape, 2,
                                                   num_filters=3)
    with pytest.raises(ValueError, match='is unconditional'):
      unconditional(inputs, conditional_input=tf.one_hot([1], 4))


def _dependencies(network, shape, i, j):
  """Boolean `[H, W]`: which pixels the logits at `(i, j)` have a non-zero
  gradient with respect to (summed over a batch of random inputs)."""
  inputs = tf.random.stateless_uniform((4, *shape), (1, 2), -1., 1.)
  return dependencies.pixel_dependencies(network, inputs, [(i, j)])[i, j]
