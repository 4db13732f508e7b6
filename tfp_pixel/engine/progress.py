"""What a training run shows while an epoch trains: a progress bar (the
epoch's summary line is `epoch_records.RecordNames.summary`)."""

import sys
import time

__all__ = ['EpochProgress']


class EpochProgress(object):
  """A one-line progress bar on stderr, redrawn at most ten times a second.

  Drawn only when stderr is a terminal and `enabled`.
  """

  def __init__(self, epoch, epochs, total, enabled, dim):
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
