"""`tfp-pixel train`: train a model of images, or resume a run.

The model options come from the registry (`tfp_pixel.families`): every
option of the families of images is offered once, and the family is chosen by
`--model`, `--arch`, or the options given (see `registry.choose_family`).
Models of texts have their own command, `tfp-pixel text train`.
"""

import click

from tfp_pixel.engine.kinds import images
from tfp_pixel.families import registry

from . import options

__all__ = ['train']

_FAMILIES = registry.families_of_kind(images.NAME)
# The levels of 8-bit images and of any model, from the one rule of levels
# (`quantization`, read without loading TensorFlow).
_IMAGE_LEVELS = registry.module_constant('tfp_pixel.quantization',
                                         'IMAGE_LEVELS')
_MAX_LEVELS = registry.module_constant('tfp_pixel.quantization', 'MAX_LEVELS')
# The prior over codes a --prior-for run gets when it names none.
_PRIOR_ARCHITECTURE = 'gated'
# What a prior over codes models, by its `code_prior` level.
_GRIDS = {'codes': 'codes', 'top': 'top codes',
          'bottom': 'bottom codes (given the top ones)'}


def _models_epilog():
  return 'Models (--model): ' + '; '.join(
      '{}: {}'.format(family.name, family.summary)
      for family in _FAMILIES) + '.'


@click.command(epilog=_models_epilog())
@options.image_source_options()
@click.option('--model', type=click.Choice(
    [family.name for family in _FAMILIES]), default=None,
              help='Model family (below). Default: chosen by --arch or the '
                   'options given, else {}.'.format(
                       registry.default_family(images.NAME).name))
@click.option('--arch', type=click.Choice(
    registry.architecture_names(images.NAME)), default=None,
              help='Architecture, which also picks the model: ' + '; '.join(
                  '{} ({})'.format('|'.join(family.architectures),
                                   family.name)
                  for family in _FAMILIES if family.architectures))
@click.option('--levels', metavar='K', type=click.IntRange(2, _MAX_LEVELS),
              default=None,
              help='Quantize to K levels (default {0}); alone, it picks the '
                   'categorical model. Above {0} (up to {1}) the data must '
                   'be integer levels in [0, K) in a .npy/.npz or IDX file, '
                   'used as they are.'.format(_IMAGE_LEVELS, _MAX_LEVELS))
@options.family_options(_FAMILIES)
@click.option('--conditional', is_flag=True, default=None,
              help='Train a class-conditional model p(x | label) on the '
                   'dataset\'s labels (TFDS labels, IDX label files, class '
                   'sub-folders, .npz labels, the default digits\' 0-9).')
@click.option('--prior-for', metavar='RUN', default=None,
              type=click.Path(file_okay=False),
              help='Train a prior over the codes of the VQ-VAE of RUN '
                   '(tfp-pixel vqvae train): the dataset is encoded once '
                   '(cached in the run), the prior is a categorical model '
                   '(--arch, default gated) of num-codes levels, both priors '
                   'of a VQ-VAE-2; the run keeps a copy of the VQ-VAE, and '
                   'sample and score decode.')
@click.option('--background-for', metavar='RUN', default=None,
              type=click.Path(file_okay=False),
              help='Train a background model for the image run RUN (the '
                   'likelihood ratio of Ren et al. 2019): RUN\'s model and '
                   'data (options given replace its data options), each '
                   'pixel replaced by a random value with probability '
                   '--mutation-rate, afresh every epoch.')
@click.option('--mutation-rate', metavar='MU', default=None,
              type=click.FloatRange(0, 1, min_open=True),
              help='With --background-for: the probability that a pixel is '
                   'replaced (default 0.2; 0.1-0.3 in the paper).')
@click.option('--l2', metavar='L', default=None, type=click.FloatRange(0),
              help='With --background-for: the loss adds L times the sum of '
                   'squares of the weights (default 0).')
@options.training_options
@click.option('--max-images', metavar='N', type=click.IntRange(1),
              default=None, help='Use at most N images.')
@options.num_samples_option(
    16, 'Samples in the grid drawn after each epoch (0: none).')
@options.scale_option
@options.run_training_options
@click.pass_context
def train(ctx, dataset, data_dir, shape, model, arch, levels, conditional,
          prior_for, background_for, mutation_rate, l2, epochs, steps,
          batch_size, learning_rate, validation_fraction, max_images, jit,
          strategy, num_samples, sample_every, keep, scale, run_dir,
          fine_tune, restart, seed, **family_values):
  """Train a model; rerun on the same --run to resume it.

  A resume reads the run's own data and model: options left out take the
  run's values, and one that differs is refused (other data: pass
  --fine-tune).
  """
  given = options.given_parameters(ctx)
  with options.user_errors(), options.stop_on_signals():
    from tfp_pixel import data  # pylint: disable=g-import-not-at-top
    from tfp_pixel.engine import runs  # pylint: disable=g-import-not-at-top
    from tfp_pixel.engine import source_training  # pylint: disable=g-import-not-at-top
    resumed = runs.stored_config(run_dir)
    background = background_for is not None or bool(
        resumed and resumed.get('background'))
    if not background and (mutation_rate is not None or l2 is not None):
      raise ValueError('--mutation-rate and --l2 train a background model: '
                       'pass --background-for RUN.')
    if background and prior_for is not None:
      raise ValueError('A run is a prior over codes (--prior-for) or a '
                       'background model (--background-for), not both.')
    prior = prior_for is not None or bool(resumed and
                                          resumed.get('code_prior'))
    if prior and model is None and arch is None and not resumed:
      arch = _PRIOR_ARCHITECTURE
    data_options = dict(
        dataset=dataset, data_dir=data_dir,
        shape=data.parse_shape(shape) if shape else None,
        max_images=max_images, validation_fraction=validation_fraction,
        seed=seed)
    train_kwargs = dict(
        batch_size=batch_size, announce=_announce, epochs=epochs,
        steps_per_epoch=steps, learning_rate=learning_rate, jit=jit,
        strategy=strategy, num_samples=num_samples,
        sample_every=sample_every, keep_checkpoints=keep, grid_scale=scale,
        fine_tune=fine_tune, restart=restart)
    if background:
      from tfp_pixel.engine import background_runs  # pylint: disable=g-import-not-at-top
      trained = background_runs.train_background(
          background_for, mutation_rate=mutation_rate, l2=l2,
          model_options=_model_flags(given, family_values),
          data_options=data_options, run_dir=run_dir, **train_kwargs)
    elif prior:
      from tfp_pixel.engine import prior_runs  # pylint: disable=g-import-not-at-top
      if resumed and resumed['code_prior']['level'] == 'top':
        raise ValueError('{} is the top prior of a prior run: resume the '
                         'prior run (its parent folder).'.format(run_dir))
      trained = prior_runs.train_priors(
          prior_for, _model_options(model, arch, levels, conditional,
                                    family_values, given, resumed),
          data_options, run_dir=run_dir, **train_kwargs)[-1]
    else:
      trained = source_training.train_on_source(
          images.NAME, _model_options(model, arch, levels, conditional,
                                      family_values, given, resumed),
          data_options=data_options, run_dir=run_dir, **train_kwargs)
  options.echo_trained(trained.result)


def _model_flags(given, family_values):
  """The model options given on the command line, by flag (`--levels`):
  those a background model refuses."""
  return {'--' + name.replace('_', '-'): True for name in given
          if name in family_values or name in ('model', 'arch', 'levels',
                                               'conditional')}


def _model_options(model, arch, levels, conditional, family_values, given,
                   resumed):
  """The model options the command line gives, as `make_config` keys: only
  those given (the others take the defaults, or a resumed run's values),
  and `conditional`.

  Args:
    model: `--model`, or `None`.
    arch: `--arch`, or `None`.
    levels: `--levels`, or `None`.
    conditional: `--conditional`, or `None`.
    family_values: the values of every family option, by parameter name.
    given: the parameter names given on the command line.
    resumed: the configuration of the run being resumed, or `None`.
  """
  resumed = resumed and resumed['model']
  flags = ['--' + name.replace('_', '-') for name in given
           if name in family_values]
  if levels is not None:
    flags.append('--levels')
  try:
    family = registry.choose_family(model, arch, flags, current=resumed,
                                    kind=images.NAME)
  except ValueError as error:
    raise click.UsageError(str(error)) from None
  chosen = options.model_options(family, family_values, given)
  if arch is not None and family.architectures[arch] is not None:
    chosen['architecture'] = family.architectures[arch]
  if levels is not None:
    chosen['num_levels'] = levels
  return dict(model=family.name, conditional=conditional, **chosen)


def _announce(prepared):
  config = prepared.config
  classes = (' conditioned on {} classes'.format(config['num_classes'])
             if config['num_classes'] else '')
  background = config.get('background')
  if background:
    click.echo('Training a background model ({}{}) for {} with mutation '
               'rate {:g}{} on {} images of {} from {}'.format(
                   config['model'], classes, background['for'],
                   background['mutation_rate'],
                   ', L2 {:g}'.format(background['l2'])
                   if background['l2'] else '', prepared.num_examples,
                   'x'.join(map(str, prepared.details['image_shape'])),
                   prepared.source_name), err=True)
    return
  if config.get('code_prior'):
    classes = ' over the {} of a VQ-VAE{}'.format(
        _GRIDS[config['code_prior']['level']],
        ' (encoded earlier, from the cache)'
        if prepared.details.get('codes_cached') else '')
  click.echo('Training {}{} on {} images of {} from {}'.format(
      config['model'], classes, prepared.num_examples,
      'x'.join(map(str, prepared.details['image_shape'])),
      prepared.source_name), err=True)
