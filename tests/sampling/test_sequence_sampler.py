"""The token sampler's loop: its cost per step does not grow with the
length."""

import tensorflow as tf

from tfp_pixel.sampling import sequence_sampler


def _graph_bytes(max_length):
  draw = tf.function(lambda seed: sequence_sampler.draw_sequences(
      lambda tokens, state: (tf.zeros([2, 5]), state), tf.zeros([2, 5]),
      tf.zeros([2]), max_length, seed, end_token=2, padding_token=0))
  graph = draw.get_concrete_function(tf.TensorSpec([2], tf.int32)).graph
  return len(graph.as_graph_def().SerializeToString())


def test_the_loop_is_the_same_graph_for_any_length():
  # A seed per step held as `max_length` tensors made every step stack them
  # again: time and memory grew with the square of the length.
  assert _graph_bytes(1000) < 1.1 * _graph_bytes(10)
