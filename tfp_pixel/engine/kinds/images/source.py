"""Reading an image source for a training run (`tfp-pixel train`).

`prepare_training` loads the images of a source (`tfp_pixel.data`; for a
model of more than 256 levels, its levels: `configs.levels_are_data`) with
the run's data options (`run_data`), decides the run's configuration (a new
one, or the stored one of a run being resumed, which the options given must
match) and holds out a validation split.
"""

from tfp_pixel import class_labels
from tfp_pixel import data
from tfp_pixel import quantization
from tfp_pixel.engine import configs
from tfp_pixel.engine import kinds
from tfp_pixel.engine import run_data
from tfp_pixel.families import model_size

__all__ = ['prepare_training', 'run_config']


def prepare_training(run_dir, stored, options, model_options, batch_size):
  """Loads a source's images for a new or resumed run.

  Args:
    run_dir: the run folder (for messages), or `None`.
    stored: the configuration of the run being resumed, or `None`.
    options: `dict` of the data options (`run_data.settle`): `dataset`,
      `data_dir`, `shape`, `max_images`, `validation_fraction`, `seed`.
    model_options: `dict` of `configs.make_config` arguments other than
      `image_shape` and `num_classes` (`model`, `num_levels` and the model's
      hyper-parameters), and `conditional`: whether a new run models
      `p(x | label)` on the source's labels (`None`: a resumed run's
      choice); missing keys and `None` values take the defaults, or a
      resumed run's values.
    batch_size: Python `int`, the global batch.

  Returns:
    prepared: a `kinds.TrainingData`; its `details` hold the
      `image_shape`.

  Raises:
    ValueError: one line, if the source, the options or the images do not
      fit (also: a resume asking for another model or labels).
    ModelTooLargeError: one line, if the model would need more memory than
      the bound at `batch_size`; with a known shape, before any image is
      loaded.
  """
  model_options = dict(model_options or {})
  conditional = model_options.pop('conditional', None)
  if stored and conditional is not None and (
      conditional != bool(stored['num_classes'])):
    raise ValueError('{} was trained {} labels: leave --conditional out to '
                     'resume it, or train a new run.'.format(
                         run_dir, 'on' if stored['num_classes'] else
                         'without'))
  if options['shape'] is not None:
    # Before the images are converted to that shape; the labels' few
    # parameters are not known yet.
    model_size.check(run_config(run_dir, model_options, stored,
                             options['shape'], None), batch_size)
  with_labels = bool(conditional or (stored and stored['num_classes']))
  num_levels = (stored or model_options).get('num_levels')
  if num_levels is not None and not quantization.are_image_levels(
      quantization.check_num_levels(num_levels)):
    image_set = data.load_levels(
        options['dataset'], num_levels, shape=options['shape'],
        with_labels=with_labels, max_images=options['max_images'])
  else:
    image_set = data.load_images(
        options['dataset'], shape=options['shape'],
        data_dir=options['data_dir'], with_labels=with_labels,
        max_images=options['max_images'])
  image_shape = tuple(image_set.images.shape[1:])
  config = run_config(run_dir, model_options, stored, image_shape,
                   image_set.num_classes if conditional else None)
  if stored is not None and config['num_classes']:
    class_labels.check_labels(image_set.labels, config['num_classes'],
                              'A label of ' + image_set.name)
  labels = image_set.labels if config['num_classes'] else None
  train, validation = data.make_datasets(
      image_set.images, labels=labels, batch_size=batch_size,
      validation_fraction=options['validation_fraction'],
      seed=options['seed'])
  return kinds.TrainingData(
      train=train, validation=validation, config=config,
      options=dict(options, shape=list(image_shape)),
      num_examples=len(image_set.images),
      fingerprint=run_data.fingerprint(image_set.images, image_set.labels),
      source_name=image_set.name, run_files={},
      details=dict(image_shape=image_shape))


def run_config(run_dir, model_options, stored, image_shape, num_classes=None):
  """The run's configuration: a new one from `model_options`, or the stored
  one, which the options given must match."""
  if stored is not None:
    return configs.resumed_config(run_dir, stored,
                                  dict(model_options, image_shape=image_shape))
  options = dict(model_options)
  return configs.make_config(options.pop('model', None) or
                             configs.DEFAULT_MODEL, image_shape,
                             num_classes=num_classes, **options)
