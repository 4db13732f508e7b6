"""A tiny TFDS data set, registered once per test session (TFDS refuses a
second registration of a name): 8 gray 4x4 images in 3 classes, from one raw
file that is never downloadable, so that it is prepared only from TFDS's
manual folder."""

import functools
import hashlib

import numpy as np

URL = 'https://example.invalid/tfp-pixel/tiny-images.bin'
IMAGES = np.random.default_rng(11).integers(0, 256, (8, 4, 4, 1),
                                            dtype=np.uint8)
LABELS = np.arange(8, dtype=np.uint8) % 3
RAW = IMAGES.tobytes() + LABELS.tobytes()


@functools.lru_cache(maxsize=None)
def registered_name():
  """Registers the data set (the first time); returns its TFDS name."""
  import tensorflow_datasets as tfds  # pylint: disable=g-import-not-at-top

  class TfpPixelTinyImages(tfds.core.GeneratorBasedBuilder):
    """8 gray 4x4 images in 3 classes, from one raw file."""
    VERSION = tfds.core.Version('1.0.0')
    url_infos = {
        URL: tfds.download.checksums.UrlInfo(
            size=tfds.core.utils.Size(len(RAW)),
            checksum=hashlib.sha256(RAW).hexdigest(),
            filename='tiny-images.bin')
    }

    def _info(self):
      return tfds.core.DatasetInfo(
          builder=self,
          features=tfds.features.FeaturesDict({
              'image': tfds.features.Image(shape=(4, 4, 1)),
              'label': tfds.features.ClassLabel(num_classes=3),
          }))

    def _split_generators(self, dl_manager):
      path = dl_manager.download(URL)
      return {'train': self._generate_examples(path, range(6)),
              'test': self._generate_examples(path, range(6, 8))}

    def _generate_examples(self, path, indices):
      raw = np.frombuffer(path.read_bytes(), np.uint8)
      images = raw[:IMAGES.size].reshape(IMAGES.shape)
      for i in indices:
        yield i, {'image': images[i], 'label': int(raw[IMAGES.size + i])}

  return TfpPixelTinyImages.name
