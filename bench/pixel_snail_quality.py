"""Benchmark: PixelSNAIL against PixelCNN++ at an equal budget, on real digits.

Both models train with the engine (`tfp_pixel.train`) on the 5,000 MNIST
digits beside the project (`../shared/data/mnist-5k`, 28x28x1; 10% held out
for validation, the same split for both), at the same batch (32) and
learning rate, without dropout, from the same seed:

* `pixelsnail`: `tfp_pixel.PixelSNAIL` at its default sizes (2 blocks of 2
  gated residuals, 64 filters, one attention head), 5 logistic components;
* `pixelcnn`: `tfp_pixel.PixelCNN` at the `pixelcnn` family's default sizes
  (one residual layer per block, two resolutions, 32 filters, 5
  components), of a similar parameter count.

PixelSNAIL trains `--steps` steps in `--chunks` epochs; PixelCNN the same
steps, then on (resumed) until its training time reaches PixelSNAIL's.
Prints one JSON object: each model's parameters, images/s and validation
bits/dim after every epoch (`curve`: steps, seconds of training so far,
validation bits/dim); `equal_steps` (both after `--steps` steps) and
`equal_time` (PixelCNN at the epoch whose training time comes closest to
PixelSNAIL's total); `load_average` at the start and the end.

Usage: `python bench/pixel_snail_quality.py [--steps 400] [--chunks 4]`.
"""

import argparse
import json
import os
import sys
import tempfile

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_MNIST = os.path.join(_REPO, '..', 'shared', 'data', 'mnist-5k')
sys.path.insert(0, _REPO)

import numpy as np  # pylint: disable=g-import-not-at-top
import tf_keras  # pylint: disable=g-import-not-at-top

import tfp_pixel  # pylint: disable=g-import-not-at-top
from tfp_pixel import data  # pylint: disable=g-import-not-at-top
from tfp_pixel.engine import configs  # pylint: disable=g-import-not-at-top

_SHAPE = (28, 28, 1)


def main(argv=None):
  args = _parse(argv)
  if not os.path.isdir(_MNIST):
    sys.exit('This benchmark reads ../shared/data/mnist-5k beside the '
             'project.')
  images = data.load_images(_MNIST, shape=_SHAPE).images
  results = {'load_average_start': os.getloadavg(), 'data': 'mnist-5k',
             'images': len(images), 'shape': list(_SHAPE),
             'batch_size': args.batch_size, 'steps': args.steps}
  snail_config = configs.make_config('pixelsnail', _SHAPE,
                                     num_logistic_mix=5)
  cnn_config = configs.make_config('pixelcnn', _SHAPE, dropout_p=0.)
  with tempfile.TemporaryDirectory() as root:
    snail = _train(snail_config, images, args, root, 'pixelsnail',
                   epochs=args.chunks)
    budget = snail['curve'][-1]['train_seconds']
    cnn = _train(cnn_config, images, args, root, 'pixelcnn',
                 epochs=args.chunks)
    per_epoch = cnn['curve'][-1]['train_seconds'] / args.chunks
    more = int(round(budget / per_epoch))
    if more > args.chunks:
      cnn = _train(cnn_config, images, args, root, 'pixelcnn', epochs=more)
  results['pixelsnail'], results['pixelcnn'] = snail, cnn
  at_steps = cnn['curve'][args.chunks - 1]
  at_time = min(cnn['curve'], key=lambda e: abs(e['train_seconds'] - budget))
  final = snail['curve'][-1]
  results['equal_steps'] = {
      'steps': args.steps,
      'pixelsnail_val_bits_per_dim': final['val_bits_per_dim'],
      'pixelcnn_val_bits_per_dim': at_steps['val_bits_per_dim'],
      'pixelsnail_lower': final['val_bits_per_dim'] <
                          at_steps['val_bits_per_dim']}
  results['equal_time'] = {
      'seconds': budget, 'pixelcnn_seconds': at_time['train_seconds'],
      'pixelcnn_steps': at_time['steps'],
      'pixelsnail_val_bits_per_dim': final['val_bits_per_dim'],
      'pixelcnn_val_bits_per_dim': at_time['val_bits_per_dim'],
      'pixelsnail_lower': final['val_bits_per_dim'] <
                          at_time['val_bits_per_dim']}
  results['load_average_end'] = os.getloadavg()
  print(json.dumps(results, indent=2, sort_keys=True))


def _parse(argv):
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('--steps', type=int, default=400)
  parser.add_argument('--chunks', type=int, default=4,
                      help='epochs the steps are split into (a validation '
                           'after each)')
  parser.add_argument('--batch-size', type=int, default=32)
  return parser.parse_args(argv)


def _train(config, images, args, root, name, epochs):
  """Trains (or resumes) the run `root/name` to `epochs` epochs of
  `steps / chunks` steps; returns its parameters, speed and curve."""
  tf_keras.utils.set_random_seed(0)
  train_ds, val_ds = data.make_datasets(images, batch_size=args.batch_size,
                                        validation_fraction=0.1, seed=0)
  steps = args.steps // args.chunks
  result = tfp_pixel.train(
      train_ds, config, run_dir=os.path.join(root, name), epochs=epochs,
      steps_per_epoch=steps, validation_data=val_ds, num_samples=0,
      verbose=False, runs_root=os.path.join(root, 'runs'))
  curve, seconds = [], 0.
  for index, metrics in enumerate(result.metrics):
    seconds += metrics['train_seconds']
    curve.append({'steps': (index + 1) * steps, 'train_seconds': seconds,
                  'val_bits_per_dim': metrics['val_bits_per_dim']})
  return {'config': {k: v for k, v in config.items() if k != 'image_shape'},
          'parameters': int(sum(np.prod(v.shape) for v in
                                result.distribution.trainable_variables)),
          'images_per_second': args.batch_size * steps / min(
              m['train_seconds'] for m in result.metrics),
          'curve': curve}


if __name__ == '__main__':
  main()
