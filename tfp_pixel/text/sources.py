"""Documents from text sources: `.txt` files, folders, JSON Lines, recipes.

Every reader returns a `list` of non-empty `str` documents. A source that
cannot be used raises a `TextDataError` with a one-line message naming it:
missing, binary (not UTF-8 text), without any document, or larger than the
bounds of a source: `MAX_SOURCE_BYTES` read from a file (or from the `.txt`
files of a folder together) and `MAX_DOCUMENTS` documents. No more than
that is ever read, so that whatever a command is given (`/dev/zero`
included), what it holds of a source is bounded.
"""

import json
import os
import re

from tfp_pixel.text import errors
from tfp_pixel.text import offline_corpus

__all__ = ['MAX_DOCUMENTS', 'MAX_SOURCE_BYTES', 'SPLITS',
           'epicurious_document', 'read_documents', 'read_epicurious',
           'read_folder', 'read_json_lines', 'read_text_file']

SPLITS = ('lines', 'paragraphs', 'files')
MAX_SOURCE_BYTES = 64 * 2**20
MAX_DOCUMENTS = 1000000

_PARAGRAPH_BREAK = re.compile(r'\n\s*\n')
# The line boundaries of `str.splitlines`.
_LINE_BREAK = re.compile('\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]')
_WHITESPACE = re.compile(r'\s+')
_EPICURIOUS_NAME = 'full_format_recipes.json'


def read_documents(source=None, split='lines', text_field='text'):
  """Reads the documents of a source, chosen by what `source` is.

  Args:
    source: `None` or `offline_corpus.NAME` for the offline default corpus; a
      folder of `.txt` files; a `.txt` file; a `.jsonl` / `.ndjson` JSON Lines
      file; or the Epicurious `full_format_recipes.json` (any `.json` file
      holding a list of recipes).
    split: how `.txt` files are cut into documents: `'lines'` (one per
      line), `'paragraphs'` (separated by blank lines) or `'files'` (one per
      file).
    text_field: the field of each JSON Lines record that holds its text.

  Returns:
    documents: `list` of `str`.

  Raises:
    TextDataError: if the source is missing, unreadable, has no document or
      is larger than `MAX_SOURCE_BYTES` or `MAX_DOCUMENTS`.
  """
  if source is None or source == offline_corpus.NAME:
    return offline_corpus.load_documents()
  source = os.fspath(source)
  if os.path.isdir(source):
    return read_folder(source, split)
  if not os.path.exists(source):
    raise errors.TextDataError('no such text source: {}'.format(source))
  extension = os.path.splitext(source)[1].lower()
  if extension in ('.jsonl', '.ndjson'):
    return read_json_lines(source, text_field)
  if extension == '.json':
    return read_epicurious(source)
  return read_text_file(source, split)


def read_text_file(path, split='lines'):
  """The documents of a UTF-8 text file, cut by `split` (see `SPLITS`)."""
  _check_split(split)
  return _documents(_decode(_read_bytes(path, MAX_SOURCE_BYTES), path),
                    split, path)


def read_folder(path, split='lines'):
  """The documents of every `.txt` file of a folder, in name order."""
  _check_split(split)
  names = sorted(name for name in os.listdir(path)
                 if name.lower().endswith('.txt') and
                 os.path.isfile(os.path.join(path, name)))
  if not names:
    raise errors.TextDataError('no .txt file in folder {}'.format(path))
  documents, budget = [], MAX_SOURCE_BYTES
  for name in names:
    file_path = os.path.join(path, name)
    data = _read_bytes(file_path, budget, source=path)
    budget -= len(data)
    documents.extend(_documents(_decode(data, file_path), split, file_path))
    _check_count(documents, path)
  return documents


def read_json_lines(path, text_field='text'):
  """The `text_field` of every record of a JSON Lines file."""
  documents = []
  text = _decode(_read_bytes(path, MAX_SOURCE_BYTES), path)
  for number, line in enumerate(_pieces(text, _LINE_BREAK), 1):
    if not line.strip():
      continue
    try:
      record = json.loads(line)
    except ValueError as e:
      raise errors.TextDataError('{} line {} is not JSON: {}'.format(
          path, number, errors.one_line(e))) from e
    if not isinstance(record, dict) or not isinstance(
        record.get(text_field), str):
      raise errors.TextDataError(
          '{} line {} has no text field {!r}'.format(path, number,
                                                     text_field))
    documents.append(_one_line(record[text_field]))
    _check_count(documents, path)
  return _non_empty(documents, path)


def read_epicurious(path):
  """The recipes of Epicurious' `full_format_recipes.json`, as the book reads
  them: `'Recipe for TITLE | DIRECTIONS'`, recipes without a title or
  directions dropped."""
  try:
    recipes = json.loads(_decode(_read_bytes(path, MAX_SOURCE_BYTES), path))
  except ValueError as e:
    raise errors.TextDataError('{} is not JSON: {}'.format(
        path, errors.one_line(e))) from e
  if not isinstance(recipes, list):
    raise errors.TextDataError(
        '{} is not a list of recipes like {}'.format(path, _EPICURIOUS_NAME))
  documents = [epicurious_document(recipe) for recipe in recipes]
  documents = _non_empty([d for d in documents if d is not None], path)
  _check_count(documents, path)
  return documents


def epicurious_document(recipe):
  """`'Recipe for TITLE | DIRECTIONS'` of one recipe, or `None` without a
  title or directions."""
  if not isinstance(recipe, dict):
    return None
  title, directions = recipe.get('title'), recipe.get('directions')
  if not title or not directions:
    return None
  return _one_line('Recipe for {} | {}'.format(title, ' '.join(directions)))


def _check_split(split):
  if split not in SPLITS:
    raise errors.TextDataError('split must be one of {}, got {!r}'.format(
        ', '.join(SPLITS), split))


def _read_bytes(path, limit, source=None):
  """At most `limit` bytes of a file; `source` (the file, or its folder) is
  named if it holds more."""
  try:
    with open(path, 'rb') as f:
      data = f.read(limit + 1)
  except OSError as e:
    raise errors.TextDataError('cannot read {}: {}'.format(
        path, errors.one_line(e.strerror or e))) from e
  if len(data) > limit:
    raise errors.TextDataError(
        '{} is larger than {:g} MiB, the most a text source may hold{}'.format(
            source or path, MAX_SOURCE_BYTES / 2**20,
            ' (its .txt files together)' if source else ''))
  return data


def _decode(data, path):
  if b'\0' in data:
    raise errors.TextDataError('{} is a binary file, not text'.format(path))
  try:
    return data.decode('utf-8-sig')
  except UnicodeDecodeError as e:
    raise errors.TextDataError('{} is not UTF-8 text (byte {})'.format(
        path, e.start)) from e


def _documents(text, split, path):
  """The non-empty documents of `text`, whitespace runs made one space."""
  if split == 'files':
    return _non_empty([_one_line(text)], path)
  documents = []
  for piece in _pieces(text, _PARAGRAPH_BREAK if split == 'paragraphs' else
                       _LINE_BREAK):
    piece = _one_line(piece)
    if piece:
      documents.append(piece)
      _check_count(documents, path)
  return _non_empty(documents, path)


def _pieces(text, separator):
  """The pieces of `text` between matches of `separator`, one at a time
  (`separator.split` would hold them all at once)."""
  start = 0
  for match in separator.finditer(text):
    yield text[start:match.start()]
    start = match.end()
  yield text[start:]


def _one_line(text):
  """`' '.join(text.split())`, without a list of every word."""
  return _WHITESPACE.sub(' ', text).strip()


def _check_count(documents, path):
  if len(documents) > MAX_DOCUMENTS:
    raise errors.TextDataError(
        '{} has more than {} documents, the most a text source may '
        'hold'.format(path, MAX_DOCUMENTS))


def _non_empty(documents, path):
  documents = [document for document in documents if document]
  if not documents:
    raise errors.TextDataError('{} has no text'.format(path))
  return documents
