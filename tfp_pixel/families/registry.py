"""The model registry: every model family, declared once, next to its model.

A family is what the engine and the command line need to know of a model: its
name in run configurations, the kind of data it models, its default
hyper-parameters, the command-line options that set them, and how to build the
distribution from a configuration. Each family module in `tfp_pixel.families`
registers one `ModelFamily`; the engine (`tfp_pixel.engine.configs`) and the commands read
them here and branch on nothing else. What depends on the data (reading a
source, feeding the model, what a run writes) belongs to the family's kind of
data (`tfp_pixel.engine.kinds`), which the family names and this module never
imports.

This module imports nothing heavy, so the command line can list the families
(`tfp-pixel train --help`) without loading TensorFlow.
"""

import ast
import collections
import dataclasses
import importlib
import os
from typing import Callable, Optional, Tuple

__all__ = [
    'DEFAULT_FAMILY',
    'ModelFamily',
    'Option',
    'architecture_names',
    'architectures_of',
    'choose_family',
    'condition_kwargs',
    'constructor_defaults',
    'default_family',
    'dropout_option',
    'event_dtype',
    'families',
    'family',
    'family_names',
    'families_of_kind',
    'family_of_architecture',
    'filters_option',
    'level_model_build',
    'model_kwargs',
    'module_constant',
    'register',
]


@dataclasses.dataclass(frozen=True)
class Option:
  """A command-line option of a family and the configuration key it sets.

  Several families may declare the same `flag` (say `--filters`), each for its
  own key and default; the command line shows one option for all of them.

  Attributes:
    flag: the option, e.g. `'--filters'`.
    key: the configuration key (constructor argument) it sets.
    value_type: `'int'`, `'float'` or `'choice'` (one of `choices`).
    minimum: the smallest value allowed, or `None`.
    maximum: the largest value allowed, or `None`.
    maximum_open: whether `maximum` itself is excluded.
    metavar: what the command line shows for the value.
    help: one line on what it sets.
    choices: the values a `'choice'` takes.
  """
  flag: str
  key: str
  value_type: str = 'int'
  minimum: Optional[float] = None
  maximum: Optional[float] = None
  maximum_open: bool = False
  metavar: str = 'N'
  help: str = ''
  choices: Tuple[str, ...] = ()


def filters_option(key='num_filters'):
  """`--filters N`, the feature maps of a family's layers."""
  return Option('--filters', key, minimum=1, help='convolution filters')


def dropout_option(key):
  """`--dropout P`, a family's dropout rate in `[0, 1)`."""
  return Option('--dropout', key, value_type='float', minimum=0., maximum=1.,
                maximum_open=True, metavar='P', help='dropout rate')


@dataclasses.dataclass(frozen=True)
class ModelFamily:
  """One model family of the registry.

  Attributes:
    name: the `model` of its run configurations (never change it: old runs
      name their family by it).
    kind: the name of the kind of data it models (a sub-package of
      `tfp_pixel.engine.kinds`: `'images'`, ...).
    summary: one line for `tfp-pixel train --help`.
    defaults: `dict` of every model keyword and its default (JSON types).
    options: `Option`s of its hyper-parameters on the command line.
    architectures: command-line names of the `architecture` values it
      takes (`--arch`), mapped to the values, in the order of `defaults`'s
      default first; empty for a family without variants. A name mapped to
      `None` only picks the family (`--arch pixelsnail`) and sets nothing.
    selected_by: flags whose presence picks this family when `--model` and
      `--arch` are not given (see `choose_family`).
    build: callable `(config) -> distribution`, from a checked config.
    estimate: callable `(config) -> model_size.Estimate`: the parameters
      and the activations per example of the model `config` describes,
      from its sizes alone (see `tfp_pixel.families.model_size`).
    event_dtype: `'float32'` or `'int32'`, the dtype of its events, or a
      callable `(config) -> str` when it depends on the configuration (see
      `event_dtype`).
    nullable: the type (`int`, `float`, `str`) of each keyword whose default
      is `None`, which then takes that type or `None`; every other keyword
      takes the type of its default.
  """
  name: str
  kind: str
  summary: str
  defaults: dict
  build: Callable
  estimate: Callable
  options: Tuple[Option, ...] = ()
  architectures: dict = dataclasses.field(default_factory=dict)
  selected_by: Tuple[str, ...] = ()
  event_dtype: object = 'int32'
  nullable: dict = dataclasses.field(default_factory=dict)

  def option(self, flag):
    """The family's `Option` of `flag`, or `None`."""
    for option in self.options:
      if option.flag == flag:
        return option
    return None


_FAMILIES = collections.OrderedDict()
DEFAULT_FAMILY = 'pixelcnn'


def register(model_family):
  """Adds `model_family` to the registry (once per name) and returns it."""
  if model_family.name in _FAMILIES:
    raise ValueError('A model family named {!r} is registered already.'.format(
        model_family.name))
  _FAMILIES[model_family.name] = model_family
  return model_family


def families():
  """Every registered `ModelFamily`, in registration order."""
  return list(_FAMILIES.values())


def families_of_kind(kind):
  """The registered families that model the kind of data named `kind`."""
  return [f for f in _FAMILIES.values() if f.kind == kind]


def event_dtype(config):
  """`'float32'` or `'int32'`: the dtype of the events of the model that the
  complete configuration `config` describes."""
  dtype = family(config['model']).event_dtype
  return dtype(config) if callable(dtype) else dtype


def family_names():
  """The names of the registered families."""
  return list(_FAMILIES)


def family(name):
  """The registered `ModelFamily` called `name`.

  Raises:
    ValueError: one line naming the registered models, for an unknown name.
  """
  try:
    return _FAMILIES[name]
  except (KeyError, TypeError):
    raise ValueError('Unknown model {!r}: `model` must be one of the '
                     'registered models, {}.'.format(
                         name, ', '.join(_FAMILIES))) from None


def family_of_architecture(architecture):
  """The family declaring the command-line `architecture`, or `None`."""
  for model_family in _FAMILIES.values():
    if architecture in model_family.architectures:
      return model_family
  return None


def architecture_names(kind=None):
  """Every command-line architecture name of every family (of `kind`)."""
  return [name for model_family in _of_kind(kind)
          for name in model_family.architectures]


def default_family(kind=None):
  """The family a command line gets when it asks for none: `DEFAULT_FAMILY`,
  or the first family of `kind` if that is of another kind."""
  default = family(DEFAULT_FAMILY)
  return default if kind in (None, default.kind) else families_of_kind(
      kind)[0]


def _of_kind(kind):
  return families() if kind is None else families_of_kind(kind)


def choose_family(model=None, architecture=None, given_flags=(),
                  current=None, kind=None):
  """The family a command line asks for.

  `model` wins; else the family declaring `architecture`; else `current`
  (the family of a run being resumed); else the family selected by
  `given_flags` (a family's `selected_by` flag that is its own option, like
  `--mix`, outweighs a flag every model shares, like `--levels`); else the
  default.

  Args:
    model: the `--model` name, or `None`.
    architecture: the `--arch` name, or `None`.
    given_flags: the model options given on the command line; flags that no
      family declares as an `Option` (such as `--levels`) only select.
    current: the name of the family of the run being resumed, or `None`.
    kind: the name of the kind of data of the command's families, or `None`
      for every family.

  Returns:
    model_family: a `ModelFamily`.

  Raises:
    ValueError: one line, for an unknown model, an architecture that is not
      the model's, or an option the chosen family does not take.
  """
  if model is not None:
    chosen, reason = family(model), '--model ' + model
    if architecture is not None and architecture not in chosen.architectures:
      raise ValueError('--arch {} is not an architecture of the {} model ({}).'
                       .format(architecture, chosen.name, ', '.join(
                           chosen.architectures) or 'it has none'))
  elif architecture is not None:
    chosen = family_of_architecture(architecture)
    reason = '--arch ' + architecture
    if chosen is None:
      raise ValueError('Unknown architecture {!r}: choose one of {}.'.format(
          architecture, ', '.join(architecture_names())))
  elif current is not None:
    chosen, reason = family(current), 'the run being resumed'
  else:
    chosen, reason = _selected_family(set(given_flags), kind)
  # Flags no family declares (such as --levels) belong to every model.
  foreign = [flag for flag in given_flags if chosen.option(flag) is None and
             any(f.option(flag) for f in _of_kind(kind))]
  if foreign:
    owners = {flag: [f.name for f in _of_kind(kind) if f.option(flag)]
              for flag in foreign}
    raise ValueError('{} not an option of the {} model, chosen by {} ({}).'
                     .format(', '.join(foreign) +
                             (' is' if len(foreign) == 1 else ' are'),
                             chosen.name, reason, '; '.join(
                                 '{} is an option of {}'.format(
                                     flag, ', '.join(names))
                                 for flag, names in owners.items())))
  return chosen


def _selected_family(given, kind):
  selected = [f for f in _of_kind(kind) if set(f.selected_by) & given]
  own = [f for f in selected
         if any(f.option(flag) for flag in set(f.selected_by) & given)]
  candidates = own or selected
  if not candidates:
    return default_family(kind), 'default'
  if len(candidates) > 1:
    raise ValueError('The options given select several models ({}): choose '
                     'one with --model.'.format(', '.join(
                         '{} by {}'.format(f.name, ', '.join(
                             sorted(set(f.selected_by) & given)))
                         for f in candidates)))
  return candidates[0], ', '.join(sorted(set(candidates[0].selected_by) &
                                         given))


def model_kwargs(config):
  """The family's own keyword arguments in `config` (those of its
  `defaults`; not `model` nor the keys of its kind of data)."""
  defaults = family(config['model']).defaults
  return {key: value for key, value in config.items() if key in defaults}


def constructor_defaults(module, class_name, keys, **overrides):
  """The defaults of a model's constructor arguments, for a family's
  `defaults`: the model is where they live.

  They are read from the source of `module`, which is not imported (that
  would load TensorFlow, and `tfp-pixel train --help` shows them).

  Args:
    module: Python `str`, the module of the model.
    class_name: Python `str`, the model's class in `module`.
    keys: the constructor arguments the family configures.
    **overrides: defaults of the family that differ from the constructor's,
      or that the constructor does not have (a required argument); the
      family says why beside them.

  Returns:
    defaults: `dict` of each of `keys` to its default, in JSON types (tuples
      as lists).

  Raises:
    ValueError: if a key has neither a literal default nor an override.
  """
  signature = _constructor(module, class_name).args
  arguments = [argument.arg for argument in signature.args]
  literal = dict(zip(arguments[len(arguments) - len(signature.defaults):],
                     signature.defaults))
  defaults = {}
  for key in keys:
    if key in overrides:
      defaults[key] = overrides[key]
    elif key in literal:
      value = ast.literal_eval(literal[key])
      defaults[key] = list(value) if isinstance(value, tuple) else value
    else:
      raise ValueError('{}.{} has no literal default for {!r}: give the '
                       'family\'s.'.format(module, class_name, key))
  return defaults


def architectures_of(module):
  """A family's `architectures`, from the model's `ARCHITECTURES`, the
  values its `architecture` takes: each under its command-line name, with
  hyphens."""
  return {value.replace('_', '-'): value
          for value in module_constant(module, 'ARCHITECTURES')}


def module_constant(module, name):
  """The literal value of the constant `name` of a module of this package,
  read from its source (as `constructor_defaults`)."""
  for node in _source(module).body:
    if isinstance(node, ast.Assign) and any(
        getattr(target, 'id', None) == name for target in node.targets):
      return ast.literal_eval(node.value)
  raise ValueError('{} has no {}.'.format(module, name))


def _source(module):
  """The parsed source of a module of this package."""
  package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
  path = os.path.join(package, *module.split('.')[1:]) + '.py'
  with open(path, encoding='utf-8') as f:
    return ast.parse(f.read(), path)


def _constructor(module, class_name):
  for node in _source(module).body:
    if isinstance(node, ast.ClassDef) and node.name == class_name:
      for item in node.body:
        if isinstance(item, ast.FunctionDef) and item.name == '__init__':
          return item
  raise ValueError('{} has no class {} with a constructor.'.format(
      module, class_name))


def level_model_build(module, class_name):
  """The `build` of a family whose model takes `image_shape`, `num_levels`,
  `num_classes` and the family's keywords (a model of int levels).

  Args:
    module: Python `str`, the module of the model, imported on the first
      build (so that the registry loads no TensorFlow).
    class_name: Python `str`, the model's class in `module`.

  Returns:
    build: callable `(config) -> distribution`.
  """

  def build(config):
    model_class = getattr(importlib.import_module(module), class_name)
    return model_class(image_shape=tuple(config['image_shape']),
                       num_levels=config['num_levels'],
                       **condition_kwargs(config), **model_kwargs(config))

  return build


def condition_kwargs(config):
  """The constructor arguments of what an image model is conditioned on:
  `num_classes`, and for the bottom prior over the codes of a VQ-VAE-2 the
  `conditional_shape` of its map of the top grid
  (`tfp_pixel.code_priors.config`)."""
  kwargs = dict(num_classes=config['num_classes'])
  condition = (config.get('code_prior') or {}).get('condition')
  if condition is not None:
    height, width, _ = config['image_shape']
    kwargs['conditional_shape'] = (height, width, condition['num_codes'])
  return kwargs
