"""`tfp-pixel train`: train a model, or resume a run."""

import click

from cli import options

__all__ = ['train']

_MODEL_OPTIONS = ('mix', 'levels', 'filters', 'resnet', 'hierarchies',
                  'dropout', 'blocks', 'arch', 'conditional')


@click.command()
@click.option('--dataset', metavar='SOURCE', default=None,
              help='TFDS name, image folder, IDX file or .npy/.npz file. '
                   'Default: scikit-learn\'s bundled 8x8 digits (offline).')
@click.option('--data-dir', metavar='DIR', default=None,
              help='TFDS data directory (a prepared copy works offline).')
@click.option('--shape', metavar='HxWxC', default=None,
              help='Image shape to convert every image to, e.g. 32x32x1. '
                   'Default: the data\'s own.')
@click.option('--mix', metavar='K', type=click.IntRange(1), default=None,
              help='Train the PixelCNN++ mixture model with K logistic '
                   'components (default model, K=5).')
@click.option('--levels', metavar='K', type=click.IntRange(2, 256),
              default=None,
              help='Quantize to K levels; without --mix, train the '
                   'categorical PixelCNN over K levels.')
@click.option('--filters', metavar='N', type=click.IntRange(1), default=None,
              help='Convolution filters (mixture: 32, categorical: 64).')
@click.option('--resnet', metavar='N', type=click.IntRange(1), default=None,
              help='Mixture model: residual layers per block (1).')
@click.option('--hierarchies', metavar='N', type=click.IntRange(1),
              default=None, help='Mixture model: resolution levels (2).')
@click.option('--blocks', metavar='N', type=click.IntRange(0), default=None,
              help='Categorical model: residual blocks (5).')
@click.option('--arch', type=click.Choice(['plain', 'gated']), default=None,
              help='Categorical model: masked convolution stack (plain, '
                   'default) or gated PixelCNN without blind spot (gated).')
@click.option('--dropout', metavar='P', type=click.FloatRange(0., 1.,
                                                              max_open=True),
              default=None, help='Dropout rate (mixture 0.3, categorical 0).')
@click.option('--conditional', is_flag=True, default=False,
              help='Train a class-conditional model p(x | label) on the '
                   'dataset\'s labels (TFDS labels, IDX label files, class '
                   'sub-folders, .npz labels, the default digits\' 0-9).')
@click.option('--epochs', metavar='N', type=click.IntRange(0), default=10,
              show_default=True, help='Total epochs the run should reach.')
@click.option('--steps', metavar='N', type=click.IntRange(1), default=None,
              help='Batches per epoch. Default: a full pass.')
@click.option('--batch-size', metavar='N', type=click.IntRange(1), default=32,
              show_default=True, help='Global batch, split across replicas.')
@click.option('--learning-rate', metavar='LR', type=click.FloatRange(
    0., min_open=True), default=1e-3, show_default=True,
              help='Adam learning rate.')
@click.option('--validation-fraction', metavar='F', type=click.FloatRange(
    0., 1., min_open=True, max_open=True), default=0.1, show_default=True,
              help='Share of the images held out for validation.')
@click.option('--max-images', metavar='N', type=click.IntRange(1),
              default=None, help='Use at most N images.')
@click.option('--jit/--no-jit', default=False, show_default=True,
              help='XLA-compile the training step.')
@click.option('--strategy', type=click.Choice(['default', 'mirrored',
                                               'multiworker']),
              default=None,
              help='tf.distribute strategy. Default: mirrored with several '
                   'GPUs, else default.')
@click.option('--num-samples', metavar='N', type=click.IntRange(0),
              default=16, show_default=True,
              help='Samples in the grid drawn after each epoch (0: none).')
@click.option('--sample-every', metavar='N', type=click.IntRange(1),
              default=1, show_default=True,
              help='Draw the sample grid every N epochs.')
@click.option('--keep', metavar='N', type=click.IntRange(1), default=3,
              show_default=True, help='Last checkpoints to keep.')
@options.run_option
@options.seed_option
@click.pass_context
def train(ctx, dataset, data_dir, shape, mix, levels, filters, resnet,
          hierarchies, blocks, arch, dropout, conditional, epochs, steps,
          batch_size,
          learning_rate, validation_fraction, max_images, jit, strategy,
          num_samples, sample_every, keep, run_dir, seed):
  """Train a model; rerun on the same --run to resume it."""
  with options.user_errors():
    import os  # pylint: disable=g-import-not-at-top
    import tfp_pixel  # pylint: disable=g-import-not-at-top
    from tfp_pixel import data  # pylint: disable=g-import-not-at-top
    from tfp_pixel import run_labels  # pylint: disable=g-import-not-at-top
    from tfp_pixel import runs  # pylint: disable=g-import-not-at-top
    resuming = run_dir is not None and os.path.isfile(
        runs.run_paths(run_dir).config)
    explicit = any(
        ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE
        for name in _MODEL_OPTIONS + ('shape',))
    config = runs.read_config(run_dir) if resuming else None
    with_labels = conditional or bool(config and config['num_classes'])
    image_shape = data.parse_shape(shape) if shape else (
        tuple(config['image_shape']) if config else None)
    image_set = data.load_images(dataset, shape=image_shape,
                                 data_dir=data_dir, with_labels=with_labels,
                                 max_images=max_images)
    if config is None or explicit:
      config = _model_config(
          mix, levels, filters, resnet, hierarchies, blocks, arch, dropout,
          shape or image_set.images.shape[1:],
          image_set.num_classes if conditional else None)
    elif config['num_classes']:
      run_labels.check_labels(image_set.labels, config['num_classes'],
                                'A label of ' + image_set.name)
    train_ds, val_ds = data.make_datasets(
        image_set.images,
        labels=image_set.labels if config['num_classes'] else None,
        batch_size=batch_size, validation_fraction=validation_fraction,
        seed=seed)
    click.echo('Training {}{} on {} images of {} from {}'.format(
        config['model'], _classes_note(config), len(image_set.images),
        'x'.join(map(str, image_set.images.shape[1:])), image_set.name),
               err=True)
    result = tfp_pixel.train(
        train_ds, config if not resuming or explicit else None,
        run_dir=run_dir, validation_data=val_ds, epochs=epochs,
        steps_per_epoch=steps, batch_size=batch_size,
        learning_rate=learning_rate, seed=seed, jit=jit, strategy=strategy,
        num_samples=num_samples, sample_every=sample_every,
        keep_checkpoints=keep)
  click.echo('Run: {} (epoch {})'.format(result.run_dir, result.epoch))


def _classes_note(config):
  if not config['num_classes']:
    return ''
  return ' conditioned on {} classes'.format(config['num_classes'])


def _model_config(mix, levels, filters, resnet, hierarchies, blocks, arch,
                  dropout, shape, num_classes):
  """The model configuration the options describe."""
  from tfp_pixel import data  # pylint: disable=g-import-not-at-top
  from tfp_pixel import models  # pylint: disable=g-import-not-at-top
  image_shape = data.parse_shape(shape) if isinstance(shape, str) else shape
  if mix is not None or levels is None:
    if blocks is not None or arch is not None:
      raise click.UsageError('--blocks and --arch are options of the '
                             'categorical model (--levels K without --mix).')
    return models.make_config(
        'pixelcnn', image_shape, num_levels=levels or 256,
        num_classes=num_classes, num_logistic_mix=mix, num_filters=filters,
        num_resnet=resnet, num_hierarchies=hierarchies, dropout_p=dropout)
  if resnet is not None or hierarchies is not None:
    raise click.UsageError('--resnet and --hierarchies are options of the '
                           'mixture model (--mix K).')
  return models.make_config(
      'categorical', image_shape, num_levels=levels, num_classes=num_classes,
      num_filters=filters, num_residual_blocks=blocks, dropout_rate=dropout,
      architecture=arch)
