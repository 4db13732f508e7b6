"""Which inputs an output depends on, by gradients: the receptive-field and
causality checks of single networks and layers."""

import itertools

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


def channel_dependencies(function, inputs):
  """The inputs each channel's outputs at each pixel have a non-zero
  gradient for.

  Args:
    function: maps `inputs` (of any batch size) to outputs
      `[batch, H, W, C, ...]`, each image's from its own inputs.
    inputs: float `[batch, H, W, C]`.

  Returns:
    dependencies: `{(i, j, c): boolean [H, W, C]}`, summed over the batch
      and the outputs' trailing dimensions.
  """
  inputs = tf.convert_to_tensor(inputs)
  batch, height, width, channels = inputs.shape
  indices = list(itertools.product(range(height), range(width),
                                   range(channels)))
  # One backward pass: a copy of the batch per output, each copy's loss the
  # sum of its own output (images of a batch do not interact).
  copies = tf.tile(inputs[tf.newaxis], [len(indices), 1, 1, 1, 1])
  pick = np.zeros((len(indices), 1, height, width, channels), np.float32)
  for copy, index in enumerate(indices):
    pick[(copy, 0) + index] = 1.
  with tf.GradientTape() as tape:
    tape.watch(copies)
    outputs = function(tf.reshape(copies, [-1, height, width, channels]))
    outputs = tf.reshape(outputs, [len(indices), batch, height, width,
                                   channels, -1])
    total = tf.reduce_sum(outputs * pick[..., np.newaxis])
  gradients = np.abs(tape.gradient(total, copies).numpy()).sum(axis=1) > 0.
  return dict(zip(indices, gradients))


def earlier_inputs(shape, i, j, channel):
  """Boolean `[H, W, C]`: the inputs before channel `channel` of pixel
  `(i, j)`, pixels in raster order and channels in order within a pixel."""
  height, width, channels = shape
  earlier = np.repeat(earlier_pixels(height, width, i, j)[..., np.newaxis],
                      channels, axis=-1)
  earlier[i, j, :channel] = True
  return earlier


def earlier_pixels(height, width, i, j):
  """Boolean `[H, W]`: the pixels before `(i, j)` in raster order."""
  return np.arange(height * width).reshape(height, width) < i * width + j
