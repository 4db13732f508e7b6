"""`tfp-pixel text`: train, sample and score a tiny text run (CliRunner)."""

import json
import os
import re
import shutil

import pytest

from tests.cli import conftest as cli_conftest
from tests.conftest import one_line_error

_TINY_TEXT = ['--max-documents', '200', '--vocabulary', '60',
              '--max-length', '8', '--units', '8', '--embedding-dim', '4',
              '--epochs', '1', '--steps', '3', '--batch-size', '16',
              '--num-samples', '2']


@pytest.fixture(scope='module')
def workdir(tmp_path_factory, cli):
  """A working directory with a tiny text run on the offline Bible (the
  latest run) and a few text files."""
  path = tmp_path_factory.mktemp('text_cli')
  cli_conftest.train_in(path, cli, ['text', 'train'] + _TINY_TEXT)
  (path / 'verses.txt').write_text(
      'In the beginning God created the heaven and the earth.\n'
      'And God said, Let there be light: and there was light.\n')
  (path / 'binary.txt').write_bytes(b'\x89PNG\0\0\x01')
  (path / 'empty.txt').write_text('')
  return path


def test_train_leaves_a_text_run(in_workdir):
  run = cli_conftest.latest_run(in_workdir)
  config = json.load(open(os.path.join(run, 'config.json')))
  assert config['model'] == 'text' and config['max_length'] == 8
  assert config['vocabulary_size'] == 60
  assert json.load(open(os.path.join(run, 'tokenizer.json')))['level'] == (
      'word')
  for folder in ('checkpoints', 'best', 'logs'):
    assert os.listdir(os.path.join(run, folder)), folder
  samples = open(os.path.join(run, 'samples', 'epoch-001.txt')).read()
  assert len(samples.splitlines()) == 2
  record = json.loads(open(os.path.join(run, 'metrics.jsonl')).readline())
  assert record['epoch'] == 1 and record['step'] == 3
  assert 0 < record['val_bits_per_token'] < 8  # 60 tokens
  # Named as texts are: no images, no bits per dim, no second figure.
  assert {'texts', 'texts_per_second', 'loss_bits_per_token'} <= set(record)
  assert not [key for key in record if 'images' in key or 'dim' in key]


def test_train_resumes_and_refuses_other_options(in_workdir, cli):
  run = os.path.join(str(in_workdir), 'resumed')
  assert cli(['text', 'train', '--run', run] + _TINY_TEXT).exit_code == 0
  tokenizer = open(os.path.join(run, 'tokenizer.json')).read()
  result = cli(['text', 'train', '--run', run, '--max-documents', '200',
                '--epochs', '2', '--steps', '3', '--batch-size', '16'])
  assert result.exit_code == 0, result.output
  assert 'epoch 2' in result.output
  assert open(os.path.join(run, 'tokenizer.json')).read() == tokenizer
  metrics = open(os.path.join(run, 'metrics.jsonl')).read().splitlines()
  assert [json.loads(line)['step'] for line in metrics] == [3, 6]
  result = cli(['text', 'train', '--run', run, '--units', '9',
                '--epochs', '3'])
  assert result.exit_code != 0
  assert 'units=8 (asked: 9)' in one_line_error(result)


def test_sample_continues_the_prompt(in_workdir, cli):
  result = cli(['text', 'sample', '--prompt', 'And God said',
                '--temperature', '0.5', '-n', '3', '--max-tokens', '5',
                '--format', 'json', '--seed', '4'])
  assert result.exit_code == 0, result.output
  texts = json.loads(result.output)
  assert len(texts) == 3
  assert all(text.startswith('and god said') for text in texts)
  again = cli(['text', 'sample', '--prompt', 'And God said',
               '--temperature', '0.5', '-n', '3', '--max-tokens', '5',
               '--seed', '4'])
  assert again.output.strip().split('\n\n') == texts


def test_a_prompt_of_unknown_words_is_a_one_line_error(in_workdir, cli):
  result = cli(['text', 'sample', '--prompt', 'zebra quokka'])
  assert result.exit_code != 0
  assert 'no word of the prompt' in one_line_error(result)


@pytest.mark.parametrize('output_format', ['table', 'json', 'csv'])
def test_score_per_document(in_workdir, cli, output_format):
  result = cli(['text', 'score', 'verses.txt', '--format', output_format])
  assert result.exit_code == 0, result.output
  if output_format == 'table':
    lines = result.output.splitlines()
    assert lines[0].startswith('Run: ')
    assert [line.split()[0] for line in lines[2:]] == [
        'verses.txt[1]', 'verses.txt[2]', 'mean']
  elif output_format == 'json':
    documents = json.loads(result.output)['documents']
    assert [d['document'] for d in documents] == [
        'verses.txt[1]', 'verses.txt[2]', 'mean']
    assert all(d['nll'] > 0 and d['perplexity'] > 1 for d in documents)
  else:
    header = result.output.splitlines()[0]
    assert header == ('document,tokens,characters,unknown_tokens,nll,'
                      'perplexity,bits_per_character')


def test_score_skips_bad_sources_and_goes_on(in_workdir, cli):
  result = cli(['text', 'score', 'binary.txt', 'verses.txt', 'empty.txt',
                'missing.txt'])
  assert result.exit_code == 1
  assert 'binary.txt is a binary file, not text' in result.output
  assert 'empty.txt has no text' in result.output
  assert 'no such text source: missing.txt' in result.output
  assert 'verses.txt[2]' in result.output
  assert '3 source(s) skipped.' in result.output


def test_an_image_run_is_not_a_text_run(tmp_path, cli):
  from tfp_pixel.engine import configs  # pylint: disable=g-import-not-at-top
  from tfp_pixel.engine import runs  # pylint: disable=g-import-not-at-top
  runs.write_config(tmp_path, configs.make_config('categorical', (4, 4, 1)))
  result = cli(['text', 'sample', '--run', str(tmp_path)])
  assert ('is a run of the categorical model, a model of images, not of '
          'texts') in one_line_error(result)


def test_character_level_training_on_a_text_file(tmp_path, cli):
  (tmp_path / 'book.txt').write_text('Abc abd.\n\nAbe, abf!\n\n' * 20)
  result = cli(['text', 'train', '--dataset', str(tmp_path / 'book.txt'),
                '--split', 'paragraphs', '--char', '--run',
                str(tmp_path / 'run'), '--max-length', '6', '--units', '4',
                '--embedding-dim', '2', '--epochs', '1', '--steps', '1',
                '--num-samples', '0'])
  assert result.exit_code == 0, result.output
  assert 'char-level vocabulary of 14' in result.output  # 11 + 3 special
  assert 'on 40 documents' in result.output


def test_help(cli):
  output = cli(['text', '--help']).output
  for command in ('train', 'sample', 'score'):
    assert command in output
  assert '--cell [lstm|gru]' in cli(['text', 'train', '--help']).output
  models = re.search(r'--model \[([^\]]*)\]',
                     cli(['train', '--help']).output).group(1)
  assert 'text' not in models.split('|')


@pytest.mark.parametrize('command', [['sample', '-o', 'x.png'],
                                     ['score', 'verses.txt'],
                                     ['complete', 'verses.txt', '-o',
                                      'x.png']])
def test_the_image_commands_refuse_a_text_run(in_workdir, cli, command):
  result = cli(command)
  assert result.exit_code != 0
  assert 'is a run of the text model, a model of texts, not of images' in (
      one_line_error(result))


@pytest.mark.parametrize('temperature', ['nan', 'inf', '0', '-1', 'warm'])
def test_a_temperature_not_positive_and_finite_is_refused_first(
    tmp_path, cli, temperature):
  # A run that does not exist: the option is refused before anything else.
  result = cli(['text', 'sample', '--temperature', temperature, '--run',
                str(tmp_path / 'nowhere')])
  line = one_line_error(result)
  assert "Invalid value for '--temperature'" in line, line


def test_max_tokens_has_a_bound(tmp_path, cli):
  result = cli(['text', 'sample', '--max-tokens', '10000000', '--run',
                str(tmp_path / 'nowhere')])
  line = one_line_error(result)
  assert "'--max-tokens'" in line and '1000000' in line


@pytest.mark.parametrize('output_format', ['json', 'text'])
def test_many_texts_are_written_batch_by_batch(in_workdir, cli, monkeypatch,
                                               output_format):
  import tfp_pixel  # pylint: disable=g-import-not-at-top
  from tfp_pixel.engine.kinds.texts import generation  # pylint: disable=g-import-not-at-top
  monkeypatch.setattr(generation, 'MAX_BATCH_ELEMENTS', 1000)
  texts = generation.generate(*_run_model(in_workdir), num_samples=25,
                              seed=3)
  drawn = []
  sample_n = tfp_pixel.SequenceRNN._sample_n
  monkeypatch.setattr(
      tfp_pixel.SequenceRNN, '_sample_n',
      lambda self, n, seed=None: drawn.append(int(n)) or sample_n(self, n,
                                                                  seed))
  result = cli(['text', 'sample', '-n', '25', '--seed', '3', '--format',
                output_format])
  assert result.exit_code == 0, result.output
  assert len(drawn) > 2 and sum(drawn) == 25
  if output_format == 'json':
    assert result.output == json.dumps(texts, indent=2,
                                       ensure_ascii=False) + '\n'
  else:
    assert result.output == '\n\n'.join(texts) + '\n'


def _run_model(workdir):
  from tfp_pixel.engine.kinds.texts import runs as text_runs  # pylint: disable=g-import-not-at-top
  return text_runs.load_text_model(cli_conftest.latest_run(workdir))


def test_a_tokenizer_larger_than_the_model_is_one_line(in_workdir, cli,
                                                       tmp_path):
  from tfp_pixel.text import tokenizer as tokenizer_lib  # pylint: disable=g-import-not-at-top
  run = tmp_path / 'run'
  shutil.copytree(cli_conftest.latest_run(in_workdir), run)
  words = tokenizer_lib.Tokenizer.load(run / 'tokenizer.json')
  # The run's words after 100 others: their ids are outside the model's 60.
  tokenizer_lib.Tokenizer(
      list(tokenizer_lib.SPECIAL_TOKENS) +
      ['filler{}'.format(i) for i in range(100)] + words.vocabulary[3:],
      'word').save(run / 'tokenizer.json')
  for command in (['score', 'verses.txt'], ['sample', '--prompt', 'god']):
    line = one_line_error(cli(['text'] + command + ['--run', str(run)]))
    assert '{} has 160 tokens, more than the vocabulary of the run\'s ' \
           'model (60'.format(run / 'tokenizer.json') in line


def test_score_reads_an_endless_source_up_to_the_bound(in_workdir, cli):
  result = cli(['text', 'score', '/dev/zero', 'verses.txt'])
  assert result.exit_code == 1
  assert ('/dev/zero is larger than 64 MiB, the most a text source may '
          'hold') in result.output
  assert 'verses.txt[2]' in result.output


def test_score_has_a_bound_on_all_its_documents(in_workdir, cli, monkeypatch):
  from tfp_pixel.text import sources  # pylint: disable=g-import-not-at-top
  monkeypatch.setattr(sources, 'MAX_DOCUMENTS', 3)
  assert cli(['text', 'score', 'verses.txt']).exit_code == 0
  line = one_line_error(cli(['text', 'score', 'verses.txt', 'verses.txt']))
  assert 'more than 3 documents to score up to verses.txt' in line
