"""Errors raised when text cannot be read, tokenized or used as a prompt."""

__all__ = ['TextDataError', 'one_line']


class TextDataError(ValueError):
  """Text cannot be used; the message names the source and the reason.

  Messages are one line so that a command line tool can show them as they are.
  """


def one_line(text):
  """`text` with its whitespace runs (newlines too) made single spaces."""
  return ' '.join(str(text).split()) or 'unknown error'
