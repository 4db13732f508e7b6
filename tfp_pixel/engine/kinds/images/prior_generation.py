"""Sampling a prior run (a VQ-VAE and the prior(s) over its codes):
`tfp-pixel sample --run PRIOR_RUN`.

Images are drawn `BATCH` at a time, batch `k` with the seed folded with `k`
(as `generation.draw_batches`), so that memory is bounded whatever the
number of images; each batch's codes come with it, for `--codes`.
"""

import numpy as np
import tensorflow as tf

from tfp_pixel.engine import files

__all__ = ['BATCH', 'sample_batches', 'write_codes']

BATCH = 16


def sample_batches(model, num_samples, seed=0):
  """Yields `(images, codes)` of `num_samples` draws of a `TwoStageModel`,
  a batch at a time: uint8 `[n, H, W, C]`, and int32 `[n, h, w]` codes (a
  `(top, bottom)` pair for VQ-VAE-2). `seed` is an int or a stateless
  `(a, b)` seed."""
  if isinstance(seed, int):
    seed = (seed, 0)
  seed = tf.cast(tf.convert_to_tensor(seed), tf.int32)
  for batch, start in enumerate(range(0, num_samples, BATCH)):
    count = min(BATCH, num_samples - start)
    batch_seed = tf.random.experimental.stateless_fold_in(seed, batch)
    codes = model.sample_codes(count, seed=batch_seed)
    images = model.decode(codes)
    yield np.asarray(images), tuple(
        np.asarray(c) for c in (codes if isinstance(codes, tuple) else
                                (codes,)))


def write_codes(path, codes):
  """Writes the codes drawn, atomically: an `.npy` of one grid of codes
  `[N, h, w]`, or an `.npz` of `top` and `bottom` (VQ-VAE-2)."""

  def write(f):
    if len(codes) == 1:
      np.save(f, codes[0])
    else:
      np.savez(f, top=codes[0], bottom=codes[1])

  files.write_atomically(path, write)
