"""`tfp_pixel.VQVAE`: shapes, errors, checkpoints, an XLA training step and
a tiny model that learns to reconstruct real digits."""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import tensorflow as tf
import tf_keras

import tfp_pixel

_REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
_TINY = dict(num_codes=16, code_dim=4, downsample=2, num_filters=8,
             num_residual=1)


def _images(n=3, shape=(8, 8, 1), seed=0):
  return np.random.default_rng(seed).integers(0, 256, (n,) + shape,
                                              dtype=np.uint8)


def _training_step(model, learning_rate=3e-3):
  """A jit-compiled Adam step on the mean loss; returns the mean `nll`."""
  optimizer = tf_keras.optimizers.Adam(learning_rate)

  @tf.function(jit_compile=True)
  def step(images):
    with tf.GradientTape() as tape:
      nll, loss = model.losses(images, training=True)
      mean_loss = tf.reduce_mean(loss)
    variables = model.trainable_variables
    optimizer.apply_gradients(zip(tape.gradient(mean_loss, variables),
                                  variables))
    return tf.reduce_mean(nll)

  return step


@pytest.mark.parametrize('hierarchy, grids', [
    (1, ((4, 4),)), (2, ((2, 2), (4, 4)))])
def test_shapes_and_dtypes(hierarchy, grids):
  model = tfp_pixel.VQVAE((8, 8, 3), hierarchy=hierarchy, **_TINY)
  assert model.grid_shapes == grids
  assert (model.image_shape, model.num_codes, model.code_dim,
          model.downsample, model.hierarchy) == ((8, 8, 3), 16, 4, 2,
                                                 hierarchy)
  images = _images(shape=(8, 8, 3))
  codes = model.encode(images)
  levels = codes if hierarchy == 2 else (codes,)
  assert isinstance(codes, tuple if hierarchy == 2 else tf.Tensor)
  assert [c.shape for c in levels] == [(3,) + g for g in grids]
  assert all(c.dtype == tf.int32 for c in levels)
  assert all(np.all((c >= 0) & (c < 16)) for c in levels)
  dist = model.decode(codes)
  assert dist.batch_shape == [3] and dist.event_shape == [8, 8, 3]
  sample = dist.sample(seed=(1, 2))
  assert sample.shape == (3, 8, 8, 3)
  assert np.all((sample >= 0) & (sample <= 255))
  np.testing.assert_array_equal(sample, np.round(sample))
  reconstructed = model.reconstruct(images)
  assert reconstructed.dtype == tf.uint8 and reconstructed.shape == (3, 8, 8,
                                                                     3)
  np.testing.assert_array_equal(reconstructed,
                                tf.cast(dist.mode(), tf.uint8))
  nll, loss = model.losses(images)
  assert nll.shape == loss.shape == (3,)
  np.testing.assert_allclose(nll, -dist.log_prob(images), rtol=1e-5)
  assert np.all(loss >= nll)
  assert model.codes_in_use().shape == (hierarchy,)
  assert model.codes_in_use().dtype == tf.int32


def test_the_codebooks_are_not_trainable_but_are_checkpointed(tmp_path):
  model = tfp_pixel.VQVAE((8, 8, 1), hierarchy=2, **_TINY)
  trainable = {id(v) for v in model.trainable_variables}
  codebooks = [q.codebook for q in model.network.quantizers]
  assert trainable and not any(id(c) in trainable for c in codebooks)
  assert {id(v) for v in model.network.trainable_variables} == trainable
  images = _images()
  _training_step(model)(images)
  path = tf.train.Checkpoint(network=model.network).write(
      str(tmp_path / 'ckpt'))
  restored = tfp_pixel.VQVAE((8, 8, 1), hierarchy=2, **_TINY)
  tf.train.Checkpoint(network=restored.network).read(
      path).assert_consumed()
  for a, b in zip(model.encode(images), restored.encode(images)):
    np.testing.assert_array_equal(a, b)
  np.testing.assert_array_equal(model.codes_in_use(), restored.codes_in_use())
  np.testing.assert_allclose(model.losses(images)[0],
                             restored.losses(images)[0])


@pytest.mark.parametrize('hierarchy', [
    1, pytest.param(2, marks=pytest.mark.slow)])
def test_a_jit_compiled_training_step_moves_weights_and_codebooks(hierarchy):
  tf.random.set_seed(1)
  model = tfp_pixel.VQVAE((8, 8, 1), hierarchy=hierarchy, **_TINY)
  before = [v.numpy() for v in model.trainable_variables]
  codebooks = [q.codebook.numpy() for q in model.network.quantizers]
  step = _training_step(model)
  for _ in range(2):
    assert np.isfinite(step(tf.constant(_images())))
  assert all(not np.array_equal(a, v) for a, v in
             zip(before, model.trainable_variables))
  assert all(not np.array_equal(c, q.codebook) for c, q in
             zip(codebooks, model.network.quantizers))
  assert np.all(model.codes_in_use() > 0)


@pytest.mark.parametrize('hierarchy', [
    1, pytest.param(2, marks=pytest.mark.slow)])
def test_a_trained_tiny_model_beats_the_mean_image(digits, hierarchy):
  tf.random.set_seed(0)
  model = tfp_pixel.VQVAE((8, 8, 1), num_codes=16, code_dim=8, downsample=2,
                          num_filters=16, num_residual=1,
                          hierarchy=hierarchy)
  step = _training_step(model)
  images = tf.constant(digits)
  first = float(step(images))
  for _ in range(300):
    last = float(step(images))
  assert last < first
  pixels = digits.astype(np.float64)
  reconstruction_mse = np.mean(
      (model.reconstruct(digits).numpy() - pixels) ** 2)
  mean_image_mse = np.mean((pixels - pixels.mean(0)) ** 2)
  assert reconstruction_mse < 0.6 * mean_image_mse


@pytest.mark.parametrize('kwargs, match', [
    (dict(image_shape=(8, 8)), 'image_shape'),
    (dict(image_shape=(6, 8, 1)), 'multiples of 4'),
    (dict(image_shape=(8, 12, 1), hierarchy=2), 'multiples of 8'),
    (dict(downsample=3), 'downsample'),
    (dict(hierarchy=3), 'hierarchy'),
    (dict(hierarchy=True), 'hierarchy'),
    (dict(num_codes=1), 'num_codes'),
    (dict(num_codes=65537), 'num_codes'),
    (dict(code_dim=0), 'code_dim'),
    (dict(num_filters=2.5), 'num_filters'),
    (dict(num_residual=-1), 'num_residual'),
    (dict(commitment=-0.1), 'commitment'),
    (dict(ema_decay=1.5), 'ema_decay'),
])
def test_bad_arguments_raise_one_line(kwargs, match):
  arguments = dict(image_shape=(8, 8, 1), downsample=4, num_filters=4,
                   num_residual=0)
  arguments.update(kwargs)
  with pytest.raises(ValueError, match=match) as error:
    tfp_pixel.VQVAE(**arguments)
  assert '\n' not in str(error.value)


def test_bad_codes_and_images_raise_one_line():
  model = tfp_pixel.VQVAE((8, 8, 1), hierarchy=2, **_TINY)
  top, bottom = model.encode(_images())
  for codes in (bottom, (bottom, top), (top,)):
    with pytest.raises(ValueError, match='codes') as error:
      model.decode(codes)
    assert '\n' not in str(error.value)
  with pytest.raises(ValueError, match='images') as error:
    model.losses(_images(shape=(8, 4, 1)))
  assert '\n' not in str(error.value)


_MIRRORED_SCRIPT = textwrap.dedent('''
    import json
    import numpy as np
    import tensorflow as tf
    import tf_keras
    cpu = tf.config.list_physical_devices('CPU')[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    import tfp_pixel
    strategy = tf.distribute.MirroredStrategy(['/cpu:0', '/cpu:1'])
    with strategy.scope():
      model = tfp_pixel.VQVAE((8, 8, 1), num_codes=16, code_dim=4,
                              downsample=2, num_filters=8, num_residual=1,
                              hierarchy=2)
      optimizer = tf_keras.optimizers.Adam(1e-3)
    images = np.random.default_rng(0).integers(0, 256, (8, 8, 8, 1),
                                               dtype=np.uint8)
    batch = next(iter(strategy.experimental_distribute_dataset(
        tf.data.Dataset.from_tensor_slices(images).batch(8))))

    def replica_step(x):
      with tf.GradientTape() as tape:
        loss = tf.reduce_sum(model.losses(x, training=True)[1]) / 8.
      variables = model.trainable_variables
      optimizer.apply_gradients(zip(tape.gradient(loss, variables),
                                    variables))

    step = tf.function(lambda x: strategy.run(replica_step, (x,)))
    for _ in range(3):
      step(batch)
    print(json.dumps({
        'batch_counts': [float(tf.reduce_sum(q.batch_counts))
                         for q in model.network.quantizers],
        'steps': [int(q.step.numpy()) for q in model.network.quantizers],
        'replicas_agree': all(
            np.array_equal(*[v.numpy() for v in q.codebook.values])
            for q in model.network.quantizers)}))
''')


@pytest.mark.slow
def test_mirrored_replicas_share_one_codebook_update(tmp_path):
  env = dict(os.environ, PYTHONPATH=_REPO, TF_CPP_MIN_LOG_LEVEL='3')
  output = subprocess.run(
      [sys.executable, '-c', _MIRRORED_SCRIPT], env=env, cwd=str(tmp_path),
      capture_output=True, text=True, timeout=300, check=True).stdout
  result = json.loads(output.strip().splitlines()[-1])
  # Both replicas' vectors count: 8 images of 2x2 top and 4x4 bottom codes.
  assert result['batch_counts'] == [32., 128.]
  assert result['steps'] == [3, 3]
  assert result['replicas_agree']
