"""Benchmark: peak memory of an exported model's signatures at their bounds.

Prints one JSON object. For each model at 28x28x1 (random weights, seeded,
as in `bench/export.py`: `mixture`, the book's PixelCNN++; `plain`, the
categorical model of 256 levels, 64 filters, 5 blocks), the model is
exported, and each signature is called at its bound in a fresh Python
process that loads the SavedModel with TensorFlow alone: `sample` of
`bounds.EXPORT_SAMPLE_VALUES` values (83 images) and `log_prob` of
`bounds.EXPORT_SCORE_VALUES` values (334 images). `peak_gb` is the process's
peak resident memory (`ru_maxrss`), `rise_gb` its rise over a call of one
image. `load_average` is `os.getloadavg()` at the start and at the end.

Run from the repository root (about 2 minutes on a 2-core CPU):

  python bench/export_memory.py [--models mixture plain]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import export as export_bench  # pylint: disable=g-import-not-at-top
from tfp_pixel import bounds  # pylint: disable=g-import-not-at-top

SIZE = 28

_CALL = '''
import json, resource, sys
import numpy as np
import tensorflow as tf

directory, signature, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
call = tf.saved_model.load(directory).signatures[signature]


def inputs(count):
  if signature == 'sample':
    return dict(num_samples=tf.constant(count), seed=tf.constant([1, 2]),
                temperature=tf.constant(1.))
  return dict(images=tf.constant(np.random.default_rng(0).integers(
      0, 256, (count, {size}, {size}, 1)).astype(np.uint8)))


call(**inputs(1))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
call(**inputs(count))
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps(dict(peak_gb=round(after / 2**20, 2),
                      rise_gb=round((after - before) / 2**20, 2))))
'''.format(size=SIZE)


def main(argv=None):
  args = _parse(argv)
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  tf.get_logger().setLevel('ERROR')
  import numpy as np  # pylint: disable=g-import-not-at-top
  import tfp_pixel  # pylint: disable=g-import-not-at-top
  from tfp_pixel.engine import configs  # pylint: disable=g-import-not-at-top
  results = {'command': ' '.join(['python', 'bench/export_memory.py'] +
                                 sys.argv[1:]),
             'load_average': {'start': os.getloadavg()},
             'shape': [SIZE, SIZE, 1]}
  pixels = SIZE * SIZE
  calls = {'sample': bounds.EXPORT_SAMPLE_VALUES // pixels,
           'log_prob': bounds.EXPORT_SCORE_VALUES // pixels}
  root = tempfile.mkdtemp(prefix='bench-export-memory-')
  try:
    for name in args.models:
      model, options = export_bench.MODELS[name]
      config = configs.make_config(model, (SIZE, SIZE, 1), **options)
      tf.random.set_seed(0)
      dist = configs.build_model(config)
      images = np.random.default_rng(0).integers(
          0, 256, (4, SIZE, SIZE, 1)).astype(np.uint8)
      tf.function(dist.log_prob)(configs.images_to_events(images, config))
      directory = tfp_pixel.export(dist, os.path.join(root, name))
      results[name] = {
          signature: dict(images=count, **_measure(directory, signature,
                                                   count))
          for signature, count in calls.items()}
  finally:
    shutil.rmtree(root, ignore_errors=True)
  results['load_average']['end'] = os.getloadavg()
  print(json.dumps(results, indent=2))


def _measure(directory, signature, count):
  process = subprocess.run(
      [sys.executable, '-c', _CALL, directory, signature, str(count)],
      capture_output=True, text=True, check=True,
      env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL='2'))
  return json.loads(process.stdout.strip().splitlines()[-1])


def _parse(argv):
  parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
  parser.add_argument('--models', nargs='+',
                      choices=sorted(export_bench.MODELS),
                      default=['mixture', 'plain'])
  return parser.parse_args(argv)


if __name__ == '__main__':
  main()
