"""The `tf.function`s eager sampling runs in, shared by a network's copies.

Called eagerly, a model's `sample` runs its loop as one graph, traced once
and called again for new batch sizes and seeds. A distribution's `copy()`
(`dist.copy(temperature=0.5)`, a run loaded at another temperature, a text
model copied with a prompt) shares its network, so it shares the function
too: the function is kept on the network, one per configuration (every
constructor argument but the network and the `traced` ones), and takes the
`traced` parameters (the temperature, a prompt) as `Tensor` arguments,
rebuilding the distribution from them inside the graph. A temperature sweep
therefore traces once; a copy with another static argument (`max_length`,
`validate_args`) traces once more, as it must.

TensorFlow warns when five of the last calls to functions of the same Python
code traced ("5 out of the last 5 calls to ... triggered tf.function
retracing"), counting the functions of every network together; each function
here is traced for its own network, so it is made from its own callable
object, which TensorFlow counts on its own.
"""

import numpy as np
import tensorflow as tf

__all__ = ['shared_function']

# Attribute of the network holding its functions; set with
# `object.__setattr__`, so that neither Keras nor checkpoints track it.
_ATTRIBUTE = '_tfp_pixel_shared_functions'


def shared_function(dist, python_function, traced=('temperature',),
                    jit_compile=False):
  """`python_function(dist, *args)` as a `tf.function` shared by copies.

  Args:
    dist: a `tfd.Distribution` of the package (with `network`, `parameters`
      and `copy`).
    python_function: a function `(dist, *args) -> Tensor`s; its `args`
      should be `Tensor`s, so that new values do not retrace.
    traced: names of constructor arguments passed to the function as
      `Tensor`s (read from the properties of the same names, `None` kept):
      copies differing only in them share one trace.
    jit_compile: Python `bool`, whether XLA compiles the function.

  Returns:
    draw: a callable `draw(*args)` running `python_function(dist, *args)`
      in the shared `tf.function`.
  """
  holder = getattr(dist, 'network', dist)
  functions = holder.__dict__.get(_ATTRIBUTE)
  if functions is None:
    functions = _Functions()
    object.__setattr__(holder, _ATTRIBUTE, functions)
  key = (python_function, tuple(traced), bool(jit_compile),
         _static_parameters(dist, holder, traced))
  function = functions.get(key)
  if function is None:
    function = tf.function(_FromTemplate(dist, python_function),
                           autograph=False, reduce_retracing=True,
                           jit_compile=jit_compile)
    functions.put(key, function)
  parameters = {}
  for name in traced:
    value = getattr(dist, name)
    parameters[name] = None if value is None else tf.convert_to_tensor(value)
  return lambda *args: function(parameters, *args)


class _Functions:
  """A network's functions by key (an object, not a `dict`, so that
  `tf.Module`'s search for variables passes over it)."""

  def __init__(self):
    self._functions = {}

  def get(self, key):
    return self._functions.get(key)

  def put(self, key, function):
    self._functions[key] = function


class _FromTemplate:
  """`python_function` of a copy of `template` with the traced parameters.

  Every distribution whose configuration matches `template`'s shares it: it
  only differs in the traced parameters, which `copy` sets.
  """

  def __init__(self, template, python_function):
    self._template = template
    self._python_function = python_function

  def __call__(self, parameters, *args):
    return self._python_function(self._template.copy(**parameters), *args)


def _static_parameters(dist, holder, traced):
  """The constructor arguments of `dist` but the traced ones, hashable."""
  return tuple((name, _frozen(value))
               for name, value in sorted(dist.parameters.items())
               if name not in traced and value is not holder)


def _frozen(value):
  """A hashable stand-in for a constructor argument."""
  if isinstance(value, (list, tuple)):
    return tuple(_frozen(item) for item in value)
  if isinstance(value, tf.TensorShape):
    return None if value.rank is None else tuple(value.as_list())
  if isinstance(value, (np.ndarray, np.generic)) or (
      tf.is_tensor(value) and hasattr(value, 'numpy') and
      not isinstance(value, tf.Variable)):
    value = np.asarray(value)
    return ('array', value.dtype.str, value.shape, value.tobytes())
  try:
    hash(value)
  except TypeError:
    # Alive as long as the function: the template keeps it.
    return ('object', id(value))
  return value
