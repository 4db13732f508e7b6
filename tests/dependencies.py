"""Which inputs an output depends on, by gradients: the receptive-field and
causality checks of single networks and layers."""

import numpy as np
import tensorflow as tf


def pixel_dependencies(function, inputs, pixels=None):
  """The inputs the outputs at each pixel have a non-zero gradient for.

  Args:
    function: maps `inputs` to outputs `[batch, H, W, ...]`.
    inputs: float `[batch, H, W, features]`.
    pixels: `(i, j)` pairs; all pixels when `None`.

  Returns:
    dependencies: `{(i, j): boolean [H, W]}`, summed over the batch and the
      features of both.
  """
  inputs = tf.convert_to_tensor(inputs)
  _, height, width, _ = inputs.shape
  if pixels is None:
    pixels = [(i, j) for i in range(height) for j in range(width)]
  with tf.GradientTape(persistent=True) as tape:
    tape.watch(inputs)
    outputs = function(inputs)
    totals = {(i, j): tf.reduce_sum(outputs[:, i, j]) for i, j in pixels}
  return {pixel: np.abs(tape.gradient(total, inputs).numpy()).sum(
      axis=(0, 3)) > 0. for pixel, total in totals.items()}


def earlier_pixels(height, width, i, j):
  """Boolean `[H, W]`: the pixels before `(i, j)` in raster order."""
  return np.arange(height * width).reshape(height, width) < i * width + j
