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

__all__ = ['COMMANDS', 'DIMENSION', 'EXAMPLES', 'FIXED_DATA_OPTIONS', 'NAME',
           'data_config', 'data_defaults', 'make_task', 'prepare_training']


def data_defaults(stored):
  """The image data options' defaults; a resumed run keeps its shape."""
  return dict(validation_fraction=0.1, seed=0,
              shape=stored['image_shape'] if stored else None)


def data_config(family, image_shape=None, num_levels=None, num_classes=None):
  """The data keys of an image model's configuration, checked."""
  del family
  from tfp_pixel import class_labels  # pylint: disable=g-import-not-at-top
  from tfp_pixel import quantization  # pylint: disable=g-import-not-at-top
  from tfp_pixel import shapes  # pylint: disable=g-import-not-at-top
  return dict(
      image_shape=list(shapes.check_image_shape(image_shape)),
      num_levels=quantization.check_num_levels(
          quantization.IMAGE_LEVELS if num_levels is None else num_levels),
      num_classes=class_labels.check_num_classes(num_classes))


def make_task(config):
  """The `task.ImageTask` of an image model."""
  from tfp_pixel.engine.kinds.images import task  # pylint: disable=g-import-not-at-top
  return task.ImageTask(config)


def prepare_training(run_dir, stored, options, model_options, batch_size):
  """Loads an image source for a run (`source.prepare_training`)."""
  from tfp_pixel.engine.kinds.images import source  # pylint: disable=g-import-not-at-top
  return source.prepare_training(run_dir, stored, options, model_options,
                                 batch_size)
