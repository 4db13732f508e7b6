"""The two-stage model: a VQ-VAE and the autoregressive prior(s) over its
codes.

`TwoStageModel(vqvae, prior)` (one grid of codes) or
`TwoStageModel(vqvae, top_prior=..., bottom_prior=...)` (VQ-VAE-2) samples
images by drawing codes from the prior(s) with their fast samplers and
decoding them, and bounds the negative log-likelihood of an image:

```none
-log p(x) <= -log p(x | z(x)) - log p_prior(z(x))          (`elbo`)
```

where `z(x)` are the codes the encoder picks (the posterior is one code per
position, so the KL term of the evidence lower bound is `-log p_prior(z)`).
For VQ-VAE-2, `-log p_prior(z) = -log p_top(z_top) - log p_bottom(z_bottom |
z_top)`. In nats per image; `bits_per_dim` divides by `H * W * C * ln 2`, the
convention of every image model of the package.
"""

import collections
import math

import numpy as np
import tensorflow as tf

from tfp_pixel.autoencoders import vqvae as vqvae_lib
from tfp_pixel.code_priors import config as code_prior_config

__all__ = ['Bound', 'TwoStageModel']

Bound = collections.namedtuple('Bound', ['total', 'reconstruction', 'prior',
                                         'codes', 'decoder'])
Bound.__doc__ = """The bound on `-log p(x)` of a batch of images, and its parts.

Fields:
  total: float `Tensor` `[N]`, the bound in nats: `reconstruction + prior`.
  reconstruction: `[N]`, `-log p(x | z(x))` under the decoder, in nats.
  prior: `[N]`, `-log p_prior(z(x))` in nats (top and bottom summed).
  codes: the codes `z(x)`: int32 `[N, h, w]`, or `(top, bottom)`.
  decoder: `p(x | z(x))`, the decoder's distribution over the images.
"""


class TwoStageModel(object):
  """A VQ-VAE and the prior(s) over its codes, as one model of images.

  ```python
  model = tfp_pixel.load(prior_run)          # a TwoStageModel
  images = model.sample(16, seed=(1, 2))     # uint8 [16, H, W, C]
  nats = model.elbo(images)                  # [16], >= -log p(x)
  model.vqvae, model.prior                   # or top_prior, bottom_prior
  ```
  """

  def __init__(self, vqvae, prior=None, top_prior=None, bottom_prior=None):
    """Puts a VQ-VAE and its prior(s) together.

    Args:
      vqvae: a `tfp_pixel.VQVAE`.
      prior: the categorical model of its one grid of codes (`hierarchy=1`):
        images `[h, w, 1]` of `num_codes` levels.
      top_prior: `hierarchy=2`: the model of the top grid.
      bottom_prior: `hierarchy=2`: the model of the bottom grid, conditioned
        on the one-hot map of the top grid (`conditional_shape
        (h, w, num_codes)`).

    Raises:
      ValueError: one line, if the priors do not fit the VQ-VAE's grids.
    """
    self._vqvae = vqvae
    if vqvae.hierarchy == 1:
      if prior is None or top_prior is not None or bottom_prior is not None:
        raise ValueError('A VQ-VAE of one grid of codes takes one `prior`.')
      priors = [prior]
    else:
      if prior is not None or top_prior is None or bottom_prior is None:
        raise ValueError('A VQ-VAE-2 takes a `top_prior` and a '
                         '`bottom_prior`.')
      priors = [top_prior, bottom_prior]
    for model, grid in zip(priors, vqvae.grid_shapes):
      if (tuple(model.image_shape) != (*grid, 1) or
          model.num_levels != vqvae.num_codes):
        raise ValueError(
            'A prior over the {}x{} grid of {} codes must model images of '
            'shape {} with {} levels, got {} with {}.'.format(
                *grid, vqvae.num_codes, (*grid, 1), vqvae.num_codes,
                tuple(model.image_shape), model.num_levels))
    self._priors = priors

  @property
  def vqvae(self):
    return self._vqvae

  @property
  def prior(self):
    """The prior of a VQ-VAE of one grid, else `None`."""
    return self._priors[0] if len(self._priors) == 1 else None

  @property
  def top_prior(self):
    return self._priors[0] if len(self._priors) == 2 else None

  @property
  def bottom_prior(self):
    return self._priors[1] if len(self._priors) == 2 else None

  @property
  def image_shape(self):
    return tuple(self._vqvae.image_shape)

  def sample_codes(self, n, seed=None, conditional_input=None):
    """Draws `n` grids of codes from the prior(s) (their fast samplers).

    Args:
      n: Python `int`.
      seed: int or stateless `(a, b)` seed; the bottom grid of VQ-VAE-2 is
        drawn with the seed folded with 1.
      conditional_input: passed to the (top) prior, for one built
        class-conditional.

    Returns:
      codes: int32 `Tensor` `[n, h, w]`, or `(top, bottom)`.
    """
    kwargs = {} if conditional_input is None else dict(
        conditional_input=conditional_input)
    first = self._priors[0].sample(n, seed=seed, **kwargs)[..., 0]
    first = tf.cast(first, tf.int32)
    if len(self._priors) == 1:
      return first
    bottom_seed = None if seed is None else _folded(seed, 1)
    condition = code_prior_config.top_code_map(
        first, self._vqvae.num_codes, self._vqvae.grid_shapes[1])
    bottom = self._priors[1].sample(n, seed=bottom_seed,
                                    conditional_input=condition)[..., 0]
    return first, tf.cast(bottom, tf.int32)

  def sample(self, n, seed=None, conditional_input=None, decoder='mode'):
    """Draws `n` images: codes from the prior(s), decoded.

    Args:
      n: Python `int`.
      seed: int or stateless `(a, b)` seed.
      conditional_input: see `sample_codes`.
      decoder: `'mode'`, the decoder's most likely image (as
        `VQVAE.reconstruct`), or `'sample'`, a draw from `p(x | z)` (with
        the seed folded with 2).

    Returns:
      images: uint8 `Tensor` `[n, H, W, C]`.
    """
    codes = self.sample_codes(n, seed=seed,
                              conditional_input=conditional_input)
    return self.decode(codes, decoder=decoder,
                       seed=None if seed is None else _folded(seed, 2))

  def decode(self, codes, decoder='mode', seed=None):
    """uint8 images `[N, H, W, C]` of codes (see `sample`)."""
    if decoder not in ('mode', 'sample'):
      raise ValueError('`decoder` must be \'mode\' or \'sample\', got '
                       '{!r}.'.format(decoder))
    distribution = self._vqvae.decode(codes)
    if decoder == 'mode':
      return vqvae_lib.most_likely_images(distribution)
    return tf.cast(distribution.sample(seed=seed), tf.uint8)

  def bound(self, images, conditional_input=None):
    """The bound on `-log p(x)` of uint8 images `[N, H, W, C]`, with its
    parts (a `Bound`)."""
    images = tf.convert_to_tensor(images)
    codes = self._vqvae.encode(images)
    decoder = self._vqvae.decode(codes)
    reconstruction = -decoder.log_prob(images)
    kwargs = {} if conditional_input is None else dict(
        conditional_input=conditional_input)
    if len(self._priors) == 1:
      prior = -self._priors[0].log_prob(codes[..., tf.newaxis], **kwargs)
    else:
      top, bottom = codes
      condition = code_prior_config.top_code_map(
          top, self._vqvae.num_codes, self._vqvae.grid_shapes[1])
      prior = (-self._priors[0].log_prob(top[..., tf.newaxis], **kwargs) -
               self._priors[1].log_prob(bottom[..., tf.newaxis],
                                        conditional_input=condition))
    reconstruction = tf.cast(reconstruction, prior.dtype)
    return Bound(reconstruction + prior, reconstruction, prior, codes,
                 decoder)

  def elbo(self, images, conditional_input=None):
    """`-log p(x | z(x)) - log p_prior(z(x))` of uint8 images `[N, H, W,
    C]`, nats per image `[N]`: an upper bound on `-log p(x)` (the negative
    evidence lower bound)."""
    return self.bound(images, conditional_input).total

  def bits_per_dim(self, nll_nats):
    """Nats per image to bits per dimension of the images."""
    return np.asarray(nll_nats) / (float(np.prod(self.image_shape)) *
                                   math.log(2.))


def _folded(seed, salt):
  """A stateless seed of `seed` folded with `salt`."""
  if isinstance(seed, int):
    seed = (seed, 0)
  return tf.random.experimental.stateless_fold_in(
      tf.cast(tf.convert_to_tensor(seed), tf.int32), salt)
