"""Errors raised when image data cannot be found, read or converted."""

__all__ = ['DataError', 'ImageReadError', 'one_line', 'reason_of']


class DataError(ValueError):
  """Image data cannot be used; the message names the source and the reason.

  Messages are one line so that a command line tool can show them as they are.
  """


class ImageReadError(DataError):
  """An image file is unreadable, truncated or not an image.

  Attributes:
    path: the file, as given.
    reason: a short description of what is wrong with it.
  """

  def __init__(self, path, reason):
    self.path = str(path)
    self.reason = one_line(reason)
    super().__init__('cannot read image {}: {}'.format(self.path, self.reason))


def one_line(text):
  """`text` (or an exception's message) on one line, white space folded."""
  if isinstance(text, BaseException):
    return ' '.join(str(text).split()) or type(text).__name__
  return ' '.join(str(text).split()) or 'unknown error'


def reason_of(error, path):
  """The one-line message of `error` about `path`, without a leading
  `path: ` (for a report that names the path already)."""
  reason = one_line(error)
  prefix = '{}: '.format(path)
  return reason[len(prefix):] if reason.startswith(prefix) else reason
