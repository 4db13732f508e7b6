"""The gated categorical PixelCNN: the shared suite, its graph and sampler.

Its network is checked in `tests/networks/test_gated_network.py`, its run
configuration in `tests/engine/test_configs.py`, `--arch` in
`tests/cli/test_train_options.py`."""

import numpy as np
import pytest
import tensorflow as tf

import tfp_pixel
from tfp_pixel import quantization
from tests import model_hooks
from tests.distributions import test_categorical_pixel_cnn
from tfp_pixel.sampling import gated_graph


class TestGatedPixelCNN(model_hooks.GatedHooks,
                        test_categorical_pixel_cnn.TestCategoricalPixelCNN):
  """Every check of the plain categorical model, for the gated one."""

  def test_network_is_gated_and_copy_keeps_it(self):
    dist = self.distribution()
    assert isinstance(dist.network, tfp_pixel.GatedPixelCNNNetwork)
    assert dist.architecture == 'gated'
    assert dist.parameters['architecture'] == 'gated'
    copy = dist.copy(temperature=.5)
    assert copy.architecture == 'gated' and copy.network is dist.network

  def test_bad_arguments_are_value_errors(self):
    with pytest.raises(ValueError, match='architecture'):
      tfp_pixel.CategoricalPixelCNN((2, 2, 1), num_levels=2,
                                    architecture='resnet')
    with pytest.raises(ValueError, match='num_filters'):
      tfp_pixel.CategoricalPixelCNN((2, 2, 3), num_levels=2, num_filters=2,
                                    architecture='gated')
    with pytest.raises(ValueError, match='kernel_size'):
      tfp_pixel.CategoricalPixelCNN((2, 2, 1), num_levels=2, kernel_size=2,
                                    architecture='gated')
    plain = tfp_pixel.CategoricalPixelCNN((2, 2, 1), num_levels=2,
                                          num_filters=4)
    with pytest.raises(ValueError, match='MaskedPixelCNNNetwork'):
      tfp_pixel.CategoricalPixelCNN((2, 2, 1), num_levels=2,
                                    architecture='gated',
                                    network=plain.network)


class TestGatedPixelCNNRGB(TestGatedPixelCNN):
  contract_checks_slow = True
  tiny_shape = (2, 1, 3)
  causal_shape = (3, 3, 3)
  num_levels = 2
  num_filters = 24


class TestGatedSampler:

  @pytest.mark.parametrize('image_shape, conditional', [
      ((4, 4, 1), False), ((3, 3, 3), False), ((4, 4, 3), True)])
  def test_graph_equals_network(self, image_shape, conditional):
    tf.random.set_seed(1)
    network = tfp_pixel.GatedPixelCNNNetwork(
        image_shape, 3, num_filters=2 * image_shape[-1], num_residual_blocks=2,
        first_kernel_size=3, num_classes=3 if conditional else None)
    levels = tf.random.stateless_uniform((3, *image_shape), (1, 2), 0, 3,
                                         tf.int32)
    inputs = quantization.levels_to_unit_interval(levels, 3)
    labels = tf.eye(3)[::-1] if conditional else None
    graph = gated_graph.gated_graph(network, labels)
    np.testing.assert_allclose(
        tf.reshape(graph.evaluate(inputs), [3, *image_shape, 3]),
        network(inputs, conditional_input=labels), atol=1e-5)

