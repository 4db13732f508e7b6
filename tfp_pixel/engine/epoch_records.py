"""The names of an epoch's metrics record, as its kind of data calls things.

Each epoch of a run adds a record to `metrics.jsonl` (`runs.append_metrics`):
the examples trained on and their speed, the training loss and the
validation figure in bits per dimension, named after the kind's examples and
dimension (`tfp_pixel.engine.kinds`): an image run's record has `images`,
`images_per_second`, `loss_bits_per_dim` and `val_bits_per_dim`, a text run's
`texts`, `texts_per_second`, `loss_bits_per_token` and `val_bits_per_token`.
A model trained on quantized levels of 8-bit data also reports its own
figure on the levels (`loss_bits_per_dim_levels`, `val_bits_per_dim_levels`)
beside the 8-bit one.
"""

import collections

__all__ = ['RecordNames']


class RecordNames(collections.namedtuple(
    'RecordNames', ['examples', 'dimension', 'with_levels'])):
  """The keys of the metrics records of a kind of data.

  Fields:
    examples: what one example is called (`'images'`, `'texts'`).
    dimension: what one dimension is called (`'dim'`, `'token'`).
    with_levels: Python `bool`, whether records also hold the model's own
      figures on quantized levels.
  """

  @classmethod
  def of(cls, kind, task):
    """The names of the records of a run of `kind` trained by `task`."""
    return cls(kind.EXAMPLES, kind.DIMENSION, task.has_levels)

  @property
  def per_second(self):
    return self.examples + '_per_second'

  @property
  def loss(self):
    return 'loss_bits_per_' + self.dimension

  @property
  def validation(self):
    return 'val_bits_per_' + self.dimension

  def training_record(self, examples, loss, loss_levels, seconds):
    """The record's training figures (no `epoch`, `step` or times)."""
    record = {self.examples: examples, self.loss: loss,
              self.per_second: examples / max(seconds, 1e-9)}
    if self.with_levels:
      record[self.loss + '_levels'] = loss_levels
    return record

  def validation_record(self, validation, validation_levels):
    """The record's validation figures."""
    record = {self.validation: validation}
    if self.with_levels:
      record[self.validation + '_levels'] = validation_levels
    return record

  def score(self, record):
    """The figure of `record` that picks the best checkpoint: validation
    bits, or training bits for a run without validation data."""
    return record.get(self.validation, record[self.loss])

  def summary(self, record):
    """One line for an epoch's `record`."""
    text = 'epoch {}: loss {:.4f} bits/{}'.format(
        record['epoch'], record[self.loss], self.dimension)
    if self.validation in record:
      text += ', validation {:.4f} bits/{}'.format(record[self.validation],
                                                   self.dimension)
    return text + ' ({:.0f} {}/s)'.format(record[self.per_second],
                                          self.examples)
