"""The root `tfp-pixel` command; each subcommand lives in its own module."""

import click

from . import complete
from . import export
from . import options
from . import outliers
from . import sample
from . import score
from . import text
from . import tf_log_filter
from . import train
from . import vqvae

__all__ = ['entry_point', 'main']


@click.group(context_settings={'help_option_names': ['-h', '--help']})
@click.version_option(package_name='tfp-pixel', prog_name='tfp-pixel')
@options.verbose_option
def main():
  """Train, score and sample PixelCNN image models, LSTM/GRU text models
  (tfp-pixel text ...) and VQ-VAEs with priors over their codes (tfp-pixel
  vqvae ..., train --prior-for)."""


main.add_command(train.train)
main.add_command(score.score)
main.add_command(sample.sample)
main.add_command(complete.complete)
main.add_command(export.export)
main.add_command(text.text)
main.add_command(vqvae.vqvae)
main.add_command(outliers.outliers)



def entry_point():
  """The `tfp-pixel` command: `main`, with TensorFlow's native log noise kept
  off the terminal (`tf_log_filter`; `--verbose` shows it)."""
  tf_log_filter.install()
  main()  # pylint: disable=no-value-for-parameter


if __name__ == '__main__':
  entry_point()
