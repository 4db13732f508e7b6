"""Training the text model on a text source: what `tfp-pixel text train` runs.

`train_on_texts` reads the documents of a source (`tfp_pixel.text.sources`;
the offline Bible by default), fits the run's tokenizer on the training part
(a resumed run keeps its own, `tokenizer.json`), holds out a validation
split, decides the configuration and trains (`training.train`): same run
directories, checkpoints, progress, TensorBoard, metrics and NaN stop as the
image models.
"""

import collections
import os

from tfp_pixel.engine import cluster
from tfp_pixel.engine import configs
from tfp_pixel.engine import files
from tfp_pixel.engine import run_data
from tfp_pixel.engine import runs
from tfp_pixel.engine import strategies
from tfp_pixel.engine import text_task
from tfp_pixel.engine import training
from tfp_pixel.families import model_size
from tfp_pixel.families import registry
from tfp_pixel.families import text as text_family
from tfp_pixel.text import corpus
from tfp_pixel.text import offline_corpus
from tfp_pixel.text import sources

__all__ = ['TextTraining', 'train_on_texts']

TextTraining = collections.namedtuple(
    'TextTraining', ['result', 'config', 'num_documents', 'tokenizer',
                     'source_name'])
TextTraining.__doc__ = """What `train_on_texts` trained, and on what.

Fields:
  result: the `training.TrainResult`.
  config: the run's configuration.
  num_documents: Python `int`, documents read (training and validation).
  tokenizer: the run's `tfp_pixel.text.Tokenizer`.
  source_name: `str`, a short name of the source.
"""


def train_on_texts(model_options=None, dataset=None, split=None,
                   text_field=None, vocabulary_size=None, level=None,
                   run_dir=None, max_documents=None, validation_fraction=None,
                   batch_size=32, seed=None, announce=None, runs_root=None,
                   strategy=None, fine_tune=False, **train_kwargs):
  """Reads a text source and trains (or resumes) a text run on it.

  A new run records its data (`run_data`: the source, every option that
  shapes it, and a fingerprint of the documents). A resume reads the same
  data: the data options left out (`None`) take the run's values, and other
  data are refused unless `fine_tune` (the tokenizer's options never
  change: a resumed run keeps its `tokenizer.json`).

  Args:
    model_options: `dict` of the text model's hyper-parameters
      (`max_length`, `cell`, `embedding_dim`, `units`, `num_layers`); when
      resuming, those given must be the stored ones. `None`: none given.
    dataset: the source (see `sources.read_documents`); `None` for a resumed
      run's own, or the offline default corpus.
    split: how `.txt` files are cut into documents (`sources.SPLITS`);
      `None` for a resumed run's, or `'lines'`.
    text_field: the text field of JSON Lines records (`'text'`).
    vocabulary_size: Python `int`, tokens of a new run's tokenizer (fewer if
      the texts have fewer; 10000).
    level: `'word'` (the default) or `'char'`, of a new run's tokenizer.
    run_dir: the run folder; resumed if it holds a configuration.
    max_documents: optional cap on the documents read (the first ones).
    validation_fraction: Python `float`, share held out for validation
      (0.1).
    batch_size: Python `int`, the global batch.
    seed: Python `int`, of the split, shuffling, weights and samples (0).
    announce: optional callable `(config, num_documents, tokenizer,
      source_name)`, called once the data are ready, before training.
    runs_root: folder of new runs and of `latest`; defaults to `runs/`.
    strategy: see `strategies.make_strategy`; made first, and of a cluster
      only the chief writes the run (the tokenizer included).
    fine_tune: Python `bool`, whether a resumed run may go on training on
      other documents than its own; the run's `data.json` records it.
    **train_kwargs: further arguments of `training.train`.

  Returns:
    trained: a `TextTraining`.

  Raises:
    ValueError: one line (a `TextDataError` for the texts), if the source,
      the options or the run do not fit (also: a resume asking for another
      model or other data).
    ModelTooLargeError: one line, before any text is read, if the model
      would need more memory than the bound at `batch_size`.
  """
  strategy = strategies.make_strategy(strategy)  # First: see `strategies`.
  with cluster.writer_lock(run_dir, strategy):
    resuming = run_dir is not None and os.path.isfile(
        runs.run_paths(run_dir).config)
    stored = runs.read_config(run_dir) if resuming else None
    if stored is not None and stored['model'] != text_family.NAME:
      raise ValueError('{} is a run of the {} model, not a text run (the '
                       'image commands read it).'.format(run_dir,
                                                         stored['model']))
    settled = run_data.settle(
        run_dir if resuming else None,
        given=dict(dataset=dataset, split=split, text_field=text_field,
                   vocabulary_size=vocabulary_size, level=level,
                   max_documents=max_documents,
                   validation_fraction=validation_fraction, seed=seed),
        defaults=_DATA_DEFAULTS, fixed=('vocabulary_size', 'level'),
        fine_tune=fine_tune,
        epochs_done=max([r['epoch'] for r in runs.read_metrics(run_dir)],
                        default=0) if resuming else 0)
    loading = settled.options
    tokenizer = text_task.load_tokenizer(
        run_dir, stored['vocabulary_size']) if resuming else None
    # The largest vocabulary the run may have: checked before any text is
    # read.
    config = _config(run_dir, model_options, stored, tokenizer.vocabulary_size
                     if tokenizer else loading['vocabulary_size'])
    model_size.check(config, batch_size)
    documents = sources.read_documents(loading['dataset'], loading['split'],
                                       loading['text_field'])
    documents = documents[:loading['max_documents']]
    record = run_data.record(settled, len(documents),
                             run_data.fingerprint(list(documents)))
    data = corpus.prepare_text_data(
        documents, config['max_length'], loading['vocabulary_size'],
        loading['level'], loading['validation_fraction'], loading['seed'],
        tokenizer=tokenizer)
    config = _config(run_dir, model_options, stored,
                     data.tokenizer.vocabulary_size)
    if not resuming and cluster.is_chief(strategy):
      run_dir = run_dir or runs.new_run_dir(runs_root)
      os.makedirs(run_dir, exist_ok=True)
      files.write_text(text_task.tokenizer_path(run_dir),
                       data.tokenizer.to_json())
    source_name = (offline_corpus.NAME
                   if loading['dataset'] in (None, offline_corpus.NAME)
                   else os.fspath(loading['dataset']))
    if announce is not None:
      announce(config, len(documents), data.tokenizer, source_name)
    result = training.train(
        data.train, config, run_dir=run_dir,
        validation_data=data.validation if len(data.validation) else None,
        batch_size=batch_size, seed=loading['seed'], runs_root=runs_root,
        strategy=strategy, data_record=record, **train_kwargs)
    return TextTraining(result, config, len(documents), data.tokenizer,
                        source_name)


def _config(run_dir, model_options, stored, vocabulary_size):
  """The run's configuration: a new one from `model_options`, or the stored
  one, which the options given must match."""
  if stored is not None:
    return configs.resumed_config(run_dir, stored, model_options)
  return configs.make_config(text_family.NAME,
                             vocabulary_size=vocabulary_size,
                             **(model_options or {}))


_DATA_DEFAULTS = dict(
    split='lines', text_field='text', level='word', validation_fraction=.1,
    seed=0, vocabulary_size=registry.family(
        text_family.NAME).defaults['vocabulary_size'])
