"""Options shared by several commands, defined once, and error reporting."""

import click

__all__ = ['checkpoint_option', 'run_option', 'score_format_option',
           'seed_option', 'training_options', 'user_errors']

run_option = click.option(
    '--run', 'run_dir', metavar='DIR', default=None,
    type=click.Path(file_okay=False),
    help='Run directory. Default: the latest run recorded in ./runs/latest '
         '(train: a new folder under ./runs/).')

seed_option = click.option(
    '--seed', metavar='INT', type=int, default=0, show_default=True,
    help='Random seed.')

checkpoint_option = click.option(
    '--checkpoint', type=click.Choice(['best', 'last']), default='best',
    show_default=True, help='Best-validation or last checkpoint of the run.')


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
    click.option('--learning-rate', metavar='LR', type=click.FloatRange(
        0., min_open=True), default=1e-3, show_default=True,
                 help='Adam learning rate.'),
    click.option('--jit/--no-jit', default=False, show_default=True,
                 help='XLA-compile the training step.'),
    click.option('--strategy', type=click.Choice(['default', 'mirrored',
                                                  'multiworker']),
                 default=None,
                 help='tf.distribute strategy. Default: mirrored with several '
                      'GPUs, else default.'),
    click.option('--sample-every', metavar='N', type=click.IntRange(1),
                 default=1, show_default=True,
                 help='Draw the samples every N epochs.'),
    click.option('--keep', metavar='N', type=click.IntRange(1), default=3,
                 show_default=True, help='Last checkpoints to keep.'),
)


def training_options(command):
  """The options of every training command (`training.train`'s own):
  --epochs, --steps, --batch-size, --learning-rate, --jit, --strategy,
  --sample-every and --keep."""
  for option in reversed(_TRAINING_OPTIONS):
    command = option(command)
  return command


class user_errors(object):  # pylint: disable=invalid-name
  """Context manager turning library errors into one-line `click` errors."""

  def __enter__(self):
    return self

  def __exit__(self, exc_type, exc, tb):
    if exc is None or isinstance(exc, click.ClickException):
      return False
    from tfp_pixel.data import errors  # pylint: disable=g-import-not-at-top
    from tfp_pixel.engine import training  # pylint: disable=g-import-not-at-top
    if isinstance(exc, (ValueError, OSError, training.NonFiniteLossError)):
      raise click.ClickException(errors.one_line(exc)) from None
    return False
