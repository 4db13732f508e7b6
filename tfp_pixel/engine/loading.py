"""Opening a trained run and loading its model: `tfp_pixel.load`.

A command opens its run once (`open_run`: the folder resolved, the latest
run for none, and its configuration read), checks that its model is of the
command's kind of data, and hands the `Run` on; `Run.load_model` builds the
model from the configuration and restores a checkpoint.
"""

import collections

from tfp_pixel.distributions import temperature as temperature_lib
from tfp_pixel.engine import checkpoints
from tfp_pixel.engine import configs
from tfp_pixel.engine import kinds
from tfp_pixel.engine import runs

__all__ = ['Run', 'load', 'open_run']


class Run(collections.namedtuple('Run', ['path', 'config'])):
  """A run directory and its configuration, read once.

  Fields:
    path: `str`, the run folder.
    config: its complete model configuration `dict`.
  """

  @property
  def paths(self):
    return runs.run_paths(self.path)

  def load_model(self, which='best', temperature=1.):
    """The run's trained distribution.

    Args:
      which: `'best'` (best validation bits/dim) or `'last'` checkpoint.
      temperature: positive Python `float`; other than 1, the model is
        `dist.copy(temperature=temperature)`.

    Raises:
      ValueError: if `temperature` is not positive and finite (before the
        model is built), or the run has no (intact) checkpoint.
    """
    temperature = temperature_lib.check_temperature(temperature)
    dist = configs.build_model(self.config)
    checkpoints.restore_weights(dist, self.paths, which)
    if temperature != 1.:
      dist = dist.copy(temperature=temperature)
    return dist


def open_run(run_dir=None, runs_root=None, kind=None):
  """Resolves a run folder (the latest for `None`) and reads its config.

  Args:
    run_dir: a run folder, or `None` for the latest run (or a `Run`).
    runs_root: folder holding `latest`; defaults to `runs/`.
    kind: the name of the kind of data the run's model must model (the
      commands of one kind cannot read another's runs), or `None`.

  Returns:
    run: a `Run`.

  Raises:
    ValueError: one line, if there is no such run, its configuration is
      invalid, or its model is of another kind than `kind`.
  """
  if not isinstance(run_dir, Run):
    path = runs.resolve_run_dir(run_dir, runs_root)
    run_dir = Run(path, runs.read_config(path))
  if kind is not None:
    kinds.check_kind(run_dir.path, run_dir.config, kinds.kind_named(kind))
  return run_dir


def load(run_dir=None, which='best'):
  """Returns the trained distribution of a run.

  Args:
    run_dir: the run folder; defaults to the latest run under `runs/`.
    which: `'best'` (best validation bits/dim) or `'last'` checkpoint.

  Returns:
    dist: the run's distribution (`tfp_pixel.PixelCNN`,
      `tfp_pixel.CategoricalPixelCNN`, `tfp_pixel.SequenceRNN`, ...) with the
      trained weights; an image model's events are quantized levels (see
      `configs.images_to_events`). A VQ-VAE run gives its `tfp_pixel.VQVAE`,
      and a prior over its codes (`tfp-pixel train --prior-for`) the
      `tfp_pixel.code_priors.two_stage.TwoStageModel` of both.

  Raises:
    ValueError: if there is no such run or it has no checkpoint.
  """
  run = open_run(run_dir)
  if run.config.get('code_prior'):
    from tfp_pixel.engine import prior_runs  # pylint: disable=g-import-not-at-top
    return prior_runs.load_two_stage(run, which)
  return run.load_model(which)
