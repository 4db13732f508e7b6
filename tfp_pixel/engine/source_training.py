"""Training on a named data source: what `tfp-pixel train` runs.

`train_on_source` makes the `tf.distribute` strategy (before any other
TensorFlow work, as the multi-worker one needs), locks the run directory
(another process training it is refused before any data are loaded), loads
the images of a source (`tfp_pixel.data`), decides the run's configuration (a
new one, or the stored one of a run being resumed), holds out a validation
split and trains (`training.train`).
"""

import collections
import os

from tfp_pixel import data
from tfp_pixel.engine import cluster
from tfp_pixel.engine import conditional_runs
from tfp_pixel.engine import configs
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


def train_on_source(model_options=None, conditional=False, dataset=None,
                    data_dir=None, shape=None, run_dir=None, max_images=None,
                    validation_fraction=0.1, batch_size=32, seed=0,
                    announce=None, strategy=None, **train_kwargs):
  """Loads a source's images and trains (or resumes) a run on them.

  Args:
    model_options: `dict` of `configs.make_config` arguments other than
      `image_shape` and `num_classes` (`model`, `num_levels` and the model's
      hyper-parameters); when resuming a run they must describe its stored
      configuration. `None`: resume with the stored configuration, or start
      the default model.
    conditional: Python `bool`, whether a new run models `p(x | label)` on
      the source's labels (a resumed run is conditional if it was).
    dataset: the source (see `tfp_pixel.data.load_images`); `None` for the
      offline default.
    data_dir: TFDS data directory.
    shape: `(height, width, channels)` or text like `'28x28x1'` to convert
      the images to; `None` keeps a resumed run's shape, or the source's.
    run_dir: the run folder; resumed if it holds a configuration.
    max_images: optional cap on the images loaded.
    validation_fraction: Python `float`, share held out for validation.
    batch_size: Python `int`, the global batch.
    seed: Python `int`.
    announce: optional callable `(config, num_images, image_shape,
      source_name)`, called once the data are loaded, before training.
    strategy: see `strategies.make_strategy`.
    **train_kwargs: further arguments of `training.train`.

  Returns:
    trained: a `SourceTraining`.

  Raises:
    ValueError: one line, if the source, the options or the data do not fit.
    ModelTooLargeError: one line, if the model would need more memory than
      the bound at `batch_size`; with a known shape, before any image is
      loaded.
    RunError: as `training.train` raises them (another process trains the
      run, a lost worker, ...).
  """
  strategy = strategies.make_strategy(strategy)  # First: see `strategies`.
  with cluster.writer_lock(run_dir, strategy):
    resuming = run_dir is not None and os.path.isfile(
        runs.run_paths(run_dir).config)
    stored = runs.read_config(run_dir) if resuming else None
    with_labels = conditional or bool(stored and stored['num_classes'])
    image_shape = data.parse_shape(shape) if shape else (
        tuple(stored['image_shape']) if stored else None)
    if image_shape is not None:
      # Before the images are converted to that shape; the labels' few
      # parameters are not known yet.
      model_size.check(_config(model_options, stored, image_shape, None),
                       batch_size)
    image_set = data.load_images(dataset, shape=image_shape,
                                 data_dir=data_dir, with_labels=with_labels,
                                 max_images=max_images)
    image_shape = tuple(image_set.images.shape[1:])
    config = _config(model_options, stored, image_shape,
                     image_set.num_classes if conditional else None)
    if config is stored and config['num_classes']:
      conditional_runs.check_labels(image_set.labels, config['num_classes'],
                                    'A label of ' + image_set.name)
    train_ds, val_ds = data.make_datasets(
        image_set.images,
        labels=image_set.labels if config['num_classes'] else None,
        batch_size=batch_size, validation_fraction=validation_fraction,
        seed=seed)
    if announce is not None:
      announce(config, len(image_set.images), image_shape, image_set.name)
    result = training.train(
        train_ds,
        config if not resuming or model_options is not None else None,
        run_dir=run_dir, validation_data=val_ds, batch_size=batch_size,
        seed=seed, strategy=strategy, **train_kwargs)
    return SourceTraining(result, config, len(image_set.images), image_shape,
                          image_set.name)


def _config(model_options, stored, image_shape, num_classes):
  """The run's configuration: the stored one unless options are given."""
  if stored is not None and model_options is None:
    return stored
  options = dict(model_options or {'model': None})
  return configs.make_config(options.pop('model') or configs.DEFAULT_MODEL,
                             image_shape, num_classes=num_classes, **options)

