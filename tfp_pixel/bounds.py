"""Bounds on what one command holds in memory, all in one place.

A typo in an option value (`sample -n 100000`, `--scale 100000`) or a hostile
file (a zip bomb given as `--dataset`, a 12000x12000 PNG of 420 KB) must be
refused in one line before the work starts, not take the machine down. Each
bound is a module constant that the code which allocates reads when it checks
(tests lower them); this module imports no TensorFlow.

The bounds, and the code that checks them:

- `MAX_IMAGE_PIXELS`: the pixels of one decoded image file, after a JPEG's
  draft scaling (`data.folder`).
- `MAX_LOADED_BYTES`: the bytes of images a source loads, and of one array
  read whole: an `.npz` member, an IDX file (`data.folder`, `data.arrays`,
  `data.idx`).
- `MAX_GRID_PIXELS`: the pixels of one PNG grid, held whole to be encoded
  (`engine.grids`).
- `SAMPLE_BATCH_VALUES`: the image values drawn in one sampling batch; the
  sampler's activations grow with it (`engine.generation`).
- `SCORE_BATCH_VALUES`: the image values of one scoring batch, whatever
  `--batch-size` asks (`engine.scoring`).
- `CONVERT_CHUNK_VALUES`: the image values resized or converted at once, as
  float32 copies (`data.convert`).
"""

import os

__all__ = ['CONVERT_CHUNK_VALUES', 'EXPORT_SAMPLE_VALUES',
           'EXPORT_SCORE_VALUES', 'MAX_GRID_PIXELS', 'MAX_IMAGE_PIXELS',
           'MAX_LOADED_BYTES', 'SAMPLE_BATCH_VALUES', 'SCORE_BATCH_VALUES',
           'environment_number', 'format_bytes', 'format_pixels']

# 8192 x 8192: decoded as RGBA by Pillow, 256 MiB.
MAX_IMAGE_PIXELS = 2**26
# 2 GiB: MNIST (47 MB) and CIFAR-10 (150 MB) many times over.
MAX_LOADED_BYTES = 2**31
# 8192 x 8192: an RGB grid and Pillow's copy of it, about 0.5 GiB.
MAX_GRID_PIXELS = 2**26
# 20 images of 28x28x1, 5 of 32x32x3, 256 of 8x8x1. At 28x28 the sampler of
# the default model (the mixture PixelCNN++, 32 filters) holds about 32 kB
# per value, 0.5 GB a batch; the default categorical model's about 10 kB.
SAMPLE_BATCH_VALUES = 2**14
# 83 images of 28x28x1 (the default batch of 64 fits), 21 of 32x32x3; a
# forward pass of the default categorical model holds about 4 KB per value.
SCORE_BATCH_VALUES = 2**16
# 16 MB for each float32 copy a conversion makes.
CONVERT_CHUNK_VALUES = 2**22
# Image values one call of an exported model's signature takes or draws (a
# graph call is not split into batches): four of the commands' batches.
# Peaks of a process serving the book's models (`bench/export_memory.py`):
# the scoring signatures (`log_prob`, `per_pixel_log_prob`, `bound`, ...),
# 334 images of 28x28x1: 1.7 GB (PixelCNN++), 1.3 GB (categorical).
EXPORT_SCORE_VALUES = 4 * SCORE_BATCH_VALUES
# `sample` and `complete`, 83 images of 28x28x1: 2.8 GB, 1.3 GB.
EXPORT_SAMPLE_VALUES = 4 * SAMPLE_BATCH_VALUES


def environment_number(variable, default, unit):
  """The positive, finite number the environment variable `variable` holds,
  or `default` when it is unset or blank.

  Args:
    variable: Python `str`, the variable's name.
    default: what an unset variable means.
    unit: Python `str`, what the number counts (`'seconds'`), for the
      message.

  Raises:
    ValueError: one line, if the variable holds anything else.
  """
  text = os.environ.get(variable, '').strip()
  if not text:
    return default
  try:
    number = float(text)
  except ValueError:
    number = float('nan')
  if not 0 < number < float('inf'):
    raise ValueError('{} must be a positive number of {}, got {!r}.'.format(
        variable, unit, text))
  return number


def format_bytes(count):
  """`count` bytes in words, in binary units: `'512 bytes'`, `'3.2 GiB'`,
  `'5,090 TiB'`, `'7.1e+06 TiB'`."""
  for unit, size in (('TiB', 2**40), ('GiB', 2**30), ('MiB', 2**20),
                     ('KiB', 2**10)):
    if count >= size:
      value = count / size
      shown = ('{:.3g}' if value < 1e3 else '{:,.0f}' if value < 1e6 else
               '{:.2g}').format(value)
      return '{} {}'.format(shown, unit)
  return '{} bytes'.format(int(count))


def format_pixels(count):
  """A pixel count in words: `'144 million pixels'`, `'4096 pixels'`."""
  if count >= 1e6:
    return '{:,.0f} million pixels'.format(count / 1e6)
  return '{} pixels'.format(int(count))
