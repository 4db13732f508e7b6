"""How the engine feeds, measures and shows the image models.

`ImageTask` is what `training.train` and `scoring` need to know of a model of
8-bit images that is not the model itself: the batches (uint8 images, int32
levels for a model of more than 256 levels, or `(images, labels)` for a
class-conditional model), each image's negative
log-likelihood in the 8-bit convention and on the model's own levels
(`metrics`), the dimensions it is spread over (`H * W * C` per image), and
the per-epoch sample grid (one row per class for a class-conditional model).

The task of another kind of data (`kinds.texts.task.TextTask`) has the same
methods but `bits_per_dim` and `sample_grid`, which only scoring images
uses. `penalty` is what the training loss adds to the mean NLL (0. but for
a background model, `background_task.BackgroundTask`).
"""

import os

import numpy as np
import tensorflow as tf

from tfp_pixel import class_labels
from tfp_pixel.engine import configs
from tfp_pixel.engine.kinds.images import conditioning
from tfp_pixel.engine.kinds.images import generation
from tfp_pixel.engine.kinds.images import grids
from tfp_pixel.engine.kinds.images import metrics

__all__ = ['ImageTask', 'images_and_labels']

_NEEDS_LABELS = ('The model is class-conditional (num_classes={}): the '
                 'training data must be (images, labels).')
_BAD_LABEL = 'a training label is not a class of the model'


def images_and_labels(batch):
  """`(images, labels)` of a batch; labels are `None` in an image batch."""
  if isinstance(batch, (tuple, list)):
    return batch[0], batch[1]
  return batch, None


class ImageTask(object):
  """The image side of a training run, for the model `config` describes."""

  # Trained on quantized levels, reported in the 8-bit convention: records
  # hold both figures (`epoch_records`).
  has_levels = True

  def __init__(self, config):
    self._config = config
    self._image_shape = tuple(config['image_shape'])
    self._conditional = conditioning.is_conditional(config)
    self._levels_are_data = configs.levels_are_data(config)

  @property
  def num_dims(self):
    """Python `int`, the dimensions of one image (`H * W * C`)."""
    return int(np.prod(self._image_shape))

  def dataset(self, data, batch_size, shuffle_seed=None):
    """A `tf.data.Dataset` of batches of the model's shape.

    Args:
      data: uint8 images `[N, H, W, C]` (integer levels in
        `[0, num_levels)` above 256 levels), an `(images, labels)` pair, or
        a `tf.data.Dataset` of such batches.
      batch_size: Python `int`, for arrays.
      shuffle_seed: Python `int` to shuffle arrays every epoch, or `None`.

    Returns:
      dataset: batches of uint8 images, or `(images, labels)` for a
        class-conditional model, whose labels are checked to be classes of
        the model.

    Raises:
      ValueError: one line, if the data does not fit the model.
    """
    if isinstance(data, tf.data.Dataset):
      return self._checked_dataset(data)
    images, labels = self._checked_arrays(data)
    tensors = images if labels is None else (images, labels)
    dataset = tf.data.Dataset.from_tensor_slices(tensors)
    if shuffle_seed is not None:
      dataset = dataset.shuffle(len(images), seed=shuffle_seed,
                                reshuffle_each_iteration=True)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)

  def batch_size_of(self, batch):
    """The number of images in `batch`, an int32 scalar `Tensor`."""
    return tf.shape(images_and_labels(batch)[0])[0]

  def dims_of(self, batch):
    """The dimensions the NLL of `batch` is spread over, an int32 scalar
    `Tensor`: `H * W * C` per image."""
    return self.batch_size_of(batch) * self.num_dims

  def initialize(self, dist, batch):
    """Runs the model once on real data (data-dependent initialization)."""
    self.nll(dist, batch, training=False)

  def nll(self, dist, batch, training=False):
    """Per-image negative log-likelihoods of a batch, in nats.

    Returns:
      nll_8bit: `[batch]`, of the 8-bit images (the reported figure).
      nll_levels: `[batch]`, the model's own, of their quantized levels (the
        training loss).
    """
    images, labels = images_and_labels(batch)
    events = configs.images_to_events(images, self._config)
    nll_levels = -dist.log_prob(
        events,
        conditional_input=conditioning.conditional_input(labels,
                                                             self._config),
        training=training)
    if self._levels_are_data:
      return nll_levels, nll_levels
    nll_8bit = metrics.eight_bit_nll(nll_levels, tf.cast(events, tf.int32),
                                     self._config['num_levels'])
    return nll_8bit, nll_levels

  def penalty(self, dist):
    """What the training loss adds to the mean NLL of a batch: nothing
    (`0.`); a background model's L2 penalty
    (`background_task.BackgroundTask`)."""
    del dist
    return 0.

  def epoch_metrics(self, dist):
    """What the epoch's metrics record adds beyond the NLLs: nothing."""
    del dist
    return {}

  def bits_per_dim(self, nll_nats):
    """Negative log-likelihoods in nats to bits per dimension."""
    return metrics.bits_per_dim(nll_nats, self._image_shape)

  def sample_grid(self, dist, num_samples, seed, scale=None):
    """A uint8 grid `[height, width, channels]` of samples of `dist`.

    A class-conditional model's grid has one row per class (the first
    `conditioning.MAX_GRID_CLASSES`), `ceil(num_samples / rows)` columns.
    Each pixel is a `scale x scale` square (`None`: `grids.default_scale`).
    The images are drawn in bounded batches (`generation.draw_batches`), the
    first with `seed`, batch `k` with `seed` folded with `k`.

    Raises:
      ValueError: if the grid would pass `bounds.MAX_GRID_PIXELS`.
    """
    labels, columns = self._grid_layout(num_samples)
    count = num_samples if labels is None else len(labels)
    self.check_samples(num_samples, scale)
    batches = generation.draw_batches(
        dist, self._config, count,
        lambda k: seed if k == 0 else tf.random.experimental.stateless_fold_in(
            seed, k), labels)
    return grids.image_grid(np.concatenate(list(batches)),
                            num_columns=columns, scale=scale)

  def check_samples(self, num_samples, scale=None):
    """Checks, before training, that the epoch grid of `num_samples` at
    `scale` fits `bounds.MAX_GRID_PIXELS`; raises a one-line `ValueError`."""
    labels, columns = self._grid_layout(num_samples)
    grids.check_grid(num_samples if labels is None else len(labels),
                     self._image_shape, columns, scale,
                     advice='lower --num-samples or --scale')

  def _grid_layout(self, num_samples):
    """`(labels, columns)` of the epoch grid: `(None, None)` unless the model
    is class-conditional (a row of each of its first classes)."""
    if not self._conditional:
      return None, None
    num_classes = self._config['num_classes']
    rows = min(num_classes, conditioning.MAX_GRID_CLASSES)
    columns = max(1, -(-num_samples // rows))
    return conditioning.per_class_labels(num_classes, columns), columns

  def write_samples(self, dist, num_samples, seed, paths, epoch, scale=None):
    """Writes the epoch's sample grid, `samples/epoch-EEE.png`, and its
    TensorBoard image (to the default summary writer), each pixel a
    `scale x scale` square (`None`: `grids.default_scale`)."""
    grid = self.sample_grid(dist, num_samples, seed, scale=scale)
    grids.write_png(os.path.join(paths.samples,
                                 'epoch-{:03d}.png'.format(epoch)), grid)
    tf.summary.image('samples', grid[np.newaxis], step=epoch)

  def _checked_dataset(self, data):
    spec = data.element_spec
    labelled = isinstance(spec, (tuple, list))
    if self._conditional and not labelled:
      raise ValueError(_NEEDS_LABELS.format(self._config['num_classes']))
    if labelled:
      data = data.map(
          (lambda images, labels, *_: (images, self._checked_labels(labels)))
          if self._conditional else (lambda images, *_: images))
      spec = data.element_spec
    image_spec = spec[0] if self._conditional else spec
    if tuple(image_spec.shape[-3:]) != self._image_shape:
      raise ValueError('Training images have shape {}, the model {}.'.format(
          tuple(image_spec.shape[1:]), self._image_shape))
    return data

  def _checked_arrays(self, data):
    labels = None
    if isinstance(data, tuple):
      if len(data) != 2:
        raise ValueError('Training data must be images or an (images, '
                         'labels) pair, got a tuple of {}.'.format(len(data)))
      data, labels = data
    if self._conditional and labels is None:
      raise ValueError(_NEEDS_LABELS.format(self._config['num_classes']))
    images = self._checked_images(data)
    if not self._conditional:
      return images, None
    labels = class_labels.check_labels(labels, self._config['num_classes'],
                                           'label')
    if labels.shape != (len(images),):
      raise ValueError('{} labels for {} images; give one class id per image.'
                       .format(labels.size, len(images)))
    return images, labels

  def _checked_images(self, data):
    """Images `[N, H, W, C]` of the model's shape, at least one, as
    `_checked_values`."""
    images = np.asarray(data)
    if images.ndim != 4 or images.shape[1:] != self._image_shape:
      raise ValueError('Images must have shape [N, {}, {}, {}], got {}.'.format(
          *self._image_shape, list(images.shape)))
    if len(images) == 0:
      raise ValueError('No images to train on.')
    return self._checked_values(images)

  def _checked_values(self, images):
    """uint8 images, or int32 levels in `[0, num_levels)`."""
    if not self._levels_are_data:
      return images.astype(np.uint8)
    num_levels = self._config['num_levels']
    if not np.issubdtype(images.dtype, np.integer) or (
        images.min() < 0 or images.max() >= num_levels):
      raise ValueError('A model of {} levels trains on integer levels in '
                       '[0, {}), got {} values in [{}, {}].'.format(
                           num_levels, num_levels, images.dtype,
                           images.min(), images.max()))
    return images.astype(np.int32)

  def _checked_labels(self, labels):
    """`labels` of a dataset batch, with an error if one is not a class."""
    return class_labels.assert_classes(tf.cast(labels, tf.int64),
                                       self._config['num_classes'], _BAD_LABEL)
