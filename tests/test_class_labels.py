"""Class labels: the one rule of labels, and `tfp_pixel.one_hot_labels`."""

import numpy as np
import pytest
import tensorflow as tf

import tfp_pixel
from tfp_pixel import class_labels


class TestOneHotLabels:

  def test_values_shape_and_dtype(self):
    one_hot = tfp_pixel.one_hot_labels([[2], [0]], 3, dtype=tf.float64)
    assert one_hot.dtype == tf.float64
    np.testing.assert_array_equal(one_hot, [[[0., 0., 1.]], [[1., 0., 0.]]])

  @pytest.mark.parametrize('labels, num_classes, match', [
      ([0, -1], 3, 'label -1 is not a class'),
      ([4, 1], 3, 'label 4 is not a class'),
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


@pytest.mark.parametrize('labels, num_classes, message', [
    (3, 3, 'label 3 is not a class: classes are 0 to 2'),
    ([0, -1], 3, 'label -1 is not a class'),
    ([0, -1], None, 'label -1 is not a class'),
    (1.5, 3, 'integer class ids'), ('a', 3, 'integer class ids'),
    ([True], None, 'integer class ids'), ([np.nan], None, 'integer')])
def test_one_rule_for_labels(labels, num_classes, message):
  with pytest.raises(ValueError, match=message) as error:
    class_labels.check_labels(labels, num_classes)
  assert '\n' not in str(error.value)


def test_labels_of_a_source_only_need_to_be_class_ids():
  np.testing.assert_array_equal(class_labels.check_labels([[7], [0]]),
                                [[7], [0]])
