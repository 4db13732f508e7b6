"""Trains a small categorical PixelCNN on scikit-learn's 8x8 digits (offline).

Run from the project root: `python examples/train_offline.py`. About a minute
on a laptop CPU. The run lands in `runs/` and becomes the latest run, which
`score_folder.py` and `sample_temperatures.py` then use.
"""

import tfp_pixel
from tfp_pixel import data


def main():
  images = data.load_images(shape=(8, 8, 1)).images  # 1,797 real digits.
  train_ds, val_ds = data.make_datasets(images, batch_size=32)
  config = tfp_pixel.make_config('categorical', (8, 8, 1), num_levels=8,
                                 num_filters=32, num_residual_blocks=3)
  result = tfp_pixel.train(train_ds, config, validation_data=val_ds,
                           epochs=5, num_samples=16)
  print('Run:', result.run_dir)
  for record in result.metrics:
    print('epoch {epoch}: validation {val_bits_per_dim:.3f} bits/dim'.format(
        **record))


if __name__ == '__main__':
  main()
