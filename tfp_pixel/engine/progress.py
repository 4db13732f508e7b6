"""What a training run prints: a progress bar per epoch and a summary line."""

import sys
import time

__all__ = ['EpochProgress', 'epoch_summary']


def epoch_summary(record):
  """One line for an epoch's metrics `record` (see `training.train`)."""
  text = 'epoch {epoch}: loss {loss_bits_per_dim:.4f} bits/dim'.format(
      **record)
  if 'val_bits_per_dim' in record:
    text += ', validation {:.4f} bits/dim'.format(record['val_bits_per_dim'])
  return text + ' ({:.0f} images/s)'.format(record['images_per_second'])


class EpochProgress(object):
  """A one-line progress bar on stderr, redrawn at most ten times a second.

  Drawn only when stderr is a terminal and `enabled`.
  """

  def __init__(self, epoch, epochs, total, enabled):
    self._label = 'epoch {}/{}'.format(epoch, epochs)
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
    sys.stderr.write('\r{} {} loss {:.4f} bits/dim'.format(
        self._label, bar, loss_bits))
    sys.stderr.flush()
    self._drawn = True

  def close(self):
    if self._drawn:
      sys.stderr.write('\n')
      sys.stderr.flush()
      self._drawn = False
