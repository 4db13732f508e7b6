"""Samples grids from the latest run at several temperatures.

Run from the project root: `python examples/sample_temperatures.py`. Writes
`samples-T0.6.png`, `samples-T0.8.png` and `samples-T1.0.png`: lower
temperatures give cleaner, less varied digits.
"""

from tfp_pixel.engine import loading
from tfp_pixel.engine.kinds.images import generation
from tfp_pixel.engine.kinds.images import grids


def main():
  run = loading.open_run()  # The latest run.
  for temperature in (0.6, 0.8, 1.0):
    images = generation.sample_images(run, num_samples=16,
                                      temperature=temperature, seed=1)
    path = 'samples-T{:.1f}.png'.format(temperature)
    grids.save_images(images, path)
    print('wrote', path)


if __name__ == '__main__':
  main()
