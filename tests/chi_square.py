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

  Args:
    dist: the distribution.
    samples: `[n, *event_shape]` samples.
    values: the values one event element takes, in order.
    **given: keyword arguments of `log_prob` (e.g. `conditional_input`).
  """
  events = all_events(dist.event_shape.as_list(), values)
  counts = np.bincount(event_index(samples, values), minlength=len(events))
  probs = np.exp(np.asarray(dist.log_prob(tf.constant(events, dist.dtype),
                                          **given), np.float64))
  return chi_square_p_value(counts, probs / probs.sum())
