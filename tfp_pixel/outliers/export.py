"""The SavedModel of an image run with its outlier scores.

`export(run_dir, directory, background=BG_RUN)` writes the image model's
SavedModel (`engine.kinds.images.export`) with one more signature,
`outlier_scores`, which gives each image what `tfp-pixel outliers` gives it,
in bits per dimension, higher = more unusual (see `methods`):

```none
outlier_scores   images uint8 [N, H, W, C]
                 -> nll, png_bits_per_dim, complexity: float32 [N];
                    background_nll, llr: with a background run;
                    typicality: where the run recorded a validation NLL.
```

A class-conditional model scores the marginal `p(x) = sum_y p(x | y) / K`,
as `outliers.score` does. `L(x)` is the PNG of the image's levels, encoded
in the graph by the same `EncodePng` operation as `complexity.png_bits`.
"""

import math

import tensorflow as tf

from tfp_pixel import class_labels
from tfp_pixel import quantization
from tfp_pixel.engine import exports
from tfp_pixel.engine.kinds.images import export as image_export
from tfp_pixel.outliers import complexity
from tfp_pixel.outliers import scoring

__all__ = ['OutlierExport', 'export']


class OutlierExport(image_export.ImageExport):
  """`ImageExport` with the `outlier_scores` signature."""

  def __init__(self, dist, config, background=None, typical_nll=None):
    """Wraps an image model, and its background model.

    Args:
      dist: the image distribution of `config`.
      config: its configuration.
      background: the distribution of its background model (`train
        --background-for`) over the same levels, or `None`.
      typical_nll: Python `float`, the mean NLL of in-distribution images in
        bits per dimension (`typicality`), or `None`.
    """
    super().__init__(dist, config)
    self.hold(_background=background)
    self._background_weights = ([] if background is None else
                                list(background.variables))
    self._typical_nll = typical_nll
    self.outlier_scores = tf.function(
        self._outlier_scores, input_signature=[self.images_spec()])

  def signatures(self):
    signatures = super().signatures()
    signatures['outlier_scores'] = self.outlier_scores.get_concrete_function()
    return signatures

  def _outlier_scores(self, images):
    levels, _ = self._inputs(images, None)
    num_bits = self._num_dims * math.log(2.)
    nll = self._marginal_nll(self._dist, levels) / num_bits
    png = self._png_bits(levels) / float(self._num_dims)
    outputs = {'nll': nll, 'png_bits_per_dim': png, 'complexity': nll - png}
    if self._background is not None:
      background = self._marginal_nll(self._background, levels) / num_bits
      outputs.update(background_nll=background, llr=nll - background)
    if self._typical_nll is not None:
      outputs['typicality'] = tf.abs(nll - self._typical_nll)
    return outputs

  def _marginal_nll(self, dist, levels):
    """`-log p(levels)` `[N]` in nats; for a class-conditional model, of
    `p(x) = sum_y p(x | y) / K`."""
    events = tf.cast(levels, dist.dtype)
    if not self._num_classes:
      return -dist.log_prob(events)
    count = tf.shape(levels)[0]

    def log_prob_of(label):
      labels = tf.fill([count], label)
      return dist.log_prob(events, conditional_input=class_labels.
                           one_hot_labels(labels, self._num_classes))

    # One class at a time: memory as one `log_prob` call, whatever K is.
    per_class = tf.map_fn(log_prob_of, tf.range(self._num_classes),
                          fn_output_signature=tf.float32)
    return -(tf.reduce_logsumexp(per_class, axis=0) -
             math.log(self._num_classes))

  def _png_bits(self, levels):
    dtype = (tf.uint8 if self._num_levels <= quantization.IMAGE_LEVELS else
             tf.uint16)
    encoded = tf.map_fn(
        lambda image: tf.io.encode_png(
            tf.cast(image, dtype), compression=complexity.PNG_COMPRESSION),
        levels, fn_output_signature=tf.string)
    return 8. * tf.cast(tf.strings.length(encoded), tf.float32)


def export(run_dir, directory, background=None, overwrite=False,
           which='best'):
  """Writes the SavedModel of an image run with its `outlier_scores`.

  Args:
    run_dir: an image run (not a prior over codes); `None` for the latest.
    directory: the SavedModel folder to write.
    background: the run of its background model, or `None` (no `llr`).
    overwrite: Python `bool`, whether to replace a non-empty `directory`
      (atomically).
    which: `'best'` or `'last'` checkpoint of both runs.

  Returns:
    directory: `str`.

  Raises:
    ValueError: one line, as `engine.exports.export`, or if `background` is
      not a background model of the run's images.
  """
  exports.check_target(directory, overwrite)
  run = scoring.image_model_run(run_dir)
  background_dist = None
  if background is not None:
    background = scoring.image_model_run(background)
    scoring.check_background(background, run)
    background_dist = background.load_model(which)
  module = OutlierExport(
      run.load_model(which), run.config, background_dist,
      scoring.recorded_typical_nll(run, which))
  return exports.save(module, directory, overwrite)
