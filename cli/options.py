"""Options shared by several commands, defined once, and error reporting."""

import click

__all__ = ['checkpoint_option', 'run_option', 'scale_option', 'seed_option',
           'user_errors', 'verbose_option']

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


class user_errors(object):  # pylint: disable=invalid-name
  """Context manager turning library errors into one-line `click` errors."""

  def __enter__(self):
    return self

  def __exit__(self, exc_type, exc, tb):
    if exc is None or isinstance(exc, click.ClickException):
      return False
    from tfp_pixel.data import errors  # pylint: disable=g-import-not-at-top
    from tfp_pixel.engine import errors as engine_errors  # pylint: disable=g-import-not-at-top
    if isinstance(exc, (ValueError, OSError, engine_errors.RunError)):
      raise click.ClickException(errors.one_line(exc)) from None
    return False
