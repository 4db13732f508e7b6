"""Errors raised when image data cannot be found, read or converted."""

__all__ = ['DataError', 'ImageReadError']


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
    self.reason = _one_line(reason)
    super().__init__('cannot read image {}: {}'.format(self.path, self.reason))


def _one_line(text):
  return ' '.join(str(text).split()) or 'unknown error'
