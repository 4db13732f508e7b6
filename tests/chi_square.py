"""Sample frequencies against `exp(log_prob)`: the one chi-square helper.

Every exactness test enumerates the events of a tiny model (`all_events`),
counts samples per event (`event_index`) and asks `chi_square_p_value`
whether the counts fit the probabilities.
"""

import itertools

import numpy as np
import tensorflow as tf
import tensorflow_probability as tfp

NUM_SAMPLES = 20000
P_VALUE = 1e-3


def all_events(event_shape, values):
  """Every event over `values`, `[len(values) ** size, *event_shape]`, in
  lexicographic order."""
  size = int(np.prod(event_shape))
  events = np.array(list(itertools.product(values, repeat=size)))
  return events.reshape((-1,) + tuple(event_shape))


def event_index(samples, values):
  """Index of each sample in `all_events` order."""
  values = np.asarray(values)
  samples = np.asarray(samples)
  digits = np.searchsorted(values, samples.reshape(len(samples), -1))
  weights = len(values) ** np.arange(digits.shape[1])[::-1]
  return digits @ weights


def chi_square_p_value(counts, probs, min_expected=5.):
  """Pearson chi-square p-value of `counts` against `probs`.

  Cells are taken in order of expected count and merged into buckets of at
  least `min_expected` expected samples (the test's approximation needs them).
  """
  expected = probs * counts.sum()
  order = np.argsort(expected)
  merged_counts, merged_expected = [], []
  bucket_count = bucket_expected = 0.
  for k in order:
    bucket_count += counts[k]
    bucket_expected += expected[k]
    if bucket_expected >= min_expected:
      merged_counts.append(bucket_count)
      merged_expected.append(bucket_expected)
      bucket_count = bucket_expected = 0.
  if bucket_expected > 0. and merged_expected:
    merged_counts[-1] += bucket_count
    merged_expected[-1] += bucket_expected
  merged_counts = np.array(merged_counts)
  merged_expected = np.array(merged_expected)
  statistic = np.sum((merged_counts - merged_expected) ** 2 / merged_expected)
  dof = len(merged_counts) - 1
  return float(tfp.distributions.Chi2(np.float64(dof)).survival_function(
      statistic))


def frequencies_p_value(dist, samples, values, **given):
  """p-value of `samples` (events of `dist`) against `exp(log_prob)`.

  With a batch shape, the smallest p-value of the batch members; 0 where a
  sample has probability zero.

  Args:
    dist: the distribution.
    samples: `[n, *batch_shape, *event_shape]` samples.
    values: the values one event element takes, in order.
    **given: keyword arguments of `log_prob` (e.g. `conditional_input`).
  """
  event_shape = dist.event_shape.as_list()
  batch_ndims = len(dist.batch_shape)
  events = all_events(event_shape, values)
  log_prob = dist.log_prob(tf.constant(
      events.reshape([len(events)] + [1] * batch_ndims + event_shape),
      dist.dtype), **given)
  probs = np.exp(np.asarray(log_prob, np.float64)).reshape(len(events), -1)
  samples = np.asarray(samples)
  samples = samples.reshape(len(samples), probs.shape[1], -1)
  p_values = []
  for member in range(probs.shape[1]):
    counts = np.bincount(event_index(samples[:, member], values),
                         minlength=len(events))
    if counts[probs[:, member] == 0.].any():
      return 0.
    p_values.append(chi_square_p_value(
        counts, probs[:, member] / probs[:, member].sum()))
  return min(p_values)
