"""`tfp-pixel vqvae`: train a VQ-VAE, and reconstruct images with one.

The priors over its codes are trained by `tfp-pixel train --prior-for RUN`,
and sampled and scored by `tfp-pixel sample` and `score` of the prior run.
"""

import click

from tfp_pixel.engine.kinds import autoencoder
from tfp_pixel.families import registry

from . import options

__all__ = ['vqvae']

_FAMILIES = registry.families_of_kind(autoencoder.NAME)


@click.group()
@options.verbose_option
def vqvae():
  """VQ-VAE and VQ-VAE-2 (tfp_pixel.VQVAE): images to grids of codes; the
  priors over the codes: tfp-pixel train --prior-for RUN."""


@vqvae.command()
@options.image_source_options(
    ' (height and width multiples of --downsample, twice that with '
    '--hierarchy 2)')
@options.family_options(_FAMILIES)
@options.training_options
@click.option('--max-images', metavar='N', type=click.IntRange(1),
              default=None, help='Use at most N images.')
@options.num_samples_option(
    8, 'Images reconstructed in the grid written after each epoch (0: '
       'none).')
@options.scale_option
@options.run_training_options
@click.pass_context
def train(ctx, dataset, data_dir, shape, epochs, steps, batch_size,
          learning_rate, validation_fraction, max_images, jit, strategy,
          num_samples, sample_every, keep, scale, run_dir, fine_tune, restart,
          seed, **family_values):
  """Train a VQ-VAE; rerun on the same --run to resume it.

  The metrics record the reconstruction's bits/dim (-log p(x | codes)) and
  the codes in use; each epoch's grid shows images over their
  reconstructions.
  """
  given = options.given_parameters(ctx)
  with options.user_errors(), options.stop_on_signals():
    from tfp_pixel import data  # pylint: disable=g-import-not-at-top
    from tfp_pixel.engine import source_training  # pylint: disable=g-import-not-at-top
    family = _FAMILIES[0]
    model_options = dict(model=family.name, **options.model_options(
        family, family_values, given))
    trained = source_training.train_on_source(
        autoencoder.NAME, model_options, data_options=dict(
            dataset=dataset, data_dir=data_dir,
            shape=data.parse_shape(shape) if shape else None,
            max_images=max_images, validation_fraction=validation_fraction,
            seed=seed),
        run_dir=run_dir, batch_size=batch_size, announce=_announce,
        epochs=epochs, steps_per_epoch=steps, learning_rate=learning_rate,
        jit=jit, strategy=strategy, num_samples=num_samples,
        sample_every=sample_every, keep_checkpoints=keep, grid_scale=scale,
        fine_tune=fine_tune, restart=restart)
  options.echo_trained(trained.result)
  codes = [r for r in trained.result.metrics if 'codes_in_use' in r]
  if codes:
    click.echo('Codes in use: {} of {}'.format(
        ', '.join(map(str, codes[-1]['codes_in_use'])),
        trained.config['num_codes']))


@vqvae.command()
@click.argument('paths', nargs=-1, required=True, metavar='IMAGES...')
@click.option('-o', '--output', metavar='FILE', required=True,
              type=click.Path(dir_okay=False),
              help='Output: .png (the images over their reconstructions) or '
                   '.npy (the uint8 reconstructions [N, H, W, C]).')
@click.option('--codes', 'codes_output', metavar='FILE.npy', default=None,
              type=click.Path(dir_okay=False),
              help='Also write the codes (int32 [N, h, w]; with '
                   '--hierarchy 2 an .npz of top and bottom).')
@click.option('-n', '--max-images', metavar='N', type=click.IntRange(1),
              default=64, show_default=True,
              help='Reconstruct at most the first N images.')
@options.scale_option
@options.checkpoint_option
@options.run_option
@options.verbose_option
def reconstruct(paths, output, codes_output, max_images, scale, checkpoint,
                run_dir):
  """Encode images to codes and decode them again."""
  if not output.lower().endswith(('.png', '.npy')):
    raise click.BadParameter('must end in .png or .npy.',
                             param_hint='--output')
  with options.user_errors():
    from tfp_pixel.engine.kinds.autoencoder import reconstruction  # pylint: disable=g-import-not-at-top
    done = reconstruction.reconstruct_files(
        paths, output, run_dir=run_dir, which=checkpoint,
        max_images=max_images, scale=scale, codes_output=codes_output)
  for path, reason in done.skipped:
    click.echo('{}: {}'.format(path, reason), err=True)
  click.echo('Reconstructed {} images (mean squared error {:.2f}) to {}'
             .format(done.count, done.mean_squared_error, output))


def _announce(prepared):
  click.echo('Training vqvae on {} images of {} from {}'.format(
      prepared.num_examples,
      'x'.join(map(str, prepared.details['image_shape'])),
      prepared.source_name), err=True)
