"""The autoencoder kind: 8-bit images turned into grids of discrete codes.

A VQ-VAE (`tfp_pixel.VQVAE`) reads uint8 images `[N, H, W, C]` as the
images kind does (the same sources and data options), but it is not a
distribution over them: its runs train the reconstruction loss (the
decoder's negative log-likelihood of the 8-bit image given the codes, plus
the commitment loss), draw a grid of reconstructions after each epoch
(`task`), and are read by `tfp-pixel vqvae reconstruct` and by the priors
trained on its codes (`tfp-pixel train --prior-for RUN`). Its configurations
have `image_shape`, `num_levels` (always 256: the decoder's 8-bit values)
and `num_classes` (always `None`).
"""

NAME = 'autoencoder'
EXAMPLES = 'images'
DIMENSION = 'dim'
COMMANDS = 'tfp-pixel vqvae reconstruct and tfp-pixel train --prior-for'
EXTRA_DATA_KEYS = ()
FIXED_DATA_OPTIONS = ('shape',)

__all__ = ['COMMANDS', 'DIMENSION', 'EXAMPLES', 'EXTRA_DATA_KEYS', 'FIXED_DATA_OPTIONS', 'NAME',
           'data_config', 'data_defaults', 'export_module',
           'export_run_module', 'make_task', 'prepare_training']

_IMAGE_LEVELS = 256


def data_defaults(stored):
  """The image data options' defaults (those of the images kind)."""
  from tfp_pixel.engine.kinds import images  # pylint: disable=g-import-not-at-top
  return images.data_defaults(stored)


def data_config(family, image_shape=None, num_levels=None, num_classes=None):
  """The data keys of an autoencoder's configuration: 8-bit images, no
  labels."""
  from tfp_pixel import shapes  # pylint: disable=g-import-not-at-top
  if num_levels not in (None, _IMAGE_LEVELS) or num_classes is not None:
    raise ValueError('The {} model reads 8-bit images: it takes no other '
                     'num_levels than {} and no num_classes.'.format(
                         family.name, _IMAGE_LEVELS))
  return dict(image_shape=list(shapes.check_image_shape(image_shape)),
              num_levels=_IMAGE_LEVELS, num_classes=None)


def make_task(config):
  """The `task.AutoencoderTask` of an autoencoder."""
  from tfp_pixel.engine.kinds.autoencoder import task  # pylint: disable=g-import-not-at-top
  return task.AutoencoderTask(config)


def prepare_training(run_dir, stored, options, model_options, batch_size):
  """Loads an image source for a run, as the images kind does, without
  labels."""
  from tfp_pixel.engine.kinds.images import source  # pylint: disable=g-import-not-at-top
  model_options = dict(model_options or {})
  if model_options.pop('conditional', None):
    raise ValueError('A VQ-VAE is not class-conditional: leave --conditional '
                     'out.')
  return source.prepare_training(run_dir, stored, options, model_options,
                                 batch_size)


def export_run_module(run, which='best', **options):
  """The `export.VQVAEExport` of a VQ-VAE run's model."""
  from tfp_pixel.engine.kinds.autoencoder import export  # pylint: disable=g-import-not-at-top
  return export.run_module(run, which, **options)


def export_module(model, **options):
  """The `export.VQVAEExport` of a live `tfp_pixel.VQVAE`, or `None` for a
  model of another kind."""
  from tfp_pixel.engine.kinds.autoencoder import export  # pylint: disable=g-import-not-at-top
  return export.model_module(model, **options)
