"""Runs of priors over the codes of a VQ-VAE: `tfp-pixel train --prior-for`.

A prior run is an image run of a categorical model whose configuration has a
`code_prior` (`tfp_pixel.code_priors.config`); it keeps what it needs of the
VQ-VAE's run inside its own, so that it still samples when that run is moved
or deleted:

```none
PRIOR_RUN/
  config.json, checkpoints/, ...  the prior of the one grid of codes (the
                                  bottom prior of a VQ-VAE-2), a run as any
  vqvae/                          the VQ-VAE: its config.json, data.json
                                  and best/ checkpoint, copied from its run
  codes.npz                       the codes of the training images, encoded
                                  once (`code_source`)
  top/                            VQ-VAE-2: the top prior, a run as any
```

`train_priors` copies the VQ-VAE and trains the prior(s) (the top one first)
through `source_training.train_on_source`, holding the prior run's lock for
the whole command; `load_two_stage` puts a prior run back together as a
`code_priors.two_stage.TwoStageModel`.
"""

import glob
import os
import shutil
import tempfile

from tfp_pixel.autoencoders import vqvae
from tfp_pixel.engine import checkpoints
from tfp_pixel.engine import errors
from tfp_pixel.engine import files
from tfp_pixel.engine import loading
from tfp_pixel.engine import run_data
from tfp_pixel.engine import run_lock
from tfp_pixel.engine import runs
from tfp_pixel.engine import source_training

__all__ = ['TOP_DIR', 'VQVAE_DIR', 'is_prior_run', 'load_two_stage',
           'load_vqvae', 'train_priors', 'vqvae_dir']

VQVAE_DIR = 'vqvae'
TOP_DIR = 'top'
_AUTOENCODER = 'autoencoder'
_DEFAULT_FAMILY = 'categorical'
_DEFAULT_ARCHITECTURE = 'gated'


def is_prior_run(config):
  """Whether `config` is that of a prior over codes."""
  return bool(config.get('code_prior'))


def vqvae_dir(run_dir, config):
  """The folder of the VQ-VAE copy of the prior run `run_dir`: its own
  `vqvae/`, or its parent's for a top prior (`top/`)."""
  own = os.path.join(os.fspath(run_dir), VQVAE_DIR)
  if config['code_prior']['level'] == 'top':
    return os.path.join(os.path.dirname(os.path.abspath(run_dir)), VQVAE_DIR)
  return own


def load_vqvae(run_dir, which='best'):
  """The trained `tfp_pixel.VQVAE` of a VQ-VAE run (or copy).

  Raises:
    ValueError: one line, if it is not a VQ-VAE run or has no checkpoint.
  """
  run = loading.open_run(run_dir, kind=_AUTOENCODER)
  return run.load_model(which)


def train_priors(prior_for=None, model_options=None, data_options=None,
                 run_dir=None, runs_root=None, announce=None, **train_kwargs):
  """Trains (or resumes) the prior(s) over the codes of a VQ-VAE run.

  Args:
    prior_for: the VQ-VAE's run folder; `None` to resume a prior run (which
      has its copy).
    model_options: `dict` of the prior's model options (`model`,
      `architecture` and its hyper-parameters); `None` values and missing
      keys take the defaults (a gated `CategoricalPixelCNN`) or the resumed
      run's. The levels are the codes: `num_levels` is the codebook's size.
    data_options: the image data options of `train_on_source`; those not
      given (`None`) take the VQ-VAE run's (its source, split and seed), and
      the images are converted to the VQ-VAE's shape.
    run_dir: the prior run; a new one under `runs_root` for `None`.
    runs_root: folder of new runs; defaults to `runs/`.
    announce: as `train_on_source`'s, called for each prior.
    **train_kwargs: `train_on_source`'s other arguments (epochs, batch size,
      ...), the same for both priors of a VQ-VAE-2.

  Returns:
    trained: `list` of the `source_training.SourceTraining` of each prior,
      the top one first.

  Raises:
    ValueError: one line, if the VQ-VAE run or the options do not fit.
    RunInUseError: if another process trains the prior run.
  """
  model_options = dict(model_options or {})
  for key, what in (('num_levels', 'levels (--levels)'),
                    ('conditional', 'class labels (--conditional)'),
                    ('code_prior', 'code_prior')):
    if model_options.get(key):
      raise ValueError('A prior over codes takes its levels from the '
                       'VQ-VAE\'s codes and no class labels: leave out its '
                       '{}.'.format(what))
    model_options.pop(key, None)
  run_dir = (runs.new_run_dir(runs_root) if run_dir is None else
             os.fspath(run_dir))
  with run_lock.lock_run(run_dir):
    runs.check_no_links(run_dir)
    stored = runs.stored_config(run_dir)
    if stored is not None and not is_prior_run(stored):
      raise ValueError('{} is a run of the {} model, not a prior over codes: '
                       'pass a new --run.'.format(run_dir, stored['model']))
    vqvae_config = _vqvae_copy(run_dir, prior_for)
    if stored is None:
      model_options = _prior_model_options(model_options)
    data_options = dict(data_options or {})
    data_options['shape'] = _checked_shape(data_options.get('shape'),
                                           vqvae_config)
    levels = (['codes'] if vqvae_config['hierarchy'] == 1 else
              ['top', 'bottom'])
    trained = []
    for level in levels:
      level_dir = (os.path.join(run_dir, TOP_DIR) if level == 'top' else
                   run_dir)
      options = dict(model_options, num_levels=vqvae_config['num_codes'],
                     code_prior=_code_prior(level, vqvae_config))
      trained.append(source_training.train_on_source(
          'images', options, _with_vqvae_data(data_options, level_dir,
                                              run_dir),
          run_dir=level_dir, announce=announce, **train_kwargs))
  return trained


def load_two_stage(run_dir=None, which='best', temperature=1.):
  """The `TwoStageModel` of a prior run: its VQ-VAE copy and its prior(s).

  Args:
    run_dir: the prior run (or a `loading.Run` of it).
    which: the priors' checkpoint, `'best'` or `'last'` (the VQ-VAE copy
      has one).
    temperature: the priors' temperature.

  Raises:
    ValueError: one line, if it is not a prior run, or a part is missing.
  """
  from tfp_pixel.code_priors import two_stage  # pylint: disable=g-import-not-at-top
  run = loading.open_run(run_dir, kind='images')
  if not is_prior_run(run.config):
    raise ValueError('{} is not a prior over codes (tfp-pixel train '
                     '--prior-for).'.format(run.path))
  if run.config['code_prior']['level'] == 'top':
    run = loading.open_run(os.path.dirname(os.path.abspath(run.path)),
                           kind='images')
  vqvae = load_vqvae(vqvae_dir(run.path, run.config))
  prior = run.load_model(which, temperature=temperature)
  if vqvae.hierarchy == 1:
    return two_stage.TwoStageModel(vqvae, prior)
  top = loading.open_run(os.path.join(run.path, TOP_DIR), kind='images')
  return two_stage.TwoStageModel(
      vqvae, top_prior=top.load_model(which, temperature=temperature),
      bottom_prior=prior)


def _vqvae_copy(run_dir, prior_for):
  """The configuration of the prior run's VQ-VAE copy, made from the run
  `prior_for` if the prior run has none yet."""
  copy = os.path.join(run_dir, VQVAE_DIR)
  if os.path.isfile(runs.run_paths(copy).config):
    config = runs.read_config(copy)
    if prior_for is not None and os.path.realpath(prior_for) != (
        os.path.realpath(copy)):
      source = loading.open_run(prior_for, kind=_AUTOENCODER).config
      if source != config:
        raise ValueError(
            '{} is a prior for another VQ-VAE than {} (its copy in {} has '
            'another configuration): pass a new --run.'.format(
                run_dir, prior_for, copy))
    return config
  if prior_for is None:
    raise ValueError('{} has no VQ-VAE ({} is missing): pass the VQ-VAE run '
                     'with --prior-for.'.format(run_dir, copy))
  source = loading.open_run(prior_for, kind=_AUTOENCODER)
  runs.check_no_links(source.path)
  prefix = _best_checkpoint(source.path)
  temp = tempfile.mkdtemp(prefix=files.TEMP_PREFIX, dir=run_dir)
  try:
    os.makedirs(os.path.join(temp, 'best'))
    for path in glob.glob(prefix + '.*'):
      shutil.copyfile(path, os.path.join(temp, 'best',
                                         os.path.basename(path)))
    files.write_text(os.path.join(temp, 'best', 'checkpoint'),
                     'model_checkpoint_path: "{0}"\n'
                     'all_model_checkpoint_paths: "{0}"\n'.format(
                         os.path.basename(prefix)))
    runs.write_config(temp, source.config)
    if os.path.isfile(runs.run_paths(source.path).data):
      shutil.copyfile(runs.run_paths(source.path).data,
                      runs.run_paths(temp).data)
    os.rename(temp, copy)
  except BaseException:
    shutil.rmtree(temp, ignore_errors=True)
    raise
  return source.config


def _with_vqvae_data(data_options, level_dir, run_dir):
  """The data options of a prior: a new prior reads the VQ-VAE's data (its
  source, split and seed, from the copy's `data.json`) where they are not
  given; a prior being resumed, its own (`run_data.settle`)."""
  record = run_data.read(os.path.join(run_dir, VQVAE_DIR))
  if runs.stored_config(level_dir) is not None or record is None:
    return data_options
  options = dict(data_options)
  for key, value in record['options'].items():
    if key != 'shape' and options.get(key) is None:
      options[key] = value
  return options


def _best_checkpoint(run_dir):
  """The prefix of a VQ-VAE run's best checkpoint (its last if it has no
  best yet), intact."""
  paths = runs.run_paths(run_dir)
  import tensorflow as tf  # pylint: disable=g-import-not-at-top
  for folder in (paths.best, paths.checkpoints):
    prefix = tf.train.latest_checkpoint(folder)
    if prefix:
      damage = checkpoints.find_damage(prefix)
      if damage is not None:
        raise errors.DamagedCheckpointError(damage[0], prefix, damage[1])
      return prefix
  raise ValueError('{} has no checkpoint yet: train the VQ-VAE first.'.format(
      run_dir))


def _prior_model_options(model_options):
  """A new prior's model options: a categorical family (the gated
  CategoricalPixelCNN unless one is named)."""
  from tfp_pixel.families import registry  # pylint: disable=g-import-not-at-top
  options = dict(model_options)
  if options.get('model') is None:
    options['model'] = _DEFAULT_FAMILY
    options.setdefault('architecture', _DEFAULT_ARCHITECTURE)
  if options.get('num_logistic_mix') is not None or (
      registry.family(options['model']).kind != 'images'):
    raise ValueError('A prior over codes is a categorical model of images '
                     '(--arch gated, plain, row-lstm, diagonal-bilstm or '
                     'pixelsnail without --mix).')
  if options['model'] == 'pixelcnn':
    raise ValueError('A prior over codes is a categorical model: '
                     'tfp_pixel.PixelCNN\'s logistic mixture is not (choose '
                     '--arch gated, plain, row-lstm, diagonal-bilstm or '
                     'pixelsnail).')
  return options


def _checked_shape(shape, vqvae_config):
  """The image shape the source is read at: the VQ-VAE's."""
  own = list(vqvae_config['image_shape'])
  if shape is not None and list(shape) != own:
    raise ValueError('The VQ-VAE encodes {} images, not {}: leave --shape '
                     'out.'.format('x'.join(map(str, own)),
                                   'x'.join(map(str, shape))))
  return own


def _code_prior(level, vqvae_config):
  """The `code_prior` entry of the prior of `level`."""
  if level != 'bottom':
    return {'level': level}
  grid = vqvae.grid_shapes(vqvae_config['image_shape'],
                           vqvae_config['downsample'],
                           vqvae_config['hierarchy'])[0]
  return {'level': 'bottom', 'condition': {
      'num_codes': vqvae_config['num_codes'], 'grid': list(grid)}}
