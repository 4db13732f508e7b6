"""Scores a folder of images with the latest run (see train_offline.py).

Run from the project root: `python examples/score_folder.py [FOLDER]`. Without
a folder it writes a few digits as PNG files to `example_images/` and scores
them, together with one broken file to show how bad input is reported.
"""

import os
import sys

from PIL import Image

import tfp_pixel
from tfp_pixel import data


def main():
  folder = sys.argv[1] if len(sys.argv) > 1 else _write_examples()
  report = tfp_pixel.score(folder)
  print('Run:', report.run_dir)
  for score in report.scores:
    print('{:40s} {:8.2f} nats {:6.3f} bits/dim'.format(
        score.path, score.nll, score.bits_per_dim))
  if report.mean:
    print('{:40s} {:8.2f} nats {:6.3f} bits/dim'.format(
        'mean', report.mean.nll, report.mean.bits_per_dim))
  for skipped in report.skipped:
    print('skipped {}: {}'.format(skipped.path, skipped.reason))


def _write_examples(folder='example_images'):
  os.makedirs(folder, exist_ok=True)
  images = data.load_images(max_images=4).images
  for i, image in enumerate(images):
    Image.fromarray(image[..., 0]).save(
        os.path.join(folder, 'digit-{}.png'.format(i)))
  with open(os.path.join(folder, 'broken.png'), 'wb') as f:
    f.write(b'not really a PNG')
  return folder


if __name__ == '__main__':
  main()
