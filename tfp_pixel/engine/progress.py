"""What a training run prints: a progress bar per epoch and a summary line."""

import sys
import time

__all__ = ['EpochProgress', 'epoch_summary']


def epoch_summary(record, examples='images', dim='dim'):
  """One line for an epoch's metrics `record` (see `training.train`).

  Args:
    record: the epoch's metrics `dict`.
    examples: what the task's examples are called (`'images'`, `'texts'`).
    dim: what one of their dimensions is called (`'dim'`, `'token'`).
  """
  text = 'epoch {}: loss {:.4f} bits/{}'.format(
      record['epoch'], record['loss_bits_per_dim'], dim)
  if 'val_bits_per_dim' in record:
    text += ', validation {:.4f} bits/{}'.format(record['val_bits_per_dim'],
                                                 dim)
  return text + ' ({:.0f} {}/s)'.format(record['images_per_second'],
                                        examples)


class EpochProgress(object):
  """A one-line progress bar on stderr, redrawn at most ten times a second.

  Drawn only when stderr is a terminal and `enabled`.
  """

  def __init__(self, epoch, epochs, total, enabled, dim='dim'):
    self._label = 'epoch {}/{}'.format(epoch, epochs)
    self._dim = dim
    self._total = total
    self._enabled = enabled and sys.stderr.isatty()
    self._last_draw = 0.
    self._drawn = False

  def update(self, step, loss_bits):
    now = time.monotonic()
    if not self._enabled or (now - self._last_draw < .1 and
                             step != self._total):
      return
    self._last_draw = now
    if self._total:
      filled = int(30 * step / self._total)
      bar = '[{}{}] {}/{}'.format('#' * filled, '.' * (30 - filled), step,
                                  self._total)
    else:
      bar = 'step {}'.format(step)
    sys.stderr.write('\r{} {} loss {:.4f} bits/{}'.format(
        self._label, bar, loss_bits, self._dim))
    sys.stderr.flush()
    self._drawn = True

  def close(self):
    if self._drawn:
      sys.stderr.write('\n')
      sys.stderr.flush()
      self._drawn = False
