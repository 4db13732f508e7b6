"""Helpers of the sampling tests: tiny models, event enumeration, chi-square."""

import functools
import itertools

import numpy as np
import tensorflow as tf
import tensorflow_probability as tfp
from tensorflow_probability.python.internal import tf_keras

import tfp_pixel

NUM_SAMPLES = 20000
P_VALUE = 1e-3


@functools.lru_cache(maxsize=None)
def mixture(image_shape, high=3, conditional_shape=None, num_hierarchies=2):
  """A tiny initialized `tfp_pixel.PixelCNN` (cached: building is slow)."""
  tf_keras.utils.set_random_seed(len(image_shape) + image_shape[-1] + high)
  dist = tfp_pixel.PixelCNN(
      image_shape, conditional_shape=conditional_shape, num_resnet=1,
      num_hierarchies=num_hierarchies, num_filters=4, num_logistic_mix=2,
      dropout_p=0., high=high)
  # Weight norm initializes itself from the first batch it sees.
  conditional = (None if conditional_shape is None
                 else tf.random.stateless_normal([8, *conditional_shape],
                                                 (1, 1)))
  images = tf.random.stateless_uniform([8, *image_shape], (2, 2), 0, high + 1,
                                       tf.int32)
  dist.log_prob(tf.cast(images, tf.float32), conditional_input=conditional)
  return dist


@functools.lru_cache(maxsize=None)
def categorical(image_shape, num_levels=3):
  """A tiny `tfp_pixel.CategoricalPixelCNN` whose output biases make the
  pixels' distributions uneven."""
  tf.random.set_seed(image_shape[-1] + num_levels)
  dist = tfp_pixel.CategoricalPixelCNN(
      image_shape, num_levels=num_levels, num_filters=4 * image_shape[-1],
      num_residual_blocks=1, first_kernel_size=3)
  output = dist.network.head[-1]
  output.bias.assign(tf.random.stateless_normal(output.bias.shape, (7, 7)))
  return dist


def all_events(image_shape, values):
  """Every image over `values`, `[len(values) ** size, H, W, C]`."""
  size = int(np.prod(image_shape))
  events = np.array(list(itertools.product(values, repeat=size)))
  return events.reshape((-1,) + tuple(image_shape))


def event_index(samples, values):
  """Index of each sample in `all_events` order."""
  values = np.asarray(values)
  digits = np.searchsorted(values, samples.reshape(len(samples), -1))
  weights = len(values) ** np.arange(digits.shape[1])[::-1]
  return digits @ weights


def chi_square_p_value(counts, probs):
  """p-value of `counts` against `probs`, cells with expected count < 5
  merged into one."""
  expected = probs * counts.sum()
  small = expected < 5.
  observed = np.append(counts[~small], counts[small].sum())
  expected = np.append(expected[~small], expected[small].sum())
  keep = expected > 0.
  observed, expected = observed[keep], expected[keep]
  statistic = ((observed - expected) ** 2 / expected).sum()
  degrees = len(observed) - 1
  return float(tfp.distributions.Chi2(np.float64(degrees)).survival_function(
      statistic))


def frequencies_p_value(dist, samples, values):
  """p-value of `samples` (all `[H, W, C]` events) against `exp(log_prob)`."""
  events = all_events(dist.event_shape.as_list(), values)
  counts = np.bincount(event_index(np.asarray(samples), values),
                       minlength=len(events))
  probs = np.exp(np.asarray(dist.log_prob(
      tf.constant(events, dist.dtype)), np.float64))
  return chi_square_p_value(counts, probs / probs.sum())
