"""Options shared by several commands, defined once, and error reporting."""

import click

__all__ = ['checkpoint_option', 'run_option', 'seed_option', 'user_errors']

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
