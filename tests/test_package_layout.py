"""The package's layout holds: imports run one way, and only a kind of data's
own modules know that kind."""

import ast
import os

import pytest

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# From the top down: a module may import its own layer and those below it.
_LAYERS = ('cli', 'tfp_pixel.outliers', 'tfp_pixel.engine', 'tfp_pixel.families',
           'tfp_pixel.code_priors', 'tfp_pixel.autoencoders',
           'tfp_pixel.distributions',
           'tfp_pixel.sampling', 'tfp_pixel.networks')
# The modules of the texts kind: its engine package, the family of texts,
# its command and its readers and tokenizer.
_TEXT_MODULES = ('tfp_pixel.engine.kinds.texts', 'tfp_pixel.families.text',
                 'cli.text', 'tfp_pixel.text')


def _modules():
  """`(module name, parsed tree)` of every module of `tfp_pixel` and `cli`."""
  for package in ('tfp_pixel', 'cli'):
    for folder, _, names in os.walk(os.path.join(_ROOT, package)):
      for name in sorted(names):
        if name.endswith('.py'):
          path = os.path.join(folder, name)
          module = os.path.relpath(path, _ROOT)[:-3].replace(os.sep, '.')
          with open(path, encoding='utf-8') as f:
            yield module.replace('.__init__', ''), ast.parse(f.read())


def _imported(module, tree):
  for node in ast.walk(tree):
    if isinstance(node, ast.Import):
      yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
      base = node.module or ''
      if node.level:  # `from . import x` inside `cli`.
        base = '.'.join(module.split('.')[:-node.level] + [base]).strip('.')
      base = base.replace('tfp_pixel_cli', 'cli')
      yield from ('{}.{}'.format(base, alias.name) for alias in node.names)


def _layer(module):
  for index, layer in enumerate(_LAYERS):
    if module == layer or module.startswith(layer + '.'):
      return index
  return None


def _within(module, packages):
  return any(module == p or module.startswith(p + '.') for p in packages)


def test_imports_run_one_way():
  upward = []
  for module, tree in _modules():
    for imported in _imported(module, tree):
      below, above = _layer(module), _layer(imported)
      if above is not None and (below is None or above < below):
        upward.append('{} imports {}'.format(module, imported))
  assert not upward


@pytest.mark.parametrize('word', ['text', 'texts'])
def test_only_the_texts_kind_names_texts(word):
  named = ['{}:{}'.format(module, node.lineno)
           for module, tree in _modules() if not _within(module,
                                                         _TEXT_MODULES)
           for node in ast.walk(tree)
           if isinstance(node, ast.Constant) and node.value == word]
  assert not named


def test_no_module_asks_a_family_whether_it_reads_images():
  readers = ['{}:{}'.format(module, node.lineno)
             for module, tree in _modules() for node in ast.walk(tree)
             if isinstance(node, ast.Attribute) and node.attr == 'reads_images']
  assert not readers
