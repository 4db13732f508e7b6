"""Running an exported SavedModel where neither `tfp_pixel` nor
`tensorflow_probability` can be imported: a fresh Python process whose import
system refuses both (and `tf_keras`, which TFP brings), as on a server that
has TensorFlow alone.
"""

import json
import os
import pickle
import subprocess
import sys
import textwrap

import numpy as np

__all__ = ['BLOCKED', 'serve', 'serve_all']

BLOCKED = ('tfp_pixel', 'tfp_pixel_cli', 'tensorflow_probability', 'tf_keras')

_RUNNER = textwrap.dedent('''
    import importlib.abc
    import pickle
    import sys

    BLOCKED = {blocked!r}


    class Refuse(importlib.abc.MetaPathFinder):

      def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in BLOCKED:
          raise ImportError('blocked on this server: ' + name)
        return None


    sys.meta_path.insert(0, Refuse())
    for name in list(sys.modules):
      if name.split('.')[0] in BLOCKED:
        del sys.modules[name]

    import tensorflow as tf

    with open(sys.argv[1], 'rb') as f:
      calls = pickle.load(f)
    loaded = {{}}
    results = []
    for directory, name, inputs in calls:
      if directory not in loaded:
        loaded[directory] = tf.saved_model.load(directory)
      outputs = loaded[directory].signatures[name](
          **{{key: tf.constant(value) for key, value in inputs.items()}})
      results.append({{key: value.numpy() for key, value in outputs.items()}})
    leaked = sorted(name for name in sys.modules
                    if name.split('.')[0] in BLOCKED)
    with open(sys.argv[2], 'wb') as f:
      pickle.dump({{'results': results, 'leaked': leaked,
                   'signatures': {{directory: sorted(model.signatures)
                                  for directory, model in loaded.items()}}}},
                  f)
''').format(blocked=BLOCKED)


def serve(directory, calls, tmp_path):
  """Calls the signatures of the SavedModel at `directory` in a process
  that cannot import `BLOCKED`.

  Args:
    directory: the SavedModel folder.
    calls: list of `(signature name, {input name: np.ndarray})`.
    tmp_path: a folder for the exchange files.

  Returns:
    results: list of `{output name: np.ndarray}`, one per call.
    signatures: sorted signature names the loaded model has.

  Raises:
    AssertionError: if the process fails (with its output), or imported a
      blocked module.
  """
  directory = os.fspath(directory)
  results, signatures = serve_all(
      [(directory, name, inputs) for name, inputs in calls], tmp_path)
  return results, signatures[directory]


def serve_all(calls, tmp_path):
  """`serve` of several SavedModels in one process (each loaded once).

  Args:
    calls: list of `(directory, signature name, {input name: np.ndarray})`.
    tmp_path: a folder for the exchange files.

  Returns:
    results: list of `{output name: np.ndarray}`, one per call.
    signatures: `dict` of directory -> sorted signature names.
  """
  runner, inputs, outputs = (os.path.join(tmp_path, name) for name in
                             ('serve.py', 'calls.pkl', 'results.pkl'))
  with open(runner, 'w', encoding='utf-8') as f:
    f.write(_RUNNER)
  with open(inputs, 'wb') as f:
    pickle.dump([(os.fspath(directory), name,
                  {k: np.asarray(v) for k, v in values.items()})
                 for directory, name, values in calls], f)
  environment = dict(os.environ, TF_CPP_MIN_LOG_LEVEL='2',
                     CUDA_VISIBLE_DEVICES='')
  # Run from the exchange folder, so that the project's own folders are not
  # importable from the working directory either.
  process = subprocess.run(
      [sys.executable, runner, inputs, outputs],
      cwd=tmp_path, env=environment, capture_output=True, text=True,
      timeout=600, check=False)
  assert process.returncode == 0, process.stdout + process.stderr
  with open(outputs, 'rb') as f:
    served = pickle.load(f)
  assert not served['leaked'], json.dumps(served['leaked'])
  return served['results'], served['signatures']
