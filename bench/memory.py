"""Benchmark: peak memory of `tfp-pixel` commands on large inputs.

Prints one JSON object. Each case of `CASES` writes its inputs (synthetic
files) into a temporary folder, runs the installed `tfp-pixel` there as a
child process, and reads the child's peak resident set size from the kernel
(`os.wait4`: the `ru_maxrss` of that child alone). It records the peak, the
bound the case must stay under and why, the time, the exit code, and `pass`:
whether the command succeeded within its bound. `load_average` is
`os.getloadavg()` at the start and at the end: an idle machine reads below 1
per core.

The cases:

- `score`: `tfp-pixel score` over a folder of 20,000 PNGs of 28x28 digits;
- `sample`: `tfp-pixel sample -n 10000 -o samples.npy` at 28x28;
- `train`: `tfp-pixel train --shape 28x28x1` on a folder of 200 JPEG photos of
  1500x1500 (smooth synthetic scenes with noise, about 0.6 MB each).

`score` and `sample` use a run of the default model (the mixture PixelCNN++:
32 filters, 2 hierarchies, 5 logistics, 256 levels) at 28x28x1, trained for
one step first (not a case); `train` trains that model too. Each bound is
what the command needs whatever its input's size: TensorFlow, the model and
one batch (`bounds`), with room for the allocator's slack.

A case is a `Case(name, setup, bound, why)`: `setup(folder)` writes the
inputs and returns the command's arguments; another command (say `text
score`) is one more `Case` in the list.

Usage (the package installed, e.g. `pip install -e .`):
`python bench/memory.py [--case score --case sample ...]`.
"""

import argparse
import collections
import json
import os
import subprocess
import sys
import sysconfig
import tempfile
import time

import numpy as np
from PIL import Image

_COMMAND = os.path.join(sysconfig.get_path('scripts'), 'tfp-pixel')
_GB = 1e9

Case = collections.namedtuple('Case', ['name', 'setup', 'bound', 'why'])
Case.__doc__ = """One command to measure.

Fields:
  name: `str`, the case's name in the JSON.
  setup: callable `(folder) -> list of str`: writes the inputs into `folder`
    (the command's working directory) and returns the `tfp-pixel` arguments.
  bound: Python `int`, the bytes of resident memory the command stays under.
  why: `str`, where the bound comes from.
"""


def _image_run(folder):
  """Trains (once per folder) the 28x28 run `score` and `sample` read."""
  if not os.path.isdir(os.path.join(folder, 'run')):
    subprocess.run([_COMMAND, 'train', '--shape', '28x28x1', '--epochs', '1',
                    '--steps', '1', '--num-samples', '0', '--run', 'run'],
                   cwd=folder, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
  return 'run'


def _score_setup(folder):
  run = _image_run(folder)
  digits = _digits(28)
  images = os.path.join(folder, 'pngs')
  for i in range(20000):
    sub = os.path.join(images, '{:02d}'.format(i // 1000))
    os.makedirs(sub, exist_ok=True)
    Image.fromarray(digits[i % len(digits)]).save(
        os.path.join(sub, '{:05d}.png'.format(i)))
  return ['score', 'pngs', '--run', run, '--format', 'csv']


def _sample_setup(folder):
  return ['sample', '-n', '10000', '-o', 'samples.npy', '--run',
          _image_run(folder)]


def _train_setup(folder):
  photos = os.path.join(folder, 'photos')
  os.makedirs(photos)
  rng = np.random.default_rng(0)
  rows, columns = np.mgrid[0:1500, 0:1500] / 1500.
  for i in range(200):
    phase, frequency = rng.uniform(0, 6.3, 3), rng.uniform(1, 6, 3)
    scene = np.stack([
        127 + 100 * np.sin(frequency[c] * (rows + columns * c) * 3 +
                           phase[c]) for c in range(3)], axis=-1)
    scene += rng.normal(0, 8, scene.shape)
    Image.fromarray(np.clip(scene, 0, 255).astype(np.uint8)).save(
        os.path.join(photos, '{:03d}.jpg'.format(i)), quality=90)
  return ['train', '--dataset', 'photos', '--shape', '28x28x1', '--epochs',
          '1', '--steps', '2', '--num-samples', '0', '--run', 'photo-run']


CASES = [
    Case('score', _score_setup, int(1.5 * _GB),
         'TensorFlow and the model (0.9 GB), one batch of 64 images read, '
         'converted and scored at a time, and the list of file names: '
         'nothing that grows with the number of images but that list'),
    Case('sample', _sample_setup, int(1.6 * _GB),
         'TensorFlow and the model (0.9 GB) and one sampling batch: 20 images '
         'of 28x28 (bounds.SAMPLE_BATCH_VALUES), about 0.5 GB for this '
         'model, written to the .npy file as it is drawn'),
    Case('train', _train_setup, int(1.5 * _GB),
         'TensorFlow, the model and a training step of batch 32 at 28x28, '
         'the 200 images at 28x28 (157 kB), and one photo decoded at a time '
         'at its JPEG draft size (188x188), never at 1500x1500'),
]


def main(argv=None):
  args = _parse(argv)
  results = {'command': ' '.join(['python', 'bench/memory.py'] +
                                 (sys.argv[1:] if argv is None else argv)),
             'load_average': {'start': os.getloadavg()},
             'cpu_count': os.cpu_count(), 'cases': []}
  with tempfile.TemporaryDirectory() as folder:
    for case in CASES:
      if args.case and case.name not in args.case:
        continue
      command = case.setup(folder)
      peak, seconds, code = _peak_rss(command, folder)
      results['cases'].append({
          'name': case.name,
          'command': ' '.join(['tfp-pixel'] + command),
          'peak_rss_gb': round(peak / _GB, 3),
          'bound_gb': round(case.bound / _GB, 3),
          'why': case.why,
          'seconds': round(seconds, 1),
          'exit_code': code,
          'pass': code == 0 and peak < case.bound})
  results['load_average']['end'] = os.getloadavg()
  print(json.dumps(results, indent=2))


def _parse(argv):
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('--case', action='append',
                      choices=[case.name for case in CASES],
                      help='Only this case (repeatable). Default: all.')
  return parser.parse_args(argv)


def _peak_rss(command, folder):
  """`(peak resident bytes, seconds, exit code)` of `tfp-pixel COMMAND`."""
  start = time.perf_counter()
  with tempfile.TemporaryFile() as errors:
    process = subprocess.Popen([_COMMAND] + command, cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=errors)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
      errors.seek(0)
      sys.stderr.write(errors.read().decode(errors='replace')[-2000:])
  return usage.ru_maxrss * 1024, time.perf_counter() - start, (
      process.returncode)


def _digits(size):
  """scikit-learn's 1,797 8x8 digits as uint8 `size x size` images."""
  from sklearn import datasets  # pylint: disable=g-import-not-at-top
  digits = datasets.load_digits().images * (255. / 16)
  return [np.asarray(Image.fromarray(d.astype(np.uint8)).resize(
      (size, size), Image.BILINEAR)) for d in digits]


if __name__ == '__main__':
  main()
