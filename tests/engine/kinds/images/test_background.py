"""Background models: the `background` entry, the mutation of their images,
their task's datasets (fresh mutations each epoch, fixed ones for validation)
and the L2 penalty of their training step."""

import numpy as np
import pytest
import tensorflow as tf
import tf_keras

from tests import chi_square
from tests import tiny_configs
from tfp_pixel import quantization
from tfp_pixel.engine import configs
from tfp_pixel.engine import strategies
from tfp_pixel.engine import train_step
from tfp_pixel.engine.kinds import images as images_kind
from tfp_pixel.engine.kinds.images import background
from tfp_pixel.engine.kinds.images import background_task
from tfp_pixel.engine.kinds.images import task as image_task

_SEED = tf.constant([4, 7], tf.int64)


def _background_config(rate=0.5, l2=0., config=None):
  return configs.make_config(**dict(
      config or tiny_configs.categorical(),
      background=background.make_background('bg-for', rate, l2)))


def _binomial_ok(count, trials, p):
  """Whether `count` successes of `trials` fit `p` within 5 sigma."""
  return abs(count - trials * p) <= 5 * np.sqrt(trials * p * (1 - p))


@pytest.mark.parametrize('rate', [0.1, 0.2, 1.])
def test_mutation_replaces_the_requested_fraction_of_pixels(rate):
  # Values outside every level's representative: a replaced channel always
  # differs from the original.
  images = np.full((400, 16, 16, 3), 1, np.uint8)
  mutated = background.mutate(images, rate, 4, _SEED).numpy()
  changed = mutated != images
  assert mutated.dtype == np.uint8 and mutated.shape == images.shape
  assert (changed.all(-1) == changed.any(-1)).all()  # Channels together.
  assert _binomial_ok(changed[..., 0].sum(), changed[..., 0].size, rate)


@pytest.mark.parametrize('num_levels', [4, 256])
def test_replaced_values_are_uniform_over_the_levels(num_levels):
  images = np.zeros((20, 32, 32, 2), np.uint8)
  mutated = background.mutate(images, 1., num_levels, _SEED)
  levels = quantization.quantize(mutated, num_levels).numpy().ravel()
  # Each replaced value is a level's representative.
  np.testing.assert_array_equal(
      quantization.dequantize(levels, num_levels).numpy(),
      mutated.numpy().ravel())
  counts = np.bincount(levels, minlength=num_levels)
  assert chi_square.chi_square_p_value(
      counts, np.full(num_levels, 1. / num_levels)) > chi_square.P_VALUE


def test_levels_as_data_draw_every_level():
  levels = np.zeros((4, 32, 32, 1), np.int32)
  mutated = background.mutate(levels, 1., 1000, _SEED).numpy()
  assert mutated.dtype == np.int32
  assert mutated.min() >= 0 and mutated.max() < 1000
  assert len(np.unique(mutated)) > 900
  with pytest.raises(ValueError):
    background.mutate(levels.astype(np.uint8), 1., 1000, _SEED)


def test_mutation_is_deterministic_given_the_seed_also_under_xla():
  images = np.arange(2 * 8 * 8, dtype=np.uint8).reshape(2, 8, 8, 1)
  mutate = tf.function(lambda x, s: background.mutate(x, .3, 16, s),
                       jit_compile=True)
  first = background.mutate(images, .3, 16, _SEED).numpy()
  np.testing.assert_array_equal(first, mutate(images, _SEED).numpy())
  assert (first != background.mutate(images, .3, 16, _SEED + 1).numpy()).any()


@pytest.mark.parametrize('entry, message', [
    ({'for': 'r', 'mutation_rate': 0., 'l2': 0.}, 'mutation rate'),
    ({'for': 'r', 'mutation_rate': 1.5, 'l2': 0.}, 'mutation rate'),
    ({'for': 'r', 'mutation_rate': .2, 'l2': -1.}, 'L2'),
    ({'for': '', 'mutation_rate': .2, 'l2': 0.}, 'path of a run'),
    ({'for': 'r', 'mutation_rate': .2}, 'must be a dict'),
])
def test_bad_background_entries_are_refused(entry, message):
  with pytest.raises(ValueError, match=message):
    background.check_background(entry)


def test_the_entry_is_part_of_the_configuration():
  config = _background_config(rate=.3, l2=.01)
  assert config['background']['mutation_rate'] == .3
  assert config['background']['for'].endswith('bg-for')
  assert configs.complete_config(config) == config
  assert isinstance(images_kind.make_task(config),
                    background_task.BackgroundTask)
  plain = tiny_configs.categorical()
  assert 'background' not in plain
  assert type(images_kind.make_task(plain)) is image_task.ImageTask  # pylint: disable=unidiomatic-typecheck
  dist = configs.build_model(config)
  assert dist.log_prob(np.zeros((1, 8, 8, 1), np.int32)).shape == (1,)


def _epochs(dataset, count):
  return [np.concatenate([np.asarray(b) for b in dataset])
          for _ in range(count)]


def test_training_batches_are_mutated_afresh_every_epoch(digits):
  task = background_task.BackgroundTask(_background_config())
  train = task.dataset(digits[:32], 8, shuffle_seed=3)
  first, second = _epochs(train, 2)
  # The same images (reshuffled), other mutations.
  assert not np.array_equal(np.sort(first, 0), np.sort(second, 0))
  # A repeated dataset (training with --steps) mutates each pass anew too.
  repeated = iter(task.dataset(digits[:8], 8, shuffle_seed=3).repeat())
  once, again = np.asarray(next(repeated)), np.asarray(next(repeated))
  assert not np.array_equal(np.sort(once, 0), np.sort(again, 0))
  # Reproducible from the seed.
  np.testing.assert_array_equal(
      first, _epochs(task.dataset(digits[:32], 8, shuffle_seed=3), 1)[0])


def test_a_repeated_stream_resumed_by_skipping_sees_the_same_mutations():
  task = background_task.BackgroundTask(_background_config())
  same = np.zeros((8, 8, 8, 1), np.uint8)
  unbroken = iter(task.dataset(same, 4, shuffle_seed=3).repeat())
  unbroken = [np.asarray(next(unbroken)) for _ in range(6)]
  resumed = iter(task.dataset(same, 4, shuffle_seed=3).repeat().skip(4))
  for expected in unbroken[4:]:
    np.testing.assert_array_equal(np.asarray(next(resumed)), expected)
  assert not np.array_equal(unbroken[0], unbroken[2])


def test_batches_of_an_epoch_are_mutated_differently():
  task = background_task.BackgroundTask(_background_config())
  same = np.zeros((16, 8, 8, 1), np.uint8)
  for dataset in (task.dataset(same, 8, shuffle_seed=1),
                  task.dataset(same, 8)):
    one, two = [np.asarray(b) for b in dataset]
    assert not np.array_equal(one, two)


def test_validation_batches_are_mutated_the_same_every_epoch(digits):
  task = background_task.BackgroundTask(_background_config())
  validation = task.dataset(digits[:32], 8)
  first, second = _epochs(validation, 2)
  np.testing.assert_array_equal(first, second)
  assert (first != digits[:32]).any()


def test_labels_pass_through(digits):
  config = _background_config(config=tiny_configs.categorical(num_classes=3))
  task = background_task.BackgroundTask(config)
  labels = np.arange(8) % 3
  images, got = next(iter(task.dataset((digits[:8], labels), 8,
                                       shuffle_seed=0)))
  assert images.shape == (8, 8, 8, 1)
  assert sorted(got.numpy()) == sorted(labels)


def _one_step(config, task, initial, batch):
  """The variables after one SGD step (learning rate 1) of `task` from the
  variables `initial`, and the model."""
  dist = configs.build_model(config)
  task.initialize(dist, batch)
  for variable, value in zip(dist.trainable_variables, initial or
                             [v.numpy() for v in dist.trainable_variables]):
    variable.assign(value)
  optimizer = tf_keras.optimizers.SGD(1.)
  optimizer.build(dist.trainable_variables)
  strategy = strategies.make_strategy('default')
  step = train_step.make_train_step(dist, optimizer, task, strategy, jit=False)
  step(batch)
  return [v.numpy() for v in dist.trainable_variables]


def test_l2_adds_twice_l_times_the_weights_to_the_gradient(digits):
  config = tiny_configs.categorical()
  batch = tf.constant(digits[:8])
  dist = configs.build_model(config)
  image_task.ImageTask(config).initialize(dist, batch)
  initial = [v.numpy() + 0.1 for v in dist.trainable_variables]
  plain = _one_step(config, image_task.ImageTask(config), initial, batch)
  l2 = 0.05
  penalized = _one_step(config, background_task.BackgroundTask(
      _background_config(l2=l2)), initial, batch)
  for before, after_plain, after in zip(initial, plain, penalized):
    np.testing.assert_allclose(after, after_plain - 2 * l2 * before,
                               rtol=1e-5, atol=1e-6)
  unpenalized = _one_step(config, background_task.BackgroundTask(
      _background_config(l2=0.)), initial, batch)
  for after_plain, after in zip(plain, unpenalized):
    np.testing.assert_array_equal(after, after_plain)
