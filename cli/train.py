"""`tfp-pixel train`: train a model, or resume a run.

The model options come from the registry (`tfp_pixel.families`): every image
family's options are offered once, and the family is chosen by `--model`,
`--arch`, or the options given (see `registry.choose_family`). The text model
has its own command, `tfp-pixel text train`.
"""

import math

import click

from tfp_pixel.families import registry

from . import options

__all__ = ['train']


def _family_options(command):
  """Adds one click option per distinct family option flag to `command`."""
  by_flag = {}
  for family in registry.image_families():
    for option in family.options:
      by_flag.setdefault(option.flag, []).append((family, option))
  for flag, owners in sorted(by_flag.items(), reverse=True):
    first = owners[0][1]
    defaults = ', '.join('{}: {}'.format(family.name,
                                         family.defaults[option.key])
                         for family, option in owners)
    command = click.option(
        flag, metavar=first.metavar, type=_click_type(first), default=None,
        help='{} ({}).'.format(first.help[:1].upper() + first.help[1:],
                               defaults))(command)
  return command


def _click_type(option):
  kind = click.IntRange if option.kind == 'int' else _FiniteFloatRange
  return kind(option.minimum, option.maximum,
              max_open=option.maximum_open)


class _FiniteFloatRange(click.FloatRange):
  """A `click.FloatRange` that also refuses `nan` (which passes every
  comparison of a range) and infinities."""

  def convert(self, value, param, ctx):
    value = super().convert(value, param, ctx)
    if not math.isfinite(value):
      self.fail('{} is not a finite number.'.format(value), param, ctx)
    return value


def _models_epilog():
  return 'Models (--model): ' + '; '.join(
      '{}: {}'.format(family.name, family.summary)
      for family in registry.image_families()) + '.'


@click.command(epilog=_models_epilog())
@click.option('--dataset', metavar='SOURCE', default=None,
              help='TFDS name, image folder, IDX file or .npy/.npz file. '
                   'Default: scikit-learn\'s bundled 8x8 digits (offline).')
@click.option('--data-dir', metavar='DIR', default=None,
              help='TFDS data directory (a prepared copy works offline).')
@click.option('--shape', metavar='HxWxC', default=None,
              help='Image shape to convert every image to, e.g. 32x32x1. '
                   'Default: the data\'s own.')
@click.option('--model', type=click.Choice(
    [family.name for family in registry.image_families()]),
              default=None,
              help='Model family (below). Default: chosen by --arch or the '
                   'options given, else {}.'.format(registry.DEFAULT_FAMILY))
@click.option('--arch', type=click.Choice(registry.architecture_names()),
              default=None,
              help='Architecture, which also picks the model: ' + '; '.join(
                  '{} ({})'.format('|'.join(family.architectures),
                                   family.name)
                  for family in registry.image_families()
                  if family.architectures))
@click.option('--levels', metavar='K', type=click.IntRange(2, 256),
              default=None,
              help='Quantize to K levels (default 256); alone, it picks the '
                   'categorical model.')
@_family_options
@click.option('--conditional', is_flag=True, default=None,
              help='Train a class-conditional model p(x | label) on the '
                   'dataset\'s labels (TFDS labels, IDX label files, class '
                   'sub-folders, .npz labels, the default digits\' 0-9).')
@options.training_options
@click.option('--validation-fraction', metavar='F', type=click.FloatRange(
    0., 1., min_open=True, max_open=True), default=None,
              help='Share of the images held out for validation (0.1; a '
                   'resumed run: its own).')
@click.option('--max-images', metavar='N', type=click.IntRange(1),
              default=None, help='Use at most N images.')
@click.option('--num-samples', metavar='N', type=click.IntRange(0),
              default=16, show_default=True,
              help='Samples in the grid drawn after each epoch (0: none).')
@options.scale_option
@options.run_option
@options.resume_options
@click.option('--seed', metavar='INT', type=int, default=None,
              help='Random seed of the split, weights, shuffling and '
                   'samples (0; a resumed run: its own).')
@options.verbose_option
@click.pass_context
def train(ctx, dataset, data_dir, shape, model, arch, levels, conditional,
          epochs, steps, batch_size, learning_rate, validation_fraction,
          max_images, jit, strategy, num_samples, sample_every, keep, scale,
          run_dir, fine_tune, restart, seed, **family_values):
  """Train a model; rerun on the same --run to resume it.

  A resume reads the run's own data and model: options left out take the
  run's values, and one that differs is refused (other data: pass
  --fine-tune).
  """
  given = [name for name in ctx.params
           if ctx.get_parameter_source(name) ==
           click.core.ParameterSource.COMMANDLINE]
  with options.user_errors(), options.stop_on_signals():
    from tfp_pixel.engine import runs  # pylint: disable=g-import-not-at-top
    from tfp_pixel.engine import source_training  # pylint: disable=g-import-not-at-top
    resumed = runs.stored_model(run_dir)
    model_options = _model_options(model, arch, levels, family_values, given,
                                   resumed)
    trained = source_training.train_on_source(
        model_options, conditional=conditional, dataset=dataset,
        data_dir=data_dir, shape=shape, run_dir=run_dir,
        max_images=max_images, validation_fraction=validation_fraction,
        batch_size=batch_size, seed=seed, announce=_announce, epochs=epochs,
        steps_per_epoch=steps, learning_rate=learning_rate, jit=jit,
        strategy=strategy, num_samples=num_samples,
        sample_every=sample_every, keep_checkpoints=keep, grid_scale=scale,
        fine_tune=fine_tune, restart=restart)
  options.echo_trained(trained.result)


def _model_options(model, arch, levels, family_values, given, resumed):
  """The model options the command line gives, as `make_config` keys: only
  those given (the others take the defaults, or a resumed run's values).

  Args:
    model: `--model`, or `None`.
    arch: `--arch`, or `None`.
    levels: `--levels`, or `None`.
    family_values: the values of every family option, by parameter name.
    given: the parameter names given on the command line.
    resumed: the model of the run being resumed, or `None`.
  """
  flags = ['--' + name.replace('_', '-') for name in given
           if name in family_values]
  if levels is not None:
    flags.append('--levels')
  try:
    family = registry.choose_family(model, arch, flags, current=resumed)
  except ValueError as error:
    raise click.UsageError(str(error)) from None
  chosen = {option.key: family_values[option.flag[2:].replace('-', '_')]
            for option in family.options
            if option.flag[2:].replace('-', '_') in given}
  if arch is not None:
    chosen['architecture'] = family.architectures[arch]
  if levels is not None:
    chosen['num_levels'] = levels
  return dict(model=family.name, **chosen)


def _announce(config, num_images, image_shape, source_name):
  classes = (' conditioned on {} classes'.format(config['num_classes'])
             if config['num_classes'] else '')
  click.echo('Training {}{} on {} images of {} from {}'.format(
      config['model'], classes, num_images, 'x'.join(map(str, image_shape)),
      source_name), err=True)
