"""The data a run trains on: recorded in `RUN/data.json`, read again on resume.

A run's data are named by the options that choose and shape them (for
images the source, its TFDS folder, the image shape, the image cap, the
validation fraction and the seed; for texts their own) and by a fingerprint
of what was loaded. A resume that leaves these options out reads the same
data again. One that names other data, or whose source now holds other
data, is refused in one line, unless `fine_tune=True` asks to go on
training on them: the record then names the new data, and keeps the
earlier ones with the epoch at which they were left (`earlier`).

```none
{"options": {"dataset": "/data/mnist-idx", "shape": [28, 28, 1], ...},
 "examples": 5000, "fingerprint": "sha256:...",
 "earlier": [{"options": ..., "examples": ..., "fingerprint": ...,
              "until_epoch": 4}]}
```

`settle` decides the options before the data are loaded, `record` checks
what was loaded and returns the record that the run's writer stores
(`training.train(data_record=...)`).
"""

import collections
import hashlib
import json
import os

import numpy as np

from tfp_pixel import interface

__all__ = ['Settled', 'fingerprint', 'read', 'record', 'settle']

Settled = collections.namedtuple(
    'Settled', ['run_dir', 'options', 'stored', 'fine_tune', 'epochs_done'])
Settled.__doc__ = """The data options of a run that starts or resumes.

Fields:
  run_dir: the run folder, or `None` for a new run.
  options: `dict` of every data option, to load the data with.
  stored: the run's record (`read`), or `None` for a new run (or one
    written before runs recorded their data).
  fine_tune: Python `bool`, whether other data than the stored are allowed.
  epochs_done: Python `int`, epochs the run trained so far.
"""

_FILE = 'data.json'


def read(run_dir):
  """The data record of `run_dir`, or `None` if it has none.

  Raises:
    ValueError: one line, if the record cannot be read.
  """
  if run_dir is None:
    return None
  path = os.path.join(os.fspath(run_dir), _FILE)
  try:
    with open(path, encoding='utf-8') as f:
      stored = json.load(f)
  except FileNotFoundError:
    return None
  except (OSError, ValueError) as error:
    raise ValueError('Cannot read {}: {}'.format(path, error)) from None
  if not (isinstance(stored, dict) and isinstance(stored.get('options'),
                                                  dict)):
    raise ValueError('{} is not a data record (a JSON object with '
                     '"options").'.format(path))
  return stored


def settle(run_dir, given, defaults, fixed=(), fine_tune=False,
           epochs_done=0):
  """The data options of a run: the given ones, the rest the run's or the
  defaults.

  Args:
    run_dir: the run folder, or `None` for a new run.
    given: `dict` of every data option; `None` for an option not given.
    defaults: `dict` of the value of each option when neither given nor
      stored.
    fixed: the options no resume may change (they shape the model or its
      tokenizer), even with `fine_tune`.
    fine_tune: Python `bool`, whether given options may differ from the
      stored ones (training goes on with other data).
    epochs_done: Python `int`, epochs the run trained so far.

  Returns:
    settled: a `Settled`.

  Raises:
    ValueError: one line naming the options that differ from the run's, if
      any does and `fine_tune` is off or the option is `fixed`.
  """
  stored = read(run_dir)
  stored_options = stored['options'] if stored else {}
  options = {}
  differ = []
  for key, value in given.items():
    if value is None:
      value = stored_options.get(key, defaults.get(key))
    elif key in stored_options and (_comparable(key, value) !=
                                    _comparable(key, stored_options[key])):
      differ.append(key)
    options[key] = _stored_form(value)
  refused = [key for key in differ if key in fixed or not fine_tune]
  if refused:
    raise ValueError(
        '{} was trained on other data: {}. Leave {} out to resume on the '
        'run\'s own data{}.'.format(
            run_dir, interface.differences(stored_options, options,
                                           refused),
            'it' if len(refused) == 1 else 'them',
            '' if any(key in fixed for key in refused) else
            ', or pass {} to go on training on these (the run records '
            'them)'.format(interface.argument('fine_tune'))))
  return Settled(run_dir, options, stored, bool(fine_tune), epochs_done)


def record(settled, examples, data_fingerprint):
  """Checks the data loaded for `settled` and returns the run's new record.

  Args:
    settled: from `settle`.
    examples: Python `int`, images or documents loaded.
    data_fingerprint: `str`, from `fingerprint`.

  Returns:
    record: the `dict` to store in the run's `data.json`.

  Raises:
    ValueError: one line, if a resumed run's source now holds other data
      and `fine_tune` is off.
  """
  new = {'options': settled.options, 'examples': int(examples),
         'fingerprint': data_fingerprint}
  stored = settled.stored
  if stored is None:
    return dict(new, earlier=[])
  earlier = list(stored.get('earlier', []))
  same_data = stored.get('fingerprint') == data_fingerprint
  if not settled.fine_tune:
    if same_data:
      return dict(new, earlier=earlier)
    raise ValueError(
        'The data of {} changed since it was trained ({} examples then, {} '
        'now, other contents): restore them, or pass {} to go on training '
        'on the data as they are (the run records them).'.format(
            settled.run_dir, stored.get('examples'), examples,
            interface.argument('fine_tune')))
  if same_data and all(
      _comparable(key, value) == _comparable(key, stored['options'].get(key))
      for key, value in settled.options.items()):
    return dict(new, earlier=earlier)
  left = {key: stored[key] for key in ('options', 'examples', 'fingerprint')
          if key in stored}
  left['until_epoch'] = settled.epochs_done
  return dict(new, earlier=earlier + [left])


def fingerprint(*arrays):
  """`'sha256:...'` of the contents, shapes and dtypes of `arrays` (`None`s
  skipped), or of a list of `str`s."""
  digest = hashlib.sha256()
  for array in arrays:
    if array is None:
      continue
    if isinstance(array, (list, tuple)) and all(isinstance(a, str)
                                                for a in array):
      for text in array:
        encoded = text.encode('utf-8')
        digest.update(len(encoded).to_bytes(8, 'little') + encoded)
      continue
    array = np.ascontiguousarray(array)
    digest.update('{}{}'.format(array.dtype.str, array.shape).encode())
    digest.update(memoryview(array).cast('B'))
  return 'sha256:' + digest.hexdigest()


def _comparable(key, value):
  """`value` in a form where equal data compare equal: paths absolute,
  tuples as lists, floats as floats."""
  del key
  value = _as_json(value)
  if isinstance(value, str) and os.path.exists(value):
    return os.path.realpath(value)
  if isinstance(value, (int, float)) and not isinstance(value, bool):
    return float(value)
  return value


def _stored_form(value):
  """`value` as the record keeps it: JSON types, paths that exist on this
  machine absolute (so that a resume from another folder finds them)."""
  value = _as_json(value)
  if isinstance(value, str) and os.path.exists(value):
    return os.path.abspath(value)
  return value


def _as_json(value):
  if isinstance(value, tuple):
    return list(value)
  if isinstance(value, os.PathLike):
    return os.fspath(value)
  return value
