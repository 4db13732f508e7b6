"""Completes digits whose bottom half is hidden, with the latest run.

Run from the project root after `train_offline.py`:
`python examples/complete_digits.py`. Writes `completions.png`: one row per
digit with the original, the occluded digit and four completions.
"""

from tfp_pixel import data
from tfp_pixel import generation
from tfp_pixel import grids
from tfp_pixel import runs


def main():
  image_shape = runs.read_config(runs.resolve_run_dir())['image_shape']
  images = data.load_images(shape=image_shape, max_images=6).images
  known = generation.occlusion_mask('bottom-half', image_shape)
  completions = generation.complete_images(images, known, num_completions=4,
                                           seed=1)
  grids.write_png('completions.png',
                  grids.completion_grid(images, known, completions))
  print('wrote completions.png')


if __name__ == '__main__':
  main()
