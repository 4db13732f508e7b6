"""The offline default data set: scikit-learn's bundled handwritten digits.

`sklearn.datasets.load_digits` ships with scikit-learn, so it loads without a
network: 1,797 real 8x8 gray images of the digits 0-9 (intensities 0-16,
rescaled here to 0-255) with their labels.
"""

import numpy as np

from tfp_pixel.data import convert
from tfp_pixel.data.image_set import ImageSet

__all__ = ['OFFLINE_DEFAULT_NAME', 'load_offline_default']

OFFLINE_DEFAULT_NAME = 'sklearn_digits'
_MAX_INTENSITY = 16


def load_offline_default(shape=None, with_labels=False, max_images=None):
  """Loads the 8x8 digits bundled with scikit-learn.

  Args:
    shape: optional target `(height, width, channels)`; `None` keeps 8x8x1.
    with_labels: Python `bool`, whether to return the digit labels (10
      classes).
    max_images: optional cap on the number of images (the first ones).

  Returns:
    image_set: an `ImageSet` named `OFFLINE_DEFAULT_NAME`.
  """
  from sklearn import datasets  # pylint: disable=g-import-not-at-top
  digits = datasets.load_digits()
  images = digits.images[:max_images, :, :, np.newaxis]
  images = np.round(images * (255. / _MAX_INTENSITY)).astype(np.uint8)
  images = convert.convert_images(images, shape, source=OFFLINE_DEFAULT_NAME)
  labels = num_classes = None
  if with_labels:
    labels = digits.target[:max_images].astype(np.int64)
    num_classes = len(digits.target_names)
  return ImageSet(images, labels, num_classes, OFFLINE_DEFAULT_NAME)
