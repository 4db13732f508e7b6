"""The two-stage model: the bound is at least the true -log p(x), summed
exactly over every grid of codes of a tiny VQ-VAE; sampling decodes the
prior's codes; the top grid's map."""

import itertools

import numpy as np
import pytest
import tensorflow as tf

import tfp_pixel
from tfp_pixel.code_priors import config as code_prior_config
from tfp_pixel.code_priors import two_stage


def _images(shape, count=3, seed=0):
  return np.random.RandomState(seed).randint(
      0, 256, size=(count, *shape)).astype(np.uint8)


def _prior(grid, num_codes, conditional_shape=None, seed=0):
  tf.random.set_seed(seed)
  kwargs = {} if conditional_shape is None else dict(
      conditional_shape=conditional_shape)
  return tfp_pixel.CategoricalPixelCNN(
      image_shape=(*grid, 1), num_levels=num_codes, num_filters=4,
      num_residual_blocks=1, architecture='gated', **kwargs)


def test_bound_is_at_least_the_exact_nll_of_one_grid():
  tf.random.set_seed(1)
  vqvae = tfp_pixel.VQVAE((4, 4, 1), num_codes=3, code_dim=2, downsample=4,
                          num_filters=4, num_residual=1)
  prior = _prior((1, 1), 3)
  model = two_stage.TwoStageModel(vqvae, prior)
  images = _images((4, 4, 1))
  # -log p(x) = -log sum_z p(z) p(x | z), over the 3 grids of one code.
  joint = np.stack([
      prior.log_prob(np.full((1, 1, 1, 1), z, np.int32)).numpy()[0] +
      vqvae.decode(np.full((len(images), 1, 1), z, np.int32)).log_prob(
          images).numpy() for z in range(3)], axis=1)
  exact = -np.logaddexp.reduce(joint, axis=1)
  bound = model.bound(images)
  codes = bound.codes.numpy()[:, 0, 0]
  np.testing.assert_allclose(bound.total, -joint[np.arange(3), codes],
                             rtol=1e-5)
  assert np.all(bound.total.numpy() >= exact - 1e-4)
  np.testing.assert_allclose(model.elbo(images), bound.total)


def test_bound_is_at_least_the_exact_nll_of_two_grids():
  tf.random.set_seed(2)
  num_codes = 2
  vqvae = tfp_pixel.VQVAE((8, 8, 1), num_codes=num_codes, code_dim=2,
                          downsample=4, num_filters=4, num_residual=1,
                          hierarchy=2)
  assert vqvae.grid_shapes == ((1, 1), (2, 2))
  top_prior = _prior((1, 1), num_codes)
  bottom_prior = _prior((2, 2), num_codes,
                        conditional_shape=(2, 2, num_codes), seed=3)
  model = two_stage.TwoStageModel(vqvae, top_prior=top_prior,
                                  bottom_prior=bottom_prior)
  images = _images((8, 8, 1), count=2)
  joint = []
  for top in range(num_codes):
    top_grid = np.full((1, 1), top, np.int32)
    condition = code_prior_config.top_code_map(top_grid[np.newaxis],
                                               num_codes, (2, 2))
    for bottom in itertools.product(range(num_codes), repeat=4):
      bottom_grid = np.array(bottom, np.int32).reshape(1, 2, 2)
      log_prior = (
          top_prior.log_prob(top_grid[np.newaxis, ..., np.newaxis]) +
          bottom_prior.log_prob(bottom_grid[..., np.newaxis],
                                conditional_input=condition)).numpy()[0]
      decoded = vqvae.decode((np.repeat(top_grid[np.newaxis], 2, 0),
                              np.repeat(bottom_grid, 2, 0)))
      joint.append(log_prior + decoded.log_prob(images).numpy())
  exact = -np.logaddexp.reduce(np.stack(joint, axis=1), axis=1)
  bound = model.elbo(images).numpy()
  assert np.all(bound >= exact - 1e-4)
  assert np.all(np.isfinite(bound))


def test_sample_decodes_the_codes_drawn():
  tf.random.set_seed(4)
  vqvae = tfp_pixel.VQVAE((8, 8, 3), num_codes=5, code_dim=2, downsample=2,
                          num_filters=4, num_residual=1)
  model = two_stage.TwoStageModel(vqvae, _prior((4, 4), 5))
  images = model.sample(3, seed=(1, 2))
  assert images.dtype == tf.uint8 and images.shape == (3, 8, 8, 3)
  codes = model.sample_codes(3, seed=(1, 2))
  assert codes.dtype == tf.int32 and codes.shape == (3, 4, 4)
  np.testing.assert_array_equal(images, model.decode(codes))
  np.testing.assert_array_equal(images, model.sample(3, seed=(1, 2)))
  drawn = model.sample(3, seed=(1, 2), decoder='sample')
  assert drawn.dtype == tf.uint8


def test_priors_must_fit_the_grids():
  vqvae = tfp_pixel.VQVAE((8, 8, 1), num_codes=5, code_dim=2, downsample=2,
                          num_filters=4, num_residual=1)
  with pytest.raises(ValueError, match='4x4 grid of 5 codes'):
    two_stage.TwoStageModel(vqvae, _prior((4, 4), 6))
  with pytest.raises(ValueError, match='one `prior`'):
    two_stage.TwoStageModel(vqvae, top_prior=_prior((4, 4), 5),
                            bottom_prior=_prior((4, 4), 5))


def test_top_code_map_is_the_upsampled_one_hot_grid():
  top = np.array([[[0, 2], [1, 0]]])
  condition = code_prior_config.top_code_map(top, 3, (4, 4)).numpy()
  assert condition.shape == (1, 4, 4, 3)
  np.testing.assert_array_equal(
      condition.argmax(-1)[0],
      [[0, 0, 2, 2], [0, 0, 2, 2], [1, 1, 0, 0], [1, 1, 0, 0]])
  np.testing.assert_array_equal(condition.sum(-1), 1.)


def test_a_bottom_prior_trains_on_arrays_of_codes_and_top_codes(tmp_path):
  from tfp_pixel.engine import configs  # pylint: disable=g-import-not-at-top
  config = configs.make_config(
      'categorical', (4, 4, 1), num_levels=5, num_filters=4,
      num_residual_blocks=1, architecture='gated', code_prior={
          'level': 'bottom', 'condition': {'num_codes': 5, 'grid': [2, 2]}})
  assert configs.levels_are_data(config)
  rng = np.random.RandomState(0)
  codes = rng.randint(0, 5, size=(8, 4, 4, 1))
  top = rng.randint(0, 5, size=(8, 2, 2))
  result = tfp_pixel.train((codes, top), config, run_dir=str(tmp_path / 'r'),
                           epochs=1, batch_size=4, num_samples=0,
                           verbose=False)
  assert result.epoch == 1
  assert result.distribution.conditional_shape == (4, 4, 5)
  with pytest.raises(ValueError, match='codes in'):
    tfp_pixel.train((codes, top + 5), config, run_dir=str(tmp_path / 's'),
                    epochs=1, batch_size=4, num_samples=0, verbose=False)
  with pytest.raises(ValueError, match='only it'):
    configs.make_config('categorical', (4, 4, 1), num_levels=5,
                        code_prior={'level': 'top', 'condition': {
                            'num_codes': 5, 'grid': [2, 2]}})
