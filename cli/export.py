"""`tfp-pixel export`: a run's model as a SavedModel that TensorFlow alone
serves."""

import click

from . import options

__all__ = ['export']


@click.command()
@click.argument('directory', type=click.Path())
@click.option('--overwrite', is_flag=True, default=False,
              help='Replace DIRECTORY if it is not empty; the old export is '
                   'swapped for the new one in one step.')
@click.option('--background', metavar='DIR', default=None,
              type=click.Path(file_okay=False),
              help='A background run of an image run (train '
                   '--background-for): adds the outlier_scores signature '
                   '(nll, llr, complexity, typicality in bits/dim).')
@options.checkpoint_option
@options.run_option
@options.verbose_option
def export(directory, overwrite, background, checkpoint, run_dir):
  """Write the run's model to DIRECTORY as a SavedModel: log_prob,
  per_pixel_log_prob, sample and complete of an image model (bound, sample,
  encode, decode of a prior over codes; log_prob and sample of strings of a
  text model), served by tf.saved_model.load, saved_model_cli or TensorFlow
  Serving without tfp_pixel or TensorFlow Probability."""
  with options.user_errors():
    from tfp_pixel.engine import exports  # pylint: disable=g-import-not-at-top
    if background is not None:
      from tfp_pixel import outliers  # pylint: disable=g-import-not-at-top
      written = outliers.export(run_dir, directory, background, overwrite,
                                checkpoint)
    else:
      written = exports.export_run(run_dir, directory, overwrite, checkpoint)
    signatures = exports.read_metadata(written)['signatures']
  click.echo('Wrote {} (signatures: {})'.format(written, ', '.join(
      signatures)))
