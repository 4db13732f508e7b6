"""Per-pixel log-probabilities: each channel's term of an image model's
chain rule.

An image model factors `log p(x)` over pixels in raster order and, within a
pixel, over channels: `per_pixel_log_prob` returns every term, so that a map
of them shows where an image is unlikely, and their sum is `log_prob`. Each
model computes its own terms (its `_per_pixel_log_prob`, see
`base.AutoregressiveImage`).
"""

import tensorflow as tf

__all__ = ['per_pixel_log_prob']


def per_pixel_log_prob(dist, x, conditional_input=None):
  """`log p(x[..., i, j, c] | everything before it)` for every channel.

  Args:
    dist: an image model of the package (`CategoricalPixelCNN`, `PixelRNN`,
      `PixelSNAIL`, `PixelCNN`), at its temperature.
    x: events `[*S, height, width, channels]`, as `dist.log_prob` takes them.
    conditional_input: for a conditional model, one-hot labels
      `[*B, num_classes]` or maps `[*B, height, width, features]`, with `B`
      broadcasting against `S` as in `log_prob`; `None` otherwise.

  Returns:
    log_probs: float `Tensor` `[*broadcast(S, B), height, width, channels]`:
      each channel's term of the chain rule, in the model's order (raster
      order, then channels); summed over the last three axes it is
      `dist.log_prob(x, conditional_input=conditional_input)`.

  Raises:
    ValueError: if `dist` is not an image model, or `x` or
      `conditional_input` does not fit it.
  """
  terms = getattr(dist, '_per_pixel_log_prob', None)
  if terms is None:
    raise ValueError('per_pixel_log_prob needs an image model, got {}.'.format(
        type(dist).__name__))
  x = tf.convert_to_tensor(x, dtype_hint=dist.dtype)
  return terms(x, conditional_input=conditional_input)
