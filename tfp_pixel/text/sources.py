"""Documents from text sources: `.txt` files, folders, JSON Lines, recipes.

Every reader returns a `list` of non-empty `str` documents. A source that
cannot be used raises a `TextDataError` with a one-line message naming it:
missing, binary (not UTF-8 text), or without any document.
"""

import json
import os
import re

from tfp_pixel.text import errors
from tfp_pixel.text import offline_corpus

__all__ = ['SPLITS', 'epicurious_document', 'read_documents',
           'read_epicurious', 'read_folder', 'read_json_lines',
           'read_text_file']

SPLITS = ('lines', 'paragraphs', 'files')

_PARAGRAPH_BREAK = re.compile(r'\n\s*\n')
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
    TextDataError: if the source is missing, unreadable or has no document.
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
  if split not in SPLITS:
    raise errors.TextDataError('split must be one of {}, got {!r}'.format(
        ', '.join(SPLITS), split))
  text = _read_text(path)
  if split == 'files':
    pieces = [text]
  elif split == 'paragraphs':
    pieces = _PARAGRAPH_BREAK.split(text)
  else:
    pieces = text.splitlines()
  return _non_empty([' '.join(piece.split()) for piece in pieces], path)


def read_folder(path, split='lines'):
  """The documents of every `.txt` file of a folder, in name order."""
  names = sorted(name for name in os.listdir(path)
                 if name.lower().endswith('.txt') and
                 os.path.isfile(os.path.join(path, name)))
  if not names:
    raise errors.TextDataError('no .txt file in folder {}'.format(path))
  documents = []
  for name in names:
    documents.extend(read_text_file(os.path.join(path, name), split))
  return documents


def read_json_lines(path, text_field='text'):
  """The `text_field` of every record of a JSON Lines file."""
  documents = []
  for number, line in enumerate(_read_text(path).splitlines(), 1):
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
    documents.append(' '.join(record[text_field].split()))
  return _non_empty(documents, path)


def read_epicurious(path):
  """The recipes of Epicurious' `full_format_recipes.json`, as the book reads
  them: `'Recipe for TITLE | DIRECTIONS'`, recipes without a title or
  directions dropped."""
  try:
    recipes = json.loads(_read_text(path))
  except ValueError as e:
    raise errors.TextDataError('{} is not JSON: {}'.format(
        path, errors.one_line(e))) from e
  if not isinstance(recipes, list):
    raise errors.TextDataError(
        '{} is not a list of recipes like {}'.format(path, _EPICURIOUS_NAME))
  documents = [epicurious_document(recipe) for recipe in recipes]
  return _non_empty([d for d in documents if d is not None], path)


def epicurious_document(recipe):
  """`'Recipe for TITLE | DIRECTIONS'` of one recipe, or `None` without a
  title or directions."""
  if not isinstance(recipe, dict):
    return None
  title, directions = recipe.get('title'), recipe.get('directions')
  if not title or not directions:
    return None
  return ' '.join('Recipe for {} | {}'.format(
      title, ' '.join(directions)).split())


def _read_text(path):
  try:
    with open(path, 'rb') as f:
      data = f.read()
  except OSError as e:
    raise errors.TextDataError('cannot read {}: {}'.format(
        path, errors.one_line(e.strerror or e))) from e
  if b'\0' in data:
    raise errors.TextDataError('{} is a binary file, not text'.format(path))
  try:
    return data.decode('utf-8-sig')
  except UnicodeDecodeError as e:
    raise errors.TextDataError('{} is not UTF-8 text (byte {})'.format(
        path, e.start)) from e


def _non_empty(documents, path):
  documents = [document for document in documents if document]
  if not documents:
    raise errors.TextDataError('{} has no text'.format(path))
  return documents
