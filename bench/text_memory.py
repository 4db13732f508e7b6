"""Benchmark: the peak memory of `tfp-pixel text score` and `text sample`.

Prints one JSON object. It trains a tiny text run first (`tfp-pixel text
train` on the offline Bible, 20 steps: a `--vocabulary` of 2,000 words, 8
units; the bounds below do not depend on the vocabulary, the time does), then
runs each command below as a child process of the
installed `tfp-pixel` and records its peak resident memory (the child's
`ru_maxrss`, from `os.wait4`), its time and exit code, and whether it stayed
under the bound stated for it (`passed`):

* `score_one_line`: `text score` of a `--megabytes` file (Bible verses) that
  is one line, so one document;
* `score_split_files`: the same text in lines, `--split files` (one
  document);
* `sample_many`: `text sample -n 1000000`, drawn and written in batches (the
  texts go to a file, which is counted);
* `sample_max_tokens`: `text sample -n 5 --max-tokens 1000000`, the most
  tokens a text may have;
* `sample_too_many_tokens`: `text sample --max-tokens 10000000`, refused by
  the command line in one line.

The bounds: TensorFlow and the model take about 0.7 GiB of a process; scoring
adds the document (its text, its tokens as int32) and one chunk of at most
`scoring.MAX_LOGITS` logits (32 MiB) a few times over; sampling one batch of
at most `generation.MAX_BATCH_ELEMENTS` numbers. A refused command loads no
TensorFlow (0.5 GiB). `load_average_before`/`after` are `os.getloadavg()`.

Usage: `python bench/text_memory.py [--megabytes 20] [--vocabulary 2000]
[--keep DIR]`.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time

_COMMAND = os.path.join(sysconfig.get_path('scripts'), 'tfp-pixel')
_GIB = 2**30
_TINY_RUN = ['--max-length', '8', '--units', '8', '--embedding-dim', '4',
             '--epochs', '1', '--steps', '20', '--batch-size', '16',
             '--num-samples', '0']


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
  parser.add_argument('--megabytes', type=float, default=20.)
  parser.add_argument('--vocabulary', type=int, default=2000)
  parser.add_argument('--keep', metavar='DIR', default=None,
                      help='work in DIR and keep it (default: a temporary '
                           'folder, removed)')
  args = parser.parse_args(argv)
  workdir = args.keep or tempfile.mkdtemp(prefix='text-memory-')
  os.makedirs(workdir, exist_ok=True)
  results = {'load_average_before': os.getloadavg(),
             'megabytes': args.megabytes, 'vocabulary': args.vocabulary,
             'cases': {}}
  try:
    run = os.path.join(workdir, 'run')
    _checked(_run(['text', 'train', '--run', run, '--vocabulary',
                   str(args.vocabulary)] + _TINY_RUN, workdir),
             'training the tiny run')
    one_line, lines = _write_texts(workdir, int(args.megabytes * 1e6))
    cases = results['cases']
    cases['score_one_line'] = _case(
        ['text', 'score', one_line, '--run', run, '--format', 'json'],
        workdir, 2 * _GIB, expected_code=0)
    cases['score_split_files'] = _case(
        ['text', 'score', lines, '--split', 'files', '--run', run,
         '--format', 'json'], workdir, 2 * _GIB, expected_code=0)
    for name in ('score_one_line', 'score_split_files'):
      document = json.loads(cases[name].pop('output'))['documents'][0]
      cases[name]['tokens'] = document['tokens']
      cases[name]['nll_per_token'] = document['nll'] / document['tokens']
    texts = os.path.join(workdir, 'texts.json')
    cases['sample_many'] = _case(
        ['text', 'sample', '-n', '1000000', '--run', run, '--format', 'json'],
        workdir, 1.5 * _GIB, expected_code=0, stdout_path=texts)
    with open(texts, encoding='utf-8') as f:
      cases['sample_many']['texts_written'] = len(json.load(f))
    cases['sample_max_tokens'] = _case(
        ['text', 'sample', '-n', '5', '--max-tokens', '1000000', '--run', run,
         '--format', 'json'], workdir, 1.5 * _GIB, expected_code=0)
    cases['sample_max_tokens']['longest_text_characters'] = max(
        map(len, json.loads(cases['sample_max_tokens'].pop('output'))))
    cases['sample_too_many_tokens'] = _case(
        ['text', 'sample', '--max-tokens', '10000000', '--run', run],
        workdir, 0.5 * _GIB, expected_code=2)
    cases['sample_too_many_tokens']['error'] = [
        line for line in cases['sample_too_many_tokens'].pop(
            'output').splitlines() if line.startswith('Error')]
    cases['sample_many'].pop('output')
  finally:
    if args.keep is None:
      shutil.rmtree(workdir, ignore_errors=True)
  results['load_average_after'] = os.getloadavg()
  results['passed'] = all(case['passed'] for case in cases.values())
  print(json.dumps(results, indent=2))


def _write_texts(workdir, size):
  """Two files of about `size` bytes of Bible verses: one line, and one
  verse a line."""
  sys.path.insert(0, os.path.dirname(os.path.dirname(
      os.path.abspath(__file__))))
  from tfp_pixel.text import offline_corpus  # pylint: disable=g-import-not-at-top
  verses, total = [], 0
  documents = offline_corpus.load_documents()
  while total < size:
    for verse in documents:
      verses.append(verse)
      total += len(verse.encode('utf-8')) + 1
      if total >= size:
        break
  paths = (os.path.join(workdir, 'one-line.txt'),
           os.path.join(workdir, 'lines.txt'))
  for path, separator in zip(paths, (' ', '\n')):
    with open(path, 'w', encoding='utf-8') as f:
      f.write(separator.join(verses) + '\n')
  return paths


def _case(arguments, workdir, bound, expected_code, stdout_path=None):
  result = _run(arguments, workdir, stdout_path)
  result.update(bound_gib=bound / _GIB,
                passed=result['exit_code'] == expected_code and
                result['peak_rss_bytes'] < bound)
  return result


def _run(arguments, workdir, stdout_path=None):
  """Runs `tfp-pixel ARGUMENTS`; its exit code, time, peak memory, output."""
  out = (open(stdout_path, 'w', encoding='utf-8') if stdout_path else
         tempfile.TemporaryFile(mode='w+', encoding='utf-8'))
  with out:
    start = time.perf_counter()
    process = subprocess.Popen([_COMMAND] + arguments, cwd=workdir,
                               stdout=out, stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    output = ''
    if not stdout_path:
      out.seek(0)
      output = out.read()
  return {'command': 'tfp-pixel ' + ' '.join(arguments),
          'exit_code': process.returncode, 'seconds': round(seconds, 1),
          'peak_rss_bytes': usage.ru_maxrss * 1024,
          'peak_rss_gib': round(usage.ru_maxrss / 2**20, 3),
          'output': output}


def _checked(result, what):
  if result['exit_code'] != 0:
    raise RuntimeError('{} failed:\n{}'.format(what, result['output']))
  return result


if __name__ == '__main__':
  main()
