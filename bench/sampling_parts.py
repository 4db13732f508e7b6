"""Benchmark: where a fast sampler's time goes, part by part.

Prints one JSON object. For a model of `bench/sampling.py` (the same
configuration and seeded random weights), at each batch size, the seconds of
four `tf.function`s (no XLA), each the median of `--repeats` calls after two
first ones:

* `start_s`: `sampler.start` on an empty canvas;
* `start_and_rows_s`: the start, then `end_row` of every row but the last (the
  row phases);
* `start_and_pixels_s`: the start, then for every pixel `write_pixel` of a
  fixed value and `pixel_outputs` (the pixel steps, without draws);
* `sample_s`: `dist.sample`, all of it.

From these, `parts_s`: `start`, `row_phases` and `pixel_steps` (the second and
third less the start), and `draws_and_rest` (the sample less the other three:
the draws, the noise, the loops over rows and columns). The parts are timed
apart, so they add up only roughly. `load_average` is `os.getloadavg()` at
the start and at the end.

Usage: `python bench/sampling_parts.py [--model mixture] [--batches 1 16]
[--repeats 9]`.
"""

import argparse
import json
import os
import statistics
import sys

import tensorflow as tf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sampling  # pylint: disable=g-import-not-at-top


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('--model', choices=sorted(sampling.MODELS),
                      default='mixture')
  parser.add_argument('--batches', type=int, nargs='+', default=[1, 16])
  parser.add_argument('--repeats', type=int, default=9)
  parser.add_argument('--size', type=int, default=28)
  args = parser.parse_args(argv)
  tf.get_logger().setLevel('ERROR')
  results = {'command': ' '.join(['python', 'bench/sampling_parts.py'] +
                                 sys.argv[1:]),
             'load_average': {'start': os.getloadavg()},
             'model': args.model, 'config': sampling.MODELS[args.model],
             'shape': [args.size, args.size, 1], 'repeats': args.repeats}
  dist = sampling._distribution(args.model, (args.size, args.size, 1))  # pylint: disable=protected-access
  for batch in args.batches:
    results['batch_{}'.format(batch)] = _parts(dist, batch, args.repeats)
  results['load_average']['end'] = os.getloadavg()
  print(json.dumps(results, indent=2))


def _parts(dist, batch, repeats):
  """The four timings at one batch size, and the parts they give."""
  sampler = dist.pixel_sampler(batch)
  height, width, channels = sampler.image_shape
  canvas = tf.zeros([batch, height, width, channels], sampler.dtype)

  def start():
    return _touched(sampler.start(canvas))

  def start_and_rows():
    def row_phase(row, state):
      return row + 1, sampler.end_row(state, row)
    _, state = tf.while_loop(lambda row, _: row < height - 1, row_phase,
                             (0, sampler.start(canvas)))
    return _touched(state)

  def start_and_pixels():
    pixel = tf.zeros([batch, channels], sampler.dtype)

    def pixel_step(step, state, outputs):
      row, col = step // width, step % width
      state = sampler.write_pixel(state, row, col, pixel)
      return step + 1, state, outputs + tf.reduce_sum(
          sampler.pixel_outputs(state, row, col))
    _, state, outputs = tf.while_loop(
        lambda step, *_: step < height * width, pixel_step,
        (0, sampler.start(canvas), 0.))
    return _touched(state), outputs

  def sample():
    return dist.sample(batch, seed=sampling.SEED)

  seconds = {name: _median_seconds(function, repeats) for name, function in
             (('start_s', start), ('start_and_rows_s', start_and_rows),
              ('start_and_pixels_s', start_and_pixels), ('sample_s', sample))}
  parts = {'start': seconds['start_s'],
           'row_phases': seconds['start_and_rows_s'] - seconds['start_s'],
           'pixel_steps': seconds['start_and_pixels_s'] - seconds['start_s']}
  parts['draws_and_rest'] = seconds['sample_s'] - sum(parts.values())
  seconds['parts_s'] = {name: round(value, 4) for name, value in parts.items()}
  return {name: value if isinstance(value, dict) else round(value, 4)
          for name, value in seconds.items()}


def _touched(state):
  """One value of each part of a sampler's state: enough to make TensorFlow
  compute it, without copying whole arrays out."""
  return [part.read(0) if isinstance(part, tf.TensorArray) else
          tf.reshape(part, [-1])[:1] for part in state]


def _median_seconds(function, repeats):
  function = tf.function(function, autograph=False)
  for _ in range(2):
    sampling._seconds(function)  # pylint: disable=protected-access
  return statistics.median(sampling._seconds(function)  # pylint: disable=protected-access
                           for _ in range(repeats))


if __name__ == '__main__':
  main()
