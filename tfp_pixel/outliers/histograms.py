"""A PNG of the score histograms of inliers and outliers, one panel per
method (`tfp-pixel outliers evaluate --histogram`)."""

import numpy as np

from tfp_pixel.engine import files

__all__ = ['histogram_image', 'write_histograms']

_NUM_BINS = 40
_PANEL = (480, 150)  # Plot area of a panel, in pixels.
_MARGIN = (50, 34, 18, 26)  # Left, top, right, bottom.
_COLOURS = ((31, 119, 180), (255, 127, 14))  # Inliers, outliers.
_OPACITY = 0.6


def histogram_image(scores, titles=None, names=('inliers', 'outliers')):
  """Draws the histograms of two sets' scores for each method.

  Args:
    scores: `dict` from each method to `(inlier_scores, outlier_scores)`.
    titles: `dict` from each method to its panel's title (default: the
      method's name).
    names: the legend's names of the two sets.

  Returns:
    image: uint8 `np.ndarray` `[height, width, 3]`, one panel per method
      from top to bottom; each panel's bars share bins over both sets'
      range, normalized to the set's size.
  """
  from PIL import Image  # pylint: disable=g-import-not-at-top
  from PIL import ImageDraw  # pylint: disable=g-import-not-at-top
  titles = titles or {}
  left, top, right, bottom = _MARGIN
  width, height = _PANEL
  panel_height = top + height + bottom
  image = Image.new('RGB', (left + width + right,
                            panel_height * max(1, len(scores))), 'white')
  draw = ImageDraw.Draw(image)
  for row, (method, pair) in enumerate(scores.items()):
    y0 = row * panel_height + top
    values = [np.asarray(s, np.float64) for s in pair]
    finite = np.concatenate([v[np.isfinite(v)] for v in values])
    low, high = ((finite.min(), finite.max()) if finite.size else (0., 1.))
    if high <= low:
      high = low + 1.
    edges = np.linspace(low, high, _NUM_BINS + 1)
    densities = [np.histogram(np.clip(v, low, high), edges)[0] / max(1, v.size)
                 for v in values]
    peak = max(float(d.max()) for d in densities) or 1.
    bar = width / _NUM_BINS
    for colour, density in zip(_COLOURS, densities):
      overlay = Image.new('RGB', image.size, colour)
      mask = Image.new('L', image.size, 0)
      mask_draw = ImageDraw.Draw(mask)
      for k, share in enumerate(density):
        if share > 0:
          mask_draw.rectangle(
              [left + k * bar, y0 + height * (1. - share / peak),
               left + (k + 1) * bar - 1, y0 + height],
              fill=int(255 * _OPACITY))
      image.paste(overlay, (0, 0), mask)
    draw.rectangle([left, y0, left + width, y0 + height], outline='black')
    draw.text((left, y0 - 26), titles.get(method, method), fill='black')
    for k, name in enumerate(names):
      x = left + width - 150 + 75 * k
      draw.rectangle([x, y0 - 24, x + 10, y0 - 14], fill=_COLOURS[k])
      draw.text((x + 14, y0 - 26), name, fill='black')
    for value, x, anchor in ((low, left, 'la'), (high, left + width, 'ra')):
      draw.text((x, y0 + height + 4), '{:.3g}'.format(value), fill='black',
                anchor=anchor)
    draw.text((left + width / 2, y0 + height + 4), 'score (bits/dim)',
              fill='black', anchor='ma')
  return np.asarray(image)


def write_histograms(path, scores, titles=None, names=('inliers', 'outliers')):
  """Writes `histogram_image(scores, titles, names)` to the PNG `path`,
  atomically."""
  from PIL import Image  # pylint: disable=g-import-not-at-top
  pil = Image.fromarray(histogram_image(scores, titles, names))
  files.write_atomically(path, lambda f: pil.save(f, format='PNG'))
