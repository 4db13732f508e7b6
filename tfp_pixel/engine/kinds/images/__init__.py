"""The images kind: 8-bit images, quantized to a model's levels.

A model of images reads uint8 images `[N, H, W, C]` (with class labels when it
is class-conditional); its configurations have `image_shape`, `num_levels`
and `num_classes`; its runs train on an image source (`source`), draw a grid
of samples after each epoch (`task`, `grids`), and are read by `tfp-pixel
sample`, `score` and `complete` (`generation`, `scoring`). Bits per dimension
divide by `H * W * C` in the 8-bit convention (`metrics`).
"""

NAME = 'images'
EXAMPLES = 'images'
DIMENSION = 'dim'
COMMANDS = 'tfp-pixel train, sample, score and complete'
FIXED_DATA_OPTIONS = ('shape',)
EXTRA_DATA_KEYS = ('code_prior', 'background')

__all__ = ['COMMANDS', 'DIMENSION', 'EXAMPLES', 'EXTRA_DATA_KEYS',
           'FIXED_DATA_OPTIONS', 'NAME',
           'data_config', 'data_defaults', 'export_module', 'export_run_module',
           'make_task', 'prepare_training']


def data_defaults(stored):
  """The image data options' defaults; a resumed run keeps its shape."""
  return dict(validation_fraction=0.1, seed=0,
              shape=stored['image_shape'] if stored else None)


def data_config(family, image_shape=None, num_levels=None, num_classes=None,
                code_prior=None, background=None):
  """The data keys of an image model's configuration, checked; a prior over
  the codes of a VQ-VAE also has `code_prior` (`tfp_pixel.code_priors.config`),
  a background model `background` (`background.check_background`).
  """
  del family
  from tfp_pixel import class_labels  # pylint: disable=g-import-not-at-top
  from tfp_pixel import quantization  # pylint: disable=g-import-not-at-top
  from tfp_pixel import shapes  # pylint: disable=g-import-not-at-top
  from tfp_pixel.code_priors import config as code_prior_config  # pylint: disable=g-import-not-at-top
  from tfp_pixel.engine.kinds.images import background as background_entry  # pylint: disable=g-import-not-at-top
  keys = dict(
      image_shape=list(shapes.check_image_shape(image_shape)),
      num_levels=quantization.check_num_levels(
          quantization.IMAGE_LEVELS if num_levels is None else num_levels),
      num_classes=class_labels.check_num_classes(num_classes))
  code_prior = code_prior_config.check_code_prior(
      code_prior, keys['image_shape'], keys['num_classes'])
  if code_prior is not None:
    keys['code_prior'] = code_prior
  background = background_entry.check_background(background)
  if background is not None:
    if code_prior is not None:
      raise ValueError('A prior over codes cannot be a background model.')
    keys['background'] = background
  return keys


def make_task(config):
  """The `task.ImageTask` of an image model (`code_task.CodePriorTask` for
  a prior over codes, `background_task.BackgroundTask` for a background
  model)."""
  if config.get('background'):
    from tfp_pixel.engine.kinds.images import background_task  # pylint: disable=g-import-not-at-top
    return background_task.BackgroundTask(config)
  if config.get('code_prior'):
    from tfp_pixel.engine.kinds.images import code_task  # pylint: disable=g-import-not-at-top
    return code_task.CodePriorTask(config)
  from tfp_pixel.engine.kinds.images import task  # pylint: disable=g-import-not-at-top
  return task.ImageTask(config)


def prepare_training(run_dir, stored, options, model_options, batch_size):
  """Loads an image source for a run (`source.prepare_training`; for a prior
  over codes, the codes of its images, `code_source.prepare_training`)."""
  if (stored or model_options or {}).get('code_prior'):
    from tfp_pixel.engine.kinds.images import code_source  # pylint: disable=g-import-not-at-top
    return code_source.prepare_training(run_dir, stored, options,
                                        model_options, batch_size)
  from tfp_pixel.engine.kinds.images import source  # pylint: disable=g-import-not-at-top
  return source.prepare_training(run_dir, stored, options, model_options,
                                 batch_size)


def export_run_module(run, which='best', **options):
  """The `exports.ExportModule` of a run's model (`export.ImageExport`; a
  prior over codes: `code_export.TwoStageExport`)."""
  if run.config.get('code_prior'):
    from tfp_pixel.engine.kinds.images import code_export  # pylint: disable=g-import-not-at-top
    return code_export.run_module(run, which, **options)
  from tfp_pixel.engine.kinds.images import export  # pylint: disable=g-import-not-at-top
  return export.run_module(run, which, **options)


def export_module(model, **options):
  """The `exports.ExportModule` of a live image distribution or two-stage
  model, or `None` for a model of another kind."""
  from tfp_pixel.engine.kinds.images import export  # pylint: disable=g-import-not-at-top
  module = export.model_module(model, **options)
  if module is None:
    from tfp_pixel.engine.kinds.images import code_export  # pylint: disable=g-import-not-at-top
    module = code_export.model_module(model, **options)
  return module
