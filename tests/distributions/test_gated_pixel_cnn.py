"""The gated categorical PixelCNN: the shared suite, the blind spot, its graph
and sampler, the conditional network, the run config and the CLI."""

import json
import os

import numpy as np
import pytest
import tensorflow as tf

import tfp_pixel
from tfp_pixel import quantization
from tests import dependencies
from tests import model_hooks
from tests.distributions import test_categorical_pixel_cnn
from tfp_pixel.sampling import gated_graph
from tfp_pixel.engine import configs


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


class TestConfigAndCli:

  def test_config_builds_the_gated_model(self):
    config = configs.make_config('categorical', (4, 4, 1), num_levels=4,
                                num_filters=4, num_residual_blocks=1,
                                architecture='gated')
    config = json.loads(json.dumps(config))
    assert config['architecture'] == 'gated'
    dist = configs.build_model(config)
    assert dist.architecture == 'gated'
    assert isinstance(dist.network, tfp_pixel.GatedPixelCNNNetwork)
    assert configs.make_config('categorical', (4, 4, 1))['architecture'] == (
        'plain')

  @pytest.mark.parametrize('model, architecture, message', [
      ('categorical', 'wavenet', 'architecture'),
      ('pixelcnn', 'gated', 'architecture')])
  def test_bad_architecture_is_refused(self, model, architecture, message):
    with pytest.raises(ValueError, match=message):
      configs.make_config(model, (4, 4, 1), architecture=architecture)

  def test_train_with_arch_gated(self, tmp_path, cli):
    run_dir = str(tmp_path / 'run')
    result = cli([
        'train', '--arch', 'gated', '--levels', '4', '--filters', '4',
        '--blocks', '1', '--shape', '8x8x1', '--max-images', '32',
        '--epochs', '1', '--steps', '2', '--batch-size', '16',
        '--num-samples', '0', '--run', run_dir])
    assert result.exit_code == 0, result.output
    config = json.load(open(os.path.join(run_dir, 'config.json')))
    assert config['architecture'] == 'gated'
    dist = tfp_pixel.load(run_dir)
    assert isinstance(dist.network, tfp_pixel.GatedPixelCNNNetwork)
    assert dist.sample(2, seed=(1, 2)).shape == (2, 8, 8, 1)

  def test_arch_is_refused_for_the_mixture_model(self, cli):
    result = cli(['train', '--mix', '2', '--arch',
                                       'gated'])
    assert result.exit_code != 0
    assert '--arch' in result.output and 'Traceback' not in result.output


def _dependencies(network, shape, i, j):
  """Boolean `[H, W]`: which pixels the logits at `(i, j)` have a non-zero
  gradient with respect to (summed over a batch of random inputs)."""
  inputs = tf.random.stateless_uniform((4, *shape), (1, 2), -1., 1.)
  return dependencies.pixel_dependencies(network, inputs, [(i, j)])[i, j]
