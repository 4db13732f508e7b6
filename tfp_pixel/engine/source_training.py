"""Training on a named data source, for every kind of data: what `tfp-pixel
train` and `tfp-pixel text train` run.

`train_on_source` makes the `tf.distribute` strategy (before any other
TensorFlow work, as the multi-worker one needs), locks the run directory
(another process training it is refused before any data are read), decides
whether the run resumes (`runs.stored_config`) and with which data options
(`run_data.settle`: a resumed run reads the data it recorded), has the kind of
data read its source and decide the configuration
(`kinds.<kind>.prepare_training`), and trains (`training.train`).
"""

import collections

from tfp_pixel.engine import cluster
from tfp_pixel.engine import kinds
from tfp_pixel.engine import run_data
from tfp_pixel.engine import runs
from tfp_pixel.engine import strategies
from tfp_pixel.engine import training

__all__ = ['SourceTraining', 'train_on_source']

SourceTraining = collections.namedtuple('SourceTraining',
                                        ['result', 'config', 'data'])
SourceTraining.__doc__ = """What `train_on_source` trained, and on what.

Fields:
  result: the `training.TrainResult`.
  config: the run's configuration.
  data: the `kinds.TrainingData` the kind read (its `num_examples`,
    `source_name`, `details`, ...).
"""


def train_on_source(kind, model_options=None, data_options=None,
                    run_dir=None, batch_size=32, announce=None,
                    strategy=None, fine_tune=False, **train_kwargs):
  """Reads a source of a kind of data and trains (or resumes) a run on it.

  A new run records its data (`run_data`: the source and every option that
  shapes it, and a fingerprint of what was read). A resume reads the same
  data: the data options left out (`None`) take the run's values, and other
  data are refused unless `fine_tune`; the model options left out take the
  run's values, and one that differs is refused.

  Args:
    kind: the name of the kind of data (`tfp_pixel.engine.kinds`), which the
      run's model must model.
    model_options: `dict` of the model options given (see the kind's
      `prepare_training`); `None`: none given.
    data_options: `dict` of the data options given (`None` values: not
      given), the kind's (images: `dataset`, `data_dir`, `shape`,
      `max_images`, `validation_fraction`, `seed`; texts: `dataset`,
      `split`, `text_field`, `vocabulary_size`, `level`, `max_documents`,
      `validation_fraction`, `seed`).
    run_dir: the run folder; resumed if it holds a configuration.
    batch_size: Python `int`, the global batch.
    announce: optional callable `(training_data)`, called with the
      `kinds.TrainingData` once the data are read, before training.
    strategy: see `strategies.make_strategy`.
    fine_tune: Python `bool`, whether a resumed run may go on training on
      other data than its own (other data options, or a source whose
      contents changed); the run's `data.json` records the switch.
    **train_kwargs: further arguments of `training.train`.

  Returns:
    trained: a `SourceTraining`.

  Raises:
    ValueError: one line, if the source, the options or the data do not fit
      (also: a resume asking for another model or other data, or a run of
      another kind of data).
    ModelTooLargeError: one line, if the model would need more memory than
      the bound at `batch_size`.
    RunError: as `training.train` raises them (another process trains the
      run, a lost worker, ...).
  """
  kind = kinds.kind_named(kind)
  strategy = strategies.make_strategy(strategy)  # First: see `strategies`.
  with cluster.writer_lock(run_dir, strategy):
    stored = runs.stored_config(run_dir)
    if stored is not None:
      kinds.check_kind(run_dir, stored, kind)
    settled = run_data.settle(
        run_dir if stored else None, given=dict(data_options or {}),
        defaults=kind.data_defaults(stored), fixed=kind.FIXED_DATA_OPTIONS,
        fine_tune=fine_tune,
        epochs_done=runs.epochs_done(run_dir) if stored else 0)
    prepared = kind.prepare_training(run_dir, stored, settled.options,
                                     model_options, batch_size)
    record = run_data.record(settled._replace(options=prepared.options),
                             prepared.num_examples, prepared.fingerprint)
    if announce is not None:
      announce(prepared)
    result = training.train(
        prepared.train, prepared.config, run_dir=run_dir,
        validation_data=prepared.validation, batch_size=batch_size,
        seed=prepared.options['seed'], strategy=strategy, data_record=record,
        run_files=prepared.run_files, **train_kwargs)
  return SourceTraining(result, prepared.config, prepared)
