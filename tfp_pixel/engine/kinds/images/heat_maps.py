"""Per-pixel maps of scored images, written to a folder.

For each image, `MapWriter` writes `<name>.npy`, the float32 `[H, W, C]`
per-channel log-probabilities in nats, and `<name>.png`: the image (as the
model sees it, each pixel a `scale x scale` square) beside its heat map of
bits per pixel (`-log2 p` summed over the pixel's channels), and a colour bar
with its values in bits. All the maps of a writer share one colour scale, from
0 to the largest bits per pixel of all its images, so the PNGs are drawn once
every image is in (`finish`): meanwhile each image and its map wait in an
unnamed temporary file in the folder, and memory holds one image at a time.

Files are written atomically (`files.write_atomically`), replacing rather
than writing through a link at their names; the folder itself may not be a
link.
"""

import functools
import math
import os
import re
import tempfile

import numpy as np

from tfp_pixel.engine import files
from tfp_pixel.engine.kinds.images import grids

__all__ = ['BAR_WIDTH', 'MARGIN', 'PANEL_GAP', 'MapWriter', 'bits_per_pixel',
           'canvas_size', 'check_folder', 'colorize', 'map_name', 'render']

MARGIN = 6
PANEL_GAP = 6
BAR_WIDTH = 12
_TICK = 3
_LABEL_WIDTH = 40
_CAPTION_HEIGHT = 14
_BACKGROUND = 255
_INK = (0, 0, 0)
_MAX_NAME = 100

# matplotlib's 'inferno' colormap (Nathaniel Smith and Stefan van der Walt,
# CC0), sampled at 11 evenly spaced points; dark is likely, bright unlikely.
_STOPS = np.array([
    (0x00, 0x00, 0x04), (0x16, 0x0b, 0x39), (0x42, 0x0a, 0x68),
    (0x6a, 0x17, 0x6e), (0x93, 0x26, 0x67), (0xbc, 0x37, 0x54),
    (0xdd, 0x51, 0x3a), (0xf3, 0x78, 0x19), (0xfc, 0xa5, 0x0a),
    (0xf6, 0xd7, 0x46), (0xfc, 0xff, 0xa4)], np.float64)


def bits_per_pixel(log_probs):
  """`-log2 p` of each pixel: float `[..., H, W, C]` log-probabilities in
  nats summed over channels, a float32 `np.ndarray` `[..., H, W]`."""
  return (-np.sum(np.asarray(log_probs, np.float64), axis=-1) /
          math.log(2)).astype(np.float32)


def colorize(values, top):
  """The colours of `values` on the scale from 0 to `top`.

  Args:
    values: float `np.ndarray` of any shape; values outside `[0, top]` get
      the end colours, `nan` the bottom one.
    top: Python `float`, the value of the top colour (at least a tiny
      positive number is used).

  Returns:
    rgb: uint8 `np.ndarray` `[*values.shape, 3]`.
  """
  position = np.nan_to_num(np.asarray(values, np.float64) / max(top, 1e-12),
                           nan=0.)
  position = np.clip(position, 0., 1.) * (len(_STOPS) - 1)
  low = np.minimum(np.floor(position).astype(np.int64), len(_STOPS) - 2)
  weight = (position - low)[..., np.newaxis]
  rgb = _STOPS[low] * (1. - weight) + _STOPS[low + 1] * weight
  return np.round(rgb).astype(np.uint8)


def canvas_size(image_shape, scale=None):
  """`(height, width)` of the PNG `render` draws of an image of
  `image_shape`, each pixel `scale` times larger (`None`:
  `grids.default_scale`)."""
  height, width = (int(d) for d in image_shape[:2])
  scale = scale or grids.default_scale(height, width)
  return (2 * MARGIN + scale * height + _CAPTION_HEIGHT,
          2 * MARGIN + 2 * (scale * width + PANEL_GAP) + BAR_WIDTH + _TICK +
          _LABEL_WIDTH)


def render(image, bits, top, scale=None):
  """The image beside its heat map of bits per pixel and a colour bar.

  On a white canvas, from the left: the image, its heat map (bits per pixel
  coloured from 0 to `top`), a colour bar with tick values in bits; captions
  below. The image and the map are `MARGIN` from the canvas's top-left
  corner and `PANEL_GAP` apart.

  Args:
    image: uint8 `np.ndarray` `[H, W, 1 or 3]`.
    bits: float `np.ndarray` `[H, W]`, bits per pixel.
    top: Python `float`, the value of the scale's top colour.
    scale: Python `int`, the side of the square each pixel becomes; `None`
      for `grids.default_scale`.

  Returns:
    canvas: uint8 `np.ndarray` `[*canvas_size(image.shape, scale), 3]`.
  """
  from PIL import Image  # pylint: disable=g-import-not-at-top
  from PIL import ImageDraw  # pylint: disable=g-import-not-at-top
  image = np.asarray(image, np.uint8)
  height, width = image.shape[:2]
  scale = scale or grids.default_scale(height, width)
  side, across = scale * height, scale * width
  canvas = np.full(canvas_size(image.shape, scale) + (3,), _BACKGROUND,
                   np.uint8)
  map_left = MARGIN + across + PANEL_GAP
  bar_left = map_left + across + PANEL_GAP
  panels = ((MARGIN, np.broadcast_to(image, (height, width, 3))),
            (map_left, colorize(bits, top)))
  for left, panel in panels:
    canvas[MARGIN:MARGIN + side, left:left + across] = (
        panel.repeat(scale, axis=0).repeat(scale, axis=1))
  ramp = np.linspace(top, 0., side) if side > 1 else np.array([top])
  canvas[MARGIN:MARGIN + side, bar_left:bar_left + BAR_WIDTH] = colorize(
      ramp, top)[:, np.newaxis]

  pil = Image.fromarray(canvas)
  draw = ImageDraw.Draw(pil)
  font = _font()
  tick_left = bar_left + BAR_WIDTH
  for value in _ticks(top):
    y = MARGIN + round((1. - value / top) * (side - 1)) if top > 0 else (
        MARGIN + side - 1)
    draw.line([(tick_left, y), (tick_left + _TICK - 1, y)], fill=_INK)
    draw.text((tick_left + _TICK + 1, y), _tick_text(value), fill=_INK,
              font=font, anchor='lm')
  caption_y = MARGIN + side + _CAPTION_HEIGHT // 2
  draw.text((MARGIN, caption_y), 'image', fill=_INK, font=font, anchor='lm')
  draw.text((map_left, caption_y), 'bits per pixel', fill=_INK, font=font,
            anchor='lm')
  return np.asarray(pil)


def map_name(path):
  """The file name (without extension) of the maps of the image `path`.

  The image file's name without its extension; image `i` of an array file
  (`FILE[i]`) is `NAME-i`. Characters other than letters, digits, `.`, `_`,
  `+` and `-` become `_`, leading dots are dropped (an empty name is
  `image`), and the name is cut to 100 characters.
  """
  match = re.fullmatch(r'(.*)\[(\d+)\]', os.fspath(path), flags=re.DOTALL)
  base, index = (match.group(1), match.group(2)) if match else (path, None)
  name = os.path.splitext(os.path.basename(os.fspath(base)))[0]
  if index is not None:
    name += '-' + index
  name = re.sub(r'[^\w.+-]', '_', name).lstrip('.')[:_MAX_NAME]
  return name or 'image'


def check_folder(folder):
  """Checks that `folder` can hold maps: missing, or a folder, not a link.

  Raises:
    ValueError: one line, if `folder` is a symbolic link or not a folder.
  """
  folder = os.fspath(folder)
  if os.path.islink(folder):
    raise ValueError(
        '{} is a symbolic link (to {}): per-pixel maps are not written '
        'through a link; name a real folder.'.format(folder,
                                                     os.readlink(folder)))
  if os.path.exists(folder) and not os.path.isdir(folder):
    raise ValueError('{} is not a folder: name a folder for the per-pixel '
                     'maps.'.format(folder))


class MapWriter(object):
  """Writes the per-pixel maps of images of one shape to a folder.

  `add` each image as it is scored (writing its `.npy`), then `finish` to
  draw every PNG on the scale of all of them; `close` (or leaving the
  `with` block) drops what waits to be drawn.

  Each image's maps are named by `map_name`, made unique in the order the
  images are added: a name already given gets `-2`, `-3`, ... (the first
  free).

  Args:
    folder: where to write; created if missing.
    image_shape: `(height, width, channels)` of every image.
    scale: Python `int`, each pixel's side in the PNGs; `None` for
      `grids.default_scale`.

  Raises:
    ValueError: if `folder` is a symbolic link or not a folder.
  """

  def __init__(self, folder, image_shape, scale=None):
    check_folder(folder)
    os.makedirs(folder, exist_ok=True)
    self._folder = os.fspath(folder)
    self._shape = tuple(int(d) for d in image_shape)
    self._scale = scale
    self._names = []
    self._taken = set()
    self._top = 0.
    self._pending = tempfile.TemporaryFile(dir=self._folder,
                                           prefix=files.TEMP_PREFIX)

  @property
  def folder(self):
    """`str`, where the maps are written."""
    return self._folder

  @property
  def count(self):
    """Python `int`, the images added."""
    return len(self._names)

  @property
  def top(self):
    """Python `float`, the top of the colour scale: the largest finite bits
    per pixel of the images added (0 before any)."""
    return self._top

  def add(self, path, image, log_probs):
    """Writes `<name>.npy` of an image and keeps it to be drawn.

    Args:
      path: `str`, the image's path as scored (`FILE[i]` in an array file).
      image: uint8 `[H, W, C]`, the image as the model sees it.
      log_probs: float `[H, W, C]`, its per-channel log-probabilities in
        nats.

    Returns:
      name: `str`, the name of its maps (without extension).
    """
    image = np.asarray(image, np.uint8)
    log_probs = np.asarray(log_probs, np.float32)
    if image.shape != self._shape or log_probs.shape != self._shape:
      raise ValueError('per-pixel maps of {} images, got an image of {} and '
                       'terms of {}.'.format(self._shape, image.shape,
                                             log_probs.shape))
    name = self._unique(map_name(path))
    files.write_atomically(os.path.join(self._folder, name + '.npy'),
                           lambda f: np.save(f, log_probs))
    bits = bits_per_pixel(log_probs)
    finite = bits[np.isfinite(bits)]
    if finite.size:
      self._top = max(self._top, float(finite.max()))
    self._pending.write(image.tobytes() + bits.tobytes())
    self._names.append(name)
    return name

  def finish(self):
    """Draws `<name>.png` of every image added, on one colour scale.

    Returns:
      count: Python `int`, the PNGs written.
    """
    height, width, channels = self._shape
    image_bytes = height * width * channels
    record = image_bytes + height * width * 4
    self._pending.seek(0)
    for name in self._names:
      data = self._pending.read(record)
      image = np.frombuffer(data[:image_bytes], np.uint8).reshape(self._shape)
      bits = np.frombuffer(data[image_bytes:], np.float32).reshape(
          height, width)
      grids.write_png(os.path.join(self._folder, name + '.png'),
                      render(image, bits, self._top, self._scale))
    return len(self._names)

  def close(self):
    """Drops the images waiting to be drawn (the temporary file)."""
    self._pending.close()

  def __enter__(self):
    return self

  def __exit__(self, *exc_info):
    self.close()
    return False

  def _unique(self, name):
    candidate, suffix = name, 2
    while candidate in self._taken:
      candidate, suffix = '{}-{}'.format(name, suffix), suffix + 1
    self._taken.add(candidate)
    return candidate


def _ticks(top):
  """Tick values from 0 to at most `top`, 2 to 6 of them, at a round step."""
  if not top > 0 or not math.isfinite(top):
    return [0.]
  step = 10. ** math.floor(math.log10(top / 5.))
  for factor in (1., 2., 5., 10.):
    if top / (step * factor) <= 5.:
      step *= factor
      break
  ticks = [k * step for k in range(int(top / step + 1e-9) + 1)]
  return ticks if len(ticks) >= 2 else [0., top]


@functools.lru_cache(maxsize=None)
def _font():
  from PIL import ImageFont  # pylint: disable=g-import-not-at-top
  return ImageFont.load_default()


def _tick_text(value):
  return '{:.3g}'.format(value)
