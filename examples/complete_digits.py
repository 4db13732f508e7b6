"""Completes digits whose bottom half is hidden, with the latest run.

Run from the project root after `train_offline.py`:
`python examples/complete_digits.py`. Writes `completions.png`: one row per
digit with the original, the occluded digit and four completions.
"""

from tfp_pixel import data
from tfp_pixel.engine import loading
from tfp_pixel.engine.kinds.images import generation
from tfp_pixel.engine.kinds.images import grids


def main():
  run = loading.open_run()  # The latest run.
  image_shape = run.config['image_shape']
  images = data.load_images(shape=image_shape, max_images=6).images
  known = generation.occlusion_mask('bottom-half', image_shape)
  completions = generation.complete_images(images, known, run,
                                           num_completions=4, seed=1)
  grids.write_png('completions.png',
                  grids.completion_grid(images, known, completions))
  print('wrote completions.png')


if __name__ == '__main__':
  main()
