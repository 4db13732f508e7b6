"""Benchmark: outlier scores of models trained on digits 0-4.

On the 5,000 MNIST digits beside the project (`../shared/data/mnist-5k`,
28x28x1): the digits 0-4 but the last `--test` (500) are the training source
(10% of it for validation); the last 500 are the inliers. Two models are
trained for `--steps` batches of 32 (Adam 1e-3, XLA, seed 0), each with its
background model (`tfp-pixel train --background-for RUN --mutation-rate MU
[--l2 L]`, the same steps):

- `categorical`: a gated `CategoricalPixelCNN` of 256 levels (`--levels 256
  --arch gated --filters 32 --blocks 4`);
- `mixture`: PixelCNN++ (`--mix 5`, 32 filters, the package's defaults).

Each is measured against five sets of `--test` outliers: (a) digits 5-9,
(b) the inliers with colours inverted, (c) uniform noise, (d) constant
images (a uniform gray level each), (e) scikit-learn's bundled 8x8 digits
upscaled to 28x28 (bilinear). Every method's AUROC
(`tfp_pixel.outliers`: nll, llr, complexity, typicality against the run's
validation figure), AUPRC and FPR at 95% TPR, and which method has the
highest worst-case AUROC; and the AUROC of the typicality test on random
batches of 5, 10 and 25 images of each set (the test Nalisnick et al.
propose is of batches rather than single images). Prints one JSON object, with `load_average` at the
start and the end.

Usage: `python bench/outliers.py [--steps 1000] [--mutation-rate 0.2]
[--l2 0] [--models categorical,mixture] [--keep DIR]` (`--keep`: keep the runs and the sets there; a
later call with the same `DIR` reuses the runs it finds, and reports the
training seconds they recorded).
"""

import argparse
import json
import os
import sys
import tempfile
import time

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_MNIST = os.path.join(_REPO, '..', 'shared', 'data', 'mnist-5k')
sys.path.insert(0, _REPO)

import numpy as np  # pylint: disable=g-import-not-at-top

from tfp_pixel import data  # pylint: disable=g-import-not-at-top
from tfp_pixel import outliers  # pylint: disable=g-import-not-at-top
from tfp_pixel.outliers import scoring  # pylint: disable=g-import-not-at-top
from tfp_pixel.outliers import typicality  # pylint: disable=g-import-not-at-top

_SHAPE = (28, 28, 1)
_MODELS = {
    'categorical': ['--levels', '256', '--arch', 'gated', '--filters', '32',
                    '--blocks', '4'],
    'mixture': ['--mix', '5', '--filters', '32'],
}
# The batch sizes of the typicality test's batch rows.
_TYPICALITY_BATCHES = (5, 10, 25)
_SETS = ('digits_5_9', 'inverted', 'noise', 'constant', 'sklearn_8x8')


def main(argv=None):
  args = _parse(argv)
  if not os.path.isdir(_MNIST):
    sys.exit('This benchmark reads ../shared/data/mnist-5k beside the '
             'project.')
  results = {'load_average_start': os.getloadavg(), 'data': 'mnist-5k',
             'steps': args.steps, 'batch_size': 32,
             'mutation_rate': args.mutation_rate, 'l2': args.l2}
  root = args.keep or tempfile.mkdtemp(prefix='outliers-bench-')
  os.makedirs(root, exist_ok=True)
  sets = _write_sets(root, args.test)
  results['images'] = {name: int(len(np.load(path)))
                       for name, path in sets.items()}
  for model in args.models.split(','):
    options = _MODELS[model]
    start = time.perf_counter()
    run = os.path.join(root, model)
    background = '{}-background-{}-{}'.format(run, args.mutation_rate,
                                              args.l2)
    common = ['--epochs', '1', '--steps', str(args.steps), '--batch-size',
              '32', '--jit', '--num-samples', '0', '--seed', '0']
    # A run kept from an earlier call (--keep) resumes at its last epoch:
    # nothing to train.
    _cli(['train', '--dataset', sets['train'], '--shape', '28x28x1',
          '--run', run] + options + common)
    _cli(['train', '--background-for', run, '--mutation-rate',
          str(args.mutation_rate), '--l2', str(args.l2), '--run',
          background] + common)
    scoring_start = time.perf_counter()
    parts = {name: scoring.collect_parts(scoring.OutlierScorer(
        sets[name], run, background, None, batch_size=100))[0]
             for name in ('inliers',) + _SETS}
    typical = scoring.OutlierScorer(sets['inliers'], run).typical_nll
    figures = {}
    for name in _SETS:
      figures[name] = {}
      for method in outliers.METHODS:
        pair = [outliers.method_scores(method, parts[s], typical)
                for s in ('inliers', name)]
        figures[name][method] = {
            'auroc': round(outliers.auroc(*pair), 4),
            'auprc': round(outliers.auprc(*pair), 4),
            'fpr_at_95_tpr': round(outliers.fpr_at_tpr(*pair), 4)}
      # Nalisnick et al.'s test is of batches: the AUROC of random batches
      # of each set (not of images) against the inliers'.
      figures[name]['typicality_batches_auroc'] = {
          size: round(outliers.auroc(*[
              typicality.batch_distances(parts[s].nll, typical, size,
                                         seed=k)
              for k, s in enumerate(('inliers', name))]), 4)
          for size in _TYPICALITY_BATCHES}
    worst = {method: min(figures[s][method]['auroc'] for s in _SETS)
             for method in outliers.METHODS}
    fixed = {s: [method for method in outliers.METHODS
                 if figures[s][method]['auroc'] > 0.9]
             for s in _SETS if figures[s]['nll']['auroc'] < 0.9}
    results[model] = {
        'inlier_bits_per_dim': round(float(parts['inliers'].nll.mean()), 4),
        'typical_nll': typical,
        'train_seconds': _train_seconds(run),
        'background_seconds': _train_seconds(background),
        'this_call_seconds': round(time.perf_counter() - start, 1),
        'score_seconds': round(time.perf_counter() - scoring_start, 1),
        'mean_nll_bits_per_dim': {
            s: round(float(parts[s].nll.mean()), 4) for s in _SETS},
        'auroc_worst_case': worst,
        'best_worst_case': max(worst, key=worst.get),
        'raw_nll_below_0_9_and_methods_above_0_9': fixed,
        'figures': figures}
  results['load_average_end'] = os.getloadavg()
  print(json.dumps(results, indent=2))


def _write_sets(root, test):
  """Writes the training source and every test set as `.npy` files under
  `root`; returns their paths by name."""
  from sklearn import datasets  # pylint: disable=g-import-not-at-top
  mnist = data.load_images(_MNIST, with_labels=True)
  images, labels = mnist.images, np.asarray(mnist.labels)
  low, high = images[labels < 5], images[labels >= 5]
  inliers = low[-test:]
  rng = np.random.default_rng(0)
  small = datasets.load_digits().images[:test]
  small = np.round(small * (255. / 16.)).astype(np.uint8)[..., np.newaxis]
  upscaled = data.convert_images(small, _SHAPE)
  sets = {
      'train': low[:-test],
      'inliers': inliers,
      'digits_5_9': high[:test],
      'inverted': 255 - inliers,
      'noise': rng.integers(0, 256, (test,) + _SHAPE).astype(np.uint8),
      'constant': np.broadcast_to(
          rng.integers(0, 256, (test, 1, 1, 1)),
          (test,) + _SHAPE).astype(np.uint8),
      'sklearn_8x8': upscaled,
  }
  paths = {}
  for name, array in sets.items():
    paths[name] = os.path.join(root, name + '.npy')
    np.save(paths[name], np.ascontiguousarray(array, np.uint8))
  return paths


def _train_seconds(run):
  """The seconds the run's epochs trained, from its metrics records."""
  with open(os.path.join(run, 'metrics.jsonl'), encoding='utf-8') as f:
    return round(sum(json.loads(line)['train_seconds'] for line in f
                     if line.strip()), 1)


def _cli(args):
  """Runs `tfp-pixel ARGS` in this process; exits with its output if it
  fails."""
  from click.testing import CliRunner  # pylint: disable=g-import-not-at-top
  from cli import main as cli_main  # pylint: disable=g-import-not-at-top
  result = CliRunner().invoke(cli_main.main, args)
  if result.exit_code != 0:
    sys.exit('tfp-pixel {} failed:\n{}'.format(' '.join(args), result.output))


def _parse(argv):
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('--steps', type=int, default=1000)
  parser.add_argument('--test', type=int, default=500)
  parser.add_argument('--mutation-rate', type=float, default=0.2)
  parser.add_argument('--l2', type=float, default=0.)
  parser.add_argument('--keep', default=None)
  parser.add_argument('--models', default=','.join(_MODELS),
                      help='Comma-separated, of: ' + ', '.join(_MODELS))
  return parser.parse_args(argv)


if __name__ == '__main__':
  main()
