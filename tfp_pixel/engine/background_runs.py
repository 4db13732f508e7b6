"""Runs of background models: `tfp-pixel train --background-for RUN`.

A background run trains the model of an image run `RUN` (its configuration:
family, architecture, sizes, levels, classes) on `RUN`'s data (the options
in its `data.json`: source, shape, image cap, validation fraction, seed),
mutated (`kinds.images.background`): its configuration is `RUN`'s plus a
`background` entry naming `RUN`, the mutation rate and the L2 weight, so
that a plain resume (`tfp-pixel train --run BG_RUN`) goes on mutating. The
mutations are drawn from the run's seed (`--seed`, by default `RUN`'s
recorded one, which also seeds the split and the shuffling), so that a
background run is reproducible. The run loads and scores as any image run:
the likelihood ratio of Ren et al. (2019) is `log p(x) - log p_bg(x)` of the
two runs' models.
"""

import os

from tfp_pixel.engine import loading
from tfp_pixel.engine import run_data
from tfp_pixel.engine import runs
from tfp_pixel.engine import source_training
from tfp_pixel.engine.kinds.images import background

__all__ = ['is_background_run', 'train_background']

_KIND = 'images'
# The keys of a run's configuration that the source decides again.
_DATA_KEYS = ('image_shape', 'num_classes')


def is_background_run(config):
  """Whether `config` is that of a background model."""
  return bool(config.get('background'))


def train_background(background_for=None, mutation_rate=None, l2=None,
                     model_options=None, data_options=None, run_dir=None,
                     announce=None, **train_kwargs):
  """Trains (or resumes) a background model of an image run.

  Args:
    background_for: the image run to train a background model for; `None`
      to resume the background run `run_dir`.
    mutation_rate: Python `float` in `(0, 1]`, the probability that a pixel
      is replaced; `None`: `background.DEFAULT_MUTATION_RATE`, or the
      resumed run's.
    l2: Python `float` >= 0, the weight of the L2 penalty; `None`:
      `background.DEFAULT_L2`, or the resumed run's.
    model_options: `dict` of model options given, by name; a background
      model copies its run's, so any not `None` is refused.
    data_options: the image data options of `train_on_source`; those not
      given (`None`) take the run's (a new background run: `background_for`'s
      recorded ones). A shape must be the run's.
    run_dir: the background run; a new one (under `runs_root`, a keyword of
      `train_kwargs`) for `None`.
    announce: as `train_on_source`'s.
    **train_kwargs: `train_on_source`'s other arguments (epochs, batch size,
      seed, ...).

  Returns:
    trained: the `source_training.SourceTraining`.

  Raises:
    ValueError: one line, if a run or an option does not fit: `background_for`
      is not an image run (or is a prior over codes, or a background run),
      model options or another shape are given, `run_dir` holds another run.
    RunInUseError: if another process trains the background run.
  """
  given = sorted(key for key, value in (model_options or {}).items()
                 if value is not None)
  if given:
    raise ValueError('A background model has the model of the run it is a '
                     'background for: leave out {}.'.format(', '.join(given)))
  stored = runs.stored_config(run_dir)
  if stored is not None:
    return _resume(stored, background_for, mutation_rate, l2, data_options,
                   run_dir, announce, train_kwargs)
  if background_for is None:
    raise ValueError('Name the run to train a background model for '
                     '(--background-for RUN).')
  source = _source_run(background_for)
  entry = background.make_background(source.path, mutation_rate, l2)
  model_options = {key: value for key, value in source.config.items()
                   if key not in _DATA_KEYS}
  model_options.update(conditional=bool(source.config['num_classes']),
                       background=entry)
  return source_training.train_on_source(
      _KIND, model_options, _source_data(source, data_options),
      run_dir=run_dir, announce=announce, **train_kwargs)


def _resume(stored, background_for, mutation_rate, l2, data_options, run_dir,
            announce, train_kwargs):
  """Resumes the background run `run_dir`, whose configuration is `stored`;
  the options given must be its own."""
  if not is_background_run(stored):
    raise ValueError('{} is a run of the {} model, not a background model: '
                     'pass a new --run.'.format(run_dir, stored['model']))
  entry = stored['background']
  if background_for is not None and os.path.realpath(background_for) != (
      os.path.realpath(entry['for'])):
    raise ValueError('{} is a background model for {}, not {}: pass a new '
                     '--run.'.format(run_dir, entry['for'], background_for))
  for value, key, flag in ((mutation_rate, 'mutation_rate',
                            '--mutation-rate'), (l2, 'l2', '--l2')):
    if value is not None and float(value) != entry[key]:
      raise ValueError('{} was trained with {} {}: leave {} out to resume '
                       'it.'.format(run_dir, flag, entry[key], flag))
  _check_shape((data_options or {}).get('shape'), stored['image_shape'])
  return source_training.train_on_source(
      _KIND, {}, data_options, run_dir=run_dir, announce=announce,
      **train_kwargs)


def _source_run(background_for):
  """The `loading.Run` of the image run a background model is for."""
  source = loading.open_run(os.fspath(background_for), kind=_KIND)
  for check, what in ((lambda c: c.get('code_prior'),
                       'a prior over the codes of a VQ-VAE'),
                      (is_background_run, 'itself a background model')):
    if check(source.config):
      raise ValueError('{} is {}: train a background model for a model of '
                       'images.'.format(background_for, what))
  return source._replace(path=os.path.abspath(source.path))


def _source_data(source, data_options):
  """The data options of a new background run: those given, the others the
  run's recorded ones (its configuration's shape when it has no record)."""
  options = dict(data_options or {})
  _check_shape(options.get('shape'), source.config['image_shape'])
  options['shape'] = list(source.config['image_shape'])
  record = run_data.read(source.path)
  for key, value in (record['options'] if record else {}).items():
    if options.get(key) is None:
      options[key] = value
  return options


def _check_shape(shape, image_shape):
  """Refuses a `shape` other than the run's `image_shape`."""
  if shape is not None and list(shape) != list(image_shape):
    raise ValueError('A background model has the image shape of its run, '
                     '{}: leave --shape out.'.format(
                         'x'.join(map(str, image_shape))))
