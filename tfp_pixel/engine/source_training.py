"""Training on a named data source: what `tfp-pixel train` runs.

`train_on_source` makes the `tf.distribute` strategy (before any other
TensorFlow work, as the multi-worker one needs), locks the run directory
(another process training it is refused before any data are loaded), loads
the images of a source (`tfp_pixel.data`) — for a resumed run the data it
recorded (`run_data`) —, decides the run's configuration (a new one, or the
stored one of a run being resumed), holds out a validation split and trains
(`training.train`).
"""

import collections
import os

from tfp_pixel import data
from tfp_pixel.engine import cluster
from tfp_pixel.engine import conditional_runs
from tfp_pixel.engine import configs
from tfp_pixel.engine import run_data
from tfp_pixel.engine import runs
from tfp_pixel.engine import strategies
from tfp_pixel.engine import training
from tfp_pixel.families import model_size

__all__ = ['SourceTraining', 'train_on_source']

SourceTraining = collections.namedtuple(
    'SourceTraining', ['result', 'config', 'num_images', 'image_shape',
                       'source_name'])
SourceTraining.__doc__ = """What `train_on_source` trained, and on what.

Fields:
  result: the `training.TrainResult`.
  config: the run's configuration.
  num_images: Python `int`, images loaded (training and validation).
  image_shape: `(height, width, channels)` of the images.
  source_name: `str`, a short name of the source.
"""


def train_on_source(model_options=None, conditional=None, dataset=None,
                    data_dir=None, shape=None, run_dir=None, max_images=None,
                    validation_fraction=None, batch_size=32, seed=None,
                    announce=None, strategy=None, fine_tune=False,
                    **train_kwargs):
  """Loads a source's images and trains (or resumes) a run on them.

  A new run records its data (`run_data`: the source and every option that
  shapes it, and a fingerprint of the images). A resume reads the same
  data: the data options left out (`None`) take the run's values, and other
  data are refused unless `fine_tune`.

  Args:
    model_options: `dict` of `configs.make_config` arguments other than
      `image_shape` and `num_classes` (`model`, `num_levels` and the model's
      hyper-parameters), `None` values and missing keys taking the defaults;
      when resuming, the options given must equal the run's (a missing one
      keeps the run's). `None`: no option given.
    conditional: Python `bool`, whether a new run models `p(x | label)` on
      the source's labels; `None` keeps a resumed run's choice (a new run's
      default is `False`).
    dataset: the source (see `tfp_pixel.data.load_images`); `None` for a
      resumed run's own, or the offline default.
    data_dir: TFDS data directory; `None` for a resumed run's.
    shape: `(height, width, channels)` or text like `'28x28x1'` to convert
      the images to; `None` keeps a resumed run's shape, or the source's.
    run_dir: the run folder; resumed if it holds a configuration.
    max_images: optional cap on the images loaded; `None` for a resumed
      run's.
    validation_fraction: Python `float`, share held out for validation;
      `None` for a resumed run's, or 0.1.
    batch_size: Python `int`, the global batch.
    seed: Python `int` of the split, shuffling, weights and samples; `None`
      for a resumed run's, or 0.
    announce: optional callable `(config, num_images, image_shape,
      source_name)`, called once the data are loaded, before training.
    strategy: see `strategies.make_strategy`.
    fine_tune: Python `bool`, whether a resumed run may go on training on
      other data than its own (other data options, or a source whose
      images changed); the run's `data.json` records the switch.
    **train_kwargs: further arguments of `training.train`.

  Returns:
    trained: a `SourceTraining`.

  Raises:
    ValueError: one line, if the source, the options or the data do not fit
      (also: a resume asking for another model or other data).
    ModelTooLargeError: one line, if the model would need more memory than
      the bound at `batch_size`; with a known shape, before any image is
      loaded.
    RunError: as `training.train` raises them (another process trains the
      run, a lost worker, ...).
  """
  strategy = strategies.make_strategy(strategy)  # First: see `strategies`.
  with cluster.writer_lock(run_dir, strategy):
    stored = _stored_config(run_dir)
    settled = run_data.settle(
        run_dir if stored else None,
        given=dict(dataset=dataset, data_dir=data_dir,
                   shape=data.parse_shape(shape) if shape else None,
                   max_images=max_images,
                   validation_fraction=validation_fraction, seed=seed),
        defaults=dict(validation_fraction=0.1, seed=0,
                      shape=stored['image_shape'] if stored else None),
        fixed=('shape',), fine_tune=fine_tune,
        epochs_done=_epochs_done(run_dir) if stored else 0)
    loading = settled.options
    if stored and conditional is not None and (
        conditional != bool(stored['num_classes'])):
      raise ValueError('{} was trained {} labels: leave --conditional out to '
                       'resume it, or train a new run.'.format(
                           run_dir, 'on' if stored['num_classes'] else
                           'without'))
    if loading['shape'] is not None:
      # Before the images are converted to that shape; the labels' few
      # parameters are not known yet.
      model_size.check(_config(run_dir, model_options, stored,
                               loading['shape'], None), batch_size)
    with_labels = bool(conditional or (stored and stored['num_classes']))
    image_set = data.load_images(
        loading['dataset'], shape=loading['shape'],
        data_dir=loading['data_dir'], with_labels=with_labels,
        max_images=loading['max_images'])
    image_shape = tuple(image_set.images.shape[1:])
    settled = settled._replace(options=dict(loading, shape=list(image_shape)))
    record = run_data.record(settled, len(image_set.images),
                             run_data.fingerprint(image_set.images,
                                                  image_set.labels))
    config = _config(run_dir, model_options, stored, image_shape,
                     image_set.num_classes if conditional else None)
    if stored is not None and config['num_classes']:
      conditional_runs.check_labels(image_set.labels, config['num_classes'],
                                    'A label of ' + image_set.name)
    train_ds, val_ds = data.make_datasets(
        image_set.images,
        labels=image_set.labels if config['num_classes'] else None,
        batch_size=batch_size,
        validation_fraction=loading['validation_fraction'],
        seed=loading['seed'])
    if announce is not None:
      announce(config, len(image_set.images), image_shape, image_set.name)
    result = training.train(
        train_ds, config, run_dir=run_dir, validation_data=val_ds,
        batch_size=batch_size, seed=loading['seed'], strategy=strategy,
        data_record=record, **train_kwargs)
    return SourceTraining(result, config, len(image_set.images), image_shape,
                          image_set.name)


def _config(run_dir, model_options, stored, image_shape, num_classes):
  """The run's configuration: a new one from `model_options`, or the stored
  one, which the options given must match."""
  options = dict(model_options or {})
  if stored is not None:
    return configs.resumed_config(run_dir, stored,
                                  dict(options, image_shape=image_shape))
  return configs.make_config(options.pop('model', None) or
                             configs.DEFAULT_MODEL, image_shape,
                             num_classes=num_classes, **options)


def _stored_config(run_dir):
  """The configuration of the image run being resumed, or `None`."""
  if run_dir is None or not os.path.isfile(runs.run_paths(run_dir).config):
    return None
  return runs.open_run(run_dir, images=True).config


def _epochs_done(run_dir):
  return max([record['epoch'] for record in runs.read_metrics(run_dir)],
             default=0)
