"""`tfp_pixel.one_hot_labels`: one-hot class labels, checked."""

import numpy as np
import pytest
import tensorflow as tf

import tfp_pixel


class TestOneHotLabels:

  def test_values_shape_and_dtype(self):
    one_hot = tfp_pixel.one_hot_labels([[2], [0]], 3, dtype=tf.float64)
    assert one_hot.dtype == tf.float64
    np.testing.assert_array_equal(one_hot, [[[0., 0., 1.]], [[1., 0., 0.]]])

  @pytest.mark.parametrize('labels, num_classes, match', [
      ([0, -1], 3, 'label -1 is out of range'),
      ([4, 1], 3, 'label 4 is out of range'),
      ([0.5], 3, 'integers'),
      ([0], 0, 'num_classes'),
  ])
  def test_bad_labels_are_value_errors(self, labels, num_classes, match):
    with pytest.raises(ValueError, match=match):
      tfp_pixel.one_hot_labels(labels, num_classes)

  def test_validate_args_checks_labels_in_graphs(self):
    checked = tf.function(lambda labels: tfp_pixel.one_hot_labels(
        labels, 3, validate_args=True))
    np.testing.assert_array_equal(checked(tf.constant([1])), [[0., 1., 0.]])
    with pytest.raises(tf.errors.InvalidArgumentError, match='num_classes'):
      checked(tf.constant([3]))
