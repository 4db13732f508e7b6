"""Class labels of class-conditional runs, and their one-hot model inputs.

A run whose configuration has `num_classes` set models `p(x | y)` for labels
`y` in `[0, num_classes)`; every model takes the label as TFP's
`conditional_input`, a float one-hot vector `[..., num_classes]`. These helpers
check labels against a configuration and turn them into that input.
"""

import numpy as np

from tfp_pixel import class_labels
from tfp_pixel.code_priors import config as code_prior_config

__all__ = [
    'MAX_GRID_CLASSES',
    'conditional_input',
    'is_conditional',
    'per_class_labels',
    'require_conditional',
]

MAX_GRID_CLASSES = 10


def is_conditional(config):
  """Whether the model `config` describes is class-conditional."""
  return config.get('num_classes') is not None


def require_conditional(config, what, run_dir=None):
  """Raises a one-line `ValueError` unless `config` is class-conditional.

  Args:
    config: model configuration `dict`.
    what: Python `str`, what needs the labels (e.g. `'a label'`).
    run_dir: the run, named in the message when given.

  Raises:
    ValueError: if the model takes no class label.
  """
  if not is_conditional(config):
    raise ValueError(
        '{} needs a class-conditional model, but {} was trained without '
        'labels (train one with --conditional).'.format(
            what, run_dir or 'this model'))


def conditional_input(labels, config):
  """The one-hot `conditional_input` of `labels` for the model of `config`.

  Args:
    labels: int `Tensor` (or array) of class ids of any shape `S`; they are
      not range-checked here (see `class_labels.check_labels`). `None` for
      no labels.
    config: configuration of a class-conditional model, or of the bottom
      prior over the codes of a VQ-VAE-2, whose "labels" are top grids of
      codes `[*S, h_top, w_top]`.

  Returns:
    onehot: float32 `Tensor` `[*S, num_classes]` (the bottom prior's: the
      one-hot map of the top grid `[*S, h, w, num_top_codes]`,
      `code_priors.config.top_code_map`), or `None` for no labels (the
      `conditional_input` of an unconditional model).
  """
  if labels is None:
    return None
  condition = (config.get('code_prior') or {}).get('condition')
  if condition is not None:
    height, width, _ = config['image_shape']
    return code_prior_config.top_code_map(labels, condition['num_codes'],
                                          (height, width))
  return class_labels.one_hot_labels(labels, config['num_classes'])


def per_class_labels(num_classes, samples_per_class,
                     max_classes=MAX_GRID_CLASSES):
  """Labels of a per-class grid: `samples_per_class` of each class in turn.

  Args:
    num_classes: Python `int`, the model's classes.
    samples_per_class: Python `int`, images (grid columns) per class.
    max_classes: Python `int` or `None`; only the first `max_classes` classes
      get a row.

  Returns:
    labels: int64 `np.ndarray` `[rows * samples_per_class]`, class-major.
  """
  rows = num_classes if max_classes is None else min(num_classes, max_classes)
  return np.repeat(np.arange(rows, dtype=np.int64), int(samples_per_class))
