"""Benchmark: sampling 64x64x3 images through a VQ-VAE's 16x16 grid of 512
codes, against sampling them pixel by pixel with `tfp_pixel.PixelCNN`.

The two-stage model (`code_priors.two_stage.TwoStageModel`) draws a 16x16
grid of codes with its prior's fast sampler (a gated `CategoricalPixelCNN`
of 512 levels at its default sizes) and decodes it with the VQ-VAE's
decoder (`tfp_pixel.VQVAE((64, 64, 3), num_codes=512, code_dim=64,
downsample=4)`, default filters): 256 steps where PixelCNN++ takes 4,096
(x 3 channels). Both models are freshly initialized: sampling costs the same
whatever the weights. Each figure is the steady-state call after a first
(tracing, compiling) one, of `--batch` (16) images from the same seed, the
prior uncompiled (as on a CPU by default) and compiled with XLA.

Prints one JSON object: the seconds of the two-stage model (`prior` codes,
`decode`, `total`) and of `tfp_pixel.PixelCNN((64, 64, 3))`'s fast sampler
(the `pixelcnn` family's default sizes; uncompiled and XLA), their ratios,
and `load_average` at the start and the end.

Usage: `python bench/vqvae_sampling.py [--batch 16] [--skip-pixelcnn]`.
"""

import argparse
import json
import os
import sys
import time

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, _REPO)

import numpy as np  # pylint: disable=g-import-not-at-top
import tensorflow as tf  # pylint: disable=g-import-not-at-top

import tfp_pixel  # pylint: disable=g-import-not-at-top
from tfp_pixel.code_priors import two_stage  # pylint: disable=g-import-not-at-top
from tfp_pixel.engine import configs  # pylint: disable=g-import-not-at-top
from tfp_pixel.sampling import pixel_sampler  # pylint: disable=g-import-not-at-top

_SHAPE = (64, 64, 3)


def main(argv=None):
  args = _parse(argv)
  results = {'load_average_start': os.getloadavg(), 'batch': args.batch,
             'device': 'GPU' if tf.config.list_logical_devices('GPU')
                       else 'CPU', 'image_shape': list(_SHAPE)}
  tf.random.set_seed(0)
  vqvae = tfp_pixel.VQVAE(_SHAPE, num_codes=512, code_dim=64, downsample=4)
  prior = tfp_pixel.CategoricalPixelCNN((16, 16, 1), num_levels=512,
                                        architecture='gated')
  model = two_stage.TwoStageModel(vqvae, prior)
  decode = tf.function(lambda codes: model.decode(codes))
  results['two_stage'] = {
      'grid': [16, 16], 'num_codes': 512,
      'vqvae_parameters': _parameters(vqvae),
      'prior_parameters': _parameters(prior)}
  for name, jit in (('uncompiled', False), ('xla', True)):
    codes_seconds, codes = _seconds(lambda seed, jit=jit: pixel_sampler.sample(
        prior, args.batch, seed, jit_compile=jit)[..., 0])
    decode_seconds, images = _seconds(lambda seed, c=codes: decode(c))
    results['two_stage'][name] = {
        'prior_seconds': codes_seconds, 'decode_seconds': decode_seconds,
        'total_seconds': codes_seconds + decode_seconds}
    assert images.shape == (args.batch, *_SHAPE)
  if not args.skip_pixelcnn:
    pixel_cnn = configs.build_model(configs.make_config('pixelcnn', _SHAPE))
    results['pixelcnn'] = {'parameters': _parameters(pixel_cnn)}
    for name, jit in (('uncompiled', False), ('xla', True)):
      results['pixelcnn'][name + '_seconds'] = _seconds(
          lambda seed, jit=jit: pixel_sampler.sample(
              pixel_cnn, args.batch, seed, jit_compile=jit))[0]
    for name in ('uncompiled', 'xla'):
      results['ratio_pixelcnn_over_two_stage_' + name] = (
          results['pixelcnn'][name + '_seconds'] /
          results['two_stage'][name]['total_seconds'])
  results['load_average_end'] = os.getloadavg()
  print(json.dumps(results, indent=2, sort_keys=True))


def _parse(argv):
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('--batch', type=int, default=16)
  parser.add_argument('--skip-pixelcnn', action='store_true',
                      help='leave out the (slow) PixelCNN baseline')
  return parser.parse_args(argv)


def _parameters(model):
  return int(sum(np.prod(v.shape) for v in model.trainable_variables))


def _seconds(function, calls=2):
  """Seconds of the last of `calls` calls (the first traces and compiles),
  and its result; every call gets the seed `(1, 2)`."""
  for _ in range(calls):
    start = time.perf_counter()
    result = np.asarray(function(tf.constant([1, 2])))
    seconds = time.perf_counter() - start
  return seconds, result


if __name__ == '__main__':
  main()
