"""Options shared by several commands, defined once, and error reporting."""

import math
import sys

import click

__all__ = ['POSITIVE_FINITE', 'checkpoint_option', 'data_dir_option',
           'dataset_option',
           'echo_trained', 'family_options', 'given_parameters',
           'image_source_options',
           'model_options', 'num_samples_option', 'resume_options',
           'run_option', 'run_training_options', 'scale_option',
           'score_format_option', 'seed_option', 'stop_on_signals',
           'temperature_option', 'training_options', 'training_seed_option',
           'user_errors', 'validation_fraction_option', 'verbose_option']


class _PositiveFinite(click.ParamType):
  """A float that is finite and above 0 (`click.FloatRange` lets `nan` and
  `inf` through), and passes `check` (a function that returns the value or
  raises `ValueError`), if one is given."""

  name = 'float'

  def __init__(self, check=None):
    self._check = check

  def convert(self, value, param, ctx):
    try:
      number = float(value)
    except (TypeError, ValueError):
      self.fail('{!r} is not a number.'.format(value), param, ctx)
    try:
      if math.isfinite(number) and number > 0:
        return self._check(number) if self._check else number
    except ValueError:
      pass
    self.fail('{!r} is not a positive finite number.'.format(value), param,
              ctx)


def _check_temperature(number):
  """The models' own rule (`tfp_pixel.distributions.temperature`)."""
  from tfp_pixel.distributions import temperature  # pylint: disable=g-import-not-at-top
  return temperature.check_temperature(number)


POSITIVE_FINITE = _PositiveFinite()


class _FiniteFloatRange(click.FloatRange):
  """A `click.FloatRange` that also refuses `nan` (which passes every
  comparison of a range) and infinities."""

  def convert(self, value, param, ctx):
    value = super().convert(value, param, ctx)
    if not math.isfinite(value):
      self.fail('{} is not a finite number.'.format(value), param, ctx)
    return value


def _click_type(option):
  """The click type of a family's `registry.Option`."""
  if option.value_type == 'choice':
    return click.Choice(option.choices)
  kind = click.IntRange if option.value_type == 'int' else _FiniteFloatRange
  return kind(option.minimum, option.maximum, max_open=option.maximum_open)


def _parameter(option):
  """The click parameter name of a family option (`--embedding-dim`:
  `embedding_dim`)."""
  return option.flag[2:].replace('-', '_')


def family_options(families):
  """Adds to a command one click option per distinct option flag of
  `families` (`registry.ModelFamily`s), saying each family's default; an
  option left out is `None`."""

  def add(command):
    by_flag = {}
    for family in families:
      for option in family.options:
        by_flag.setdefault(option.flag, []).append((family, option))
    for flag, owners in sorted(by_flag.items(), reverse=True):
      first = owners[0][1]
      defaults = ', '.join('{}: {}'.format(family.name,
                                           family.defaults[option.key])
                           for family, option in owners)
      command = click.option(
          flag, metavar=None if first.choices else first.metavar,
          type=_click_type(first), default=None,
          help='{} ({}).'.format(first.help[:1].upper() + first.help[1:],
                                 defaults))(command)
    return command

  return add


def given_parameters(ctx):
  """The names of the parameters given on the command line (not
  defaults)."""
  return {name for name in ctx.params
          if ctx.get_parameter_source(name) ==
          click.core.ParameterSource.COMMANDLINE}


def model_options(family, values, given):
  """The configuration keys of `family` that the command line gives: the
  value of each of its options given (`values` by parameter name; `given`,
  the parameter names given)."""
  return {option.key: values[_parameter(option)] for option in family.options
          if _parameter(option) in given}


def dataset_option(help_text):
  """--dataset SOURCE of a training command; `None` when left out (a
  resumed run's own source, or the kind's default)."""
  return click.option('--dataset', metavar='SOURCE', default=None,
                      help=help_text)


data_dir_option = click.option(
    '--data-dir', metavar='DIR', default=None,
    help='TFDS data directory (a prepared copy works offline).')


def image_source_options(shape_note=''):
  """--dataset, --data-dir and --shape of a command training on images;
  `shape_note` ends the help of --shape."""
  options = (
      dataset_option('TFDS name, image folder, IDX file or .npy/.npz file. '
                     'Default: scikit-learn\'s bundled 8x8 digits '
                     '(offline).'),
      data_dir_option,
      click.option('--shape', metavar='HxWxC', default=None,
                   help='Image shape to convert every image to, e.g. '
                        '32x32x1{}. Default: the data\'s own.'.format(
                            shape_note)))

  def add(command):
    for option in reversed(options):
      command = option(command)
    return command

  return add


validation_fraction_option = click.option(
    '--validation-fraction', metavar='F',
    type=click.FloatRange(0., 1., max_open=True), default=None,
    help='Share of the data held out for validation, 0 for none (0.1; a '
         'resumed run: its own).')


def num_samples_option(default, help_text):
  """--num-samples N of a training command: samples drawn after each
  epoch."""
  return click.option('--num-samples', metavar='N', type=click.IntRange(0),
                      default=default, show_default=True, help=help_text)


training_seed_option = click.option(
    '--seed', metavar='INT', type=int, default=None,
    help='Random seed of the split, weights, shuffling and samples (0; a '
         'resumed run: its own).')

run_option = click.option(
    '--run', 'run_dir', metavar='DIR', default=None,
    type=click.Path(file_okay=False),
    help='Run directory. Default: the latest run recorded in ./runs/latest '
         '(train: a new folder under ./runs/).')

_RESUME_OPTIONS = (
    click.option('--fine-tune', is_flag=True, default=False,
                 help='Resume the run on other data than its own (another '
                      '--dataset, or a source whose contents changed); the '
                      'run records the switch.'),
    click.option('--restart', is_flag=True, default=False,
                 help='Train the run again from epoch 1; what it trained so '
                      'far moves into a before-restart-* folder of the '
                      'run.'),
)


def resume_options(command):
  """--fine-tune and --restart, of every training command."""
  for option in reversed(_RESUME_OPTIONS):
    command = option(command)
  return command


seed_option = click.option(
    '--seed', metavar='INT', type=int, default=0, show_default=True,
    help='Random seed.')

checkpoint_option = click.option(
    '--checkpoint', type=click.Choice(['best', 'last']), default='best',
    show_default=True, help='Best-validation or last checkpoint of the run.')


temperature_option = click.option(
    '--temperature', metavar='T', type=_PositiveFinite(_check_temperature),
    default=1., show_default=True,
    help='Sampling temperature, positive and finite (< 1: sharper, more '
         'predictable).')

scale_option = click.option(
    '--scale', metavar='N', type=click.IntRange(1), default=None,
    help='Draw each image pixel as an NxN square in PNG grids (nearest '
         'neighbour). Default: the smallest N making each image at least 64 '
         'pixels wide (8x8 images: 8, 28x28: 3, 32x32: 2).')


def _show_tensorflow_logs(ctx, param, value):
  del ctx, param
  if value:
    from . import tf_log_filter  # pylint: disable=g-import-not-at-top
    tf_log_filter.remove()


verbose_option = click.option(
    '--verbose', is_flag=True, is_eager=True, expose_value=False,
    callback=_show_tensorflow_logs,
    help='Also show TensorFlow\'s own log lines (start-up notices, why no '
         'GPU is used, ...), which are hidden by default.')

score_format_option = click.option(
    '--format', 'output_format', type=click.Choice(['table', 'json', 'csv']),
    default='table', show_default=True, help='Output format.')

_TRAINING_OPTIONS = (
    click.option('--epochs', metavar='N', type=click.IntRange(0), default=10,
                 show_default=True,
                 help='Total epochs the run should reach.'),
    click.option('--steps', metavar='N', type=click.IntRange(1), default=None,
                 help='Batches per epoch, repeating the data as needed. '
                      'Default: one full pass.'),
    click.option('--batch-size', metavar='N', type=click.IntRange(1),
                 default=32, show_default=True,
                 help='Global batch, split across replicas.'),
    click.option('--learning-rate', metavar='LR', type=POSITIVE_FINITE,
                 default=1e-3, show_default=True,
                 help='Adam learning rate.'),
    click.option('--jit/--no-jit', default=False, show_default=True,
                 help='XLA-compile the training step.'),
    click.option('--strategy', type=click.Choice(['default', 'mirrored',
                                                  'multiworker']),
                 default=None,
                 help='tf.distribute strategy. Default: mirrored with several '
                      'GPUs, else default. multiworker: one process per '
                      'worker, the cluster in the TF_CONFIG environment '
                      'variable; the chief writes the run.'),
    click.option('--sample-every', metavar='N', type=click.IntRange(1),
                 default=1, show_default=True,
                 help='Draw the samples every N epochs.'),
    click.option('--keep', metavar='N', type=click.IntRange(1), default=3,
                 show_default=True, help='Last checkpoints to keep.'),
    validation_fraction_option,
)


def training_options(command):
  """The options of every training command (`training.train`'s own):
  --epochs, --steps, --batch-size, --learning-rate, --jit, --strategy,
  --sample-every and --keep, and --validation-fraction."""
  for option in reversed(_TRAINING_OPTIONS):
    command = option(command)
  return command


def run_training_options(command):
  """The run options of every training command, last on its list: --run,
  --fine-tune, --restart, --seed and --verbose."""
  for option in reversed((run_option, resume_options, training_seed_option,
                          verbose_option)):
    command = option(command)
  return command


def echo_trained(result):
  """Prints what a training command did (`training.TrainResult`): the run
  and its epoch, or, on a worker of a cluster, that the chief wrote it."""
  if result.chief:
    click.echo('Run: {} (epoch {})'.format(result.run_dir, result.epoch))
  else:
    click.echo('Worker done at epoch {}; the chief wrote the run.'.format(
        result.epoch))


def stop_on_signals():
  """Context manager for a training command: SIGTERM and SIGINT stop it
  with one line (`tfp_pixel.engine.stopping`). Enter it inside `user_errors`
  and before TensorFlow is imported."""
  from tfp_pixel.engine import stopping  # pylint: disable=g-import-not-at-top
  return stopping.signals_stop(
      lambda message: click.echo('Error: ' + message, err=True))


class user_errors(object):  # pylint: disable=invalid-name
  """Context manager turning library errors into one-line `click` errors.

  Inside it the library's messages name command-line options rather than
  Python arguments (`tfp_pixel.interface`); running out of memory is one
  line too.
  """

  def __enter__(self):
    from tfp_pixel import interface  # pylint: disable=g-import-not-at-top
    self._command_line = interface.command_line()
    self._command_line.__enter__()
    return self

  def __exit__(self, exc_type, exc, tb):
    self._command_line.__exit__(exc_type, exc, tb)
    if exc is None or isinstance(exc, click.ClickException):
      return False
    from tfp_pixel.data import errors  # pylint: disable=g-import-not-at-top
    from tfp_pixel.engine import errors as engine_errors  # pylint: disable=g-import-not-at-top
    if isinstance(exc, (ValueError, OSError, engine_errors.RunError)):
      raise click.ClickException(errors.one_line(exc)) from None
    if _out_of_memory(exc):
      raise click.ClickException(
          'Out of memory ({}): ask for less at a time (a smaller '
          '--batch-size, -n or model).'.format(
              type(exc).__name__)) from None
    return False


def _out_of_memory(exc):
  """Whether `exc` is Python's or TensorFlow's out-of-memory error."""
  if isinstance(exc, MemoryError):
    return True
  tf = sys.modules.get('tensorflow')
  return tf is not None and isinstance(exc, tf.errors.ResourceExhaustedError)
