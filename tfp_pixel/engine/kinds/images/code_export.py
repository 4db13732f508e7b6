"""The SavedModel of a prior run (a VQ-VAE and the prior(s) over its codes,
a `TwoStageModel`): what `tfp_pixel.export` writes for it.

Signatures (`N` images of the VQ-VAE's `[H, W, C]`; codes as the VQ-VAE's
export names them: `codes` int32 `[N, h, w]`, or `top_codes` `[N, h / 2,
w / 2]` and `bottom_codes` `[N, h, w]` for VQ-VAE-2):

```none
bound              images uint8 [N, H, W, C]
  (serving_default) -> nll_bound float32 [N]: -log p(x | z(x)) - log
                       p_prior(z(x)) in nats, at least -log p(x) (what
                       `tfp-pixel score --run PRIOR_RUN` reports);
                     bits_per_dim float32 [N]: nll_bound / (H*W*C ln 2);
                     prior_bits_per_code float32 [N]: -log2 p_prior(z(x))
                       over the codes of an image;
                     reconstruction_mse float32 [N]: the mean squared error
                       of the VQ-VAE's reconstruction, in 8-bit values
                       squared.
sample             num_samples int32 [], seed int32 [2], temperature
                     float32 [] -> images uint8 [num_samples, H, W, C]: the
                       decoder's most likely images of codes drawn from the
                       prior(s); codes (top_codes, bottom_codes): those codes.
encode, decode,    the VQ-VAE's (`autoencoder.export`).
reconstruct
```

`sample` draws what `TwoStageModel(vqvae, prior.copy(temperature=t)).sample(
num_samples, seed=seed)` draws (both priors tempered for VQ-VAE-2): the
codes of `sample_codes` and their decoded images. A prior run is never
class-conditional (`code_priors.config`), so no signature takes labels. Each
call holds one image or more, and at most `MAX_SAMPLE_VALUES` image values
(`sample`) or `MAX_SCORE_VALUES` (the others), as an image model's export.
"""

import math
import os

import tensorflow as tf

from tfp_pixel.autoencoders import vqvae as vqvae_lib
from tfp_pixel.code_priors import two_stage
from tfp_pixel.engine import exports
from tfp_pixel.engine import loading
from tfp_pixel.engine import prior_runs
from tfp_pixel.engine.kinds.autoencoder import export as vqvae_export

__all__ = ['TwoStageExport', 'model_config', 'model_module', 'run_module']


class TwoStageExport(vqvae_export.VQVAEExport):
  """The `exports.ExportModule` of a `TwoStageModel` (see the module's
  docstring for the signatures)."""

  def __init__(self, model, config):
    """Wraps a two-stage model.

    Args:
      model: a `TwoStageModel` whose (top) prior is not class-conditional.
      config: `dict`, `model_config(model)` or a prior run's (`run_module`).
    """
    priors = _priors(model)
    variables = list(model.vqvae.variables)
    for prior in priors:
      variables.extend(prior.variables)
    super().__init__(model.vqvae, config, variables=variables)
    self.hold(_priors=priors)
    self._codes_per_image = sum(h * w for h, w in model.vqvae.grid_shapes)
    self.bound = tf.function(self._bound,
                             input_signature=[self.images_spec()])
    self.sample = tf.function(self._sample, input_signature=[
        tf.TensorSpec([], tf.int32, name='num_samples'),
        tf.TensorSpec([2], tf.int32, name='seed'),
        tf.TensorSpec([], tf.float32, name='temperature')])

  def signatures(self):
    signatures = super().signatures()
    signatures['serving_default'] = self.bound.get_concrete_function()
    signatures['bound'] = signatures['serving_default']
    signatures['sample'] = self.sample.get_concrete_function()
    return signatures

  def _bound(self, images):
    images = self.checked_images(images)
    bound = self._model(self._priors).bound(images)
    total = tf.cast(bound.total, tf.float32)
    reconstructed = vqvae_lib.most_likely_images(bound.decoder)
    # In float64, as `bound_scoring`: a sum of squared 8-bit errors passes
    # 2**24, the last of float32's exact integers, from 259 values on.
    error = (tf.cast(reconstructed, tf.float64) -
             tf.cast(images, tf.float64))**2
    return {
        'nll_bound': total,
        'bits_per_dim': total / (self._num_dims * math.log(2.)),
        'prior_bits_per_code': tf.cast(bound.prior, tf.float32) / (
            self._codes_per_image * math.log(2.)),
        'reconstruction_mse': tf.cast(
            tf.reduce_mean(error, axis=[1, 2, 3]), tf.float32)}

  def _sample(self, num_samples, seed, temperature):
    checks = (self.size_checks(num_samples, vqvae_export.MAX_SAMPLE_VALUES) +
              exports.temperature_checks(temperature))
    with tf.control_dependencies(checks):
      num_samples = tf.identity(num_samples)
    model = self._model([prior.copy(temperature=temperature)
                         for prior in self._priors])
    codes = model.sample_codes(num_samples, seed=seed)
    outputs = self.codes_outputs(codes)
    outputs['images'] = self.images_output(model.decode(codes))
    return outputs

  def _model(self, priors):
    """The `TwoStageModel` of the VQ-VAE and `priors`."""
    if len(priors) == 1:
      return two_stage.TwoStageModel(self._vqvae, priors[0])
    return two_stage.TwoStageModel(self._vqvae, top_prior=priors[0],
                                   bottom_prior=priors[1])


def run_module(run, which='best'):
  """The `TwoStageExport` of a prior run's `which` checkpoint(s) (of its
  bottom prior's run for a top prior's).

  Raises:
    ValueError: one line, if a part of the run is missing or has no intact
      checkpoint.
  """
  model = prior_runs.load_two_stage(run, which)
  if run.config['code_prior']['level'] == 'top':
    run = loading.open_run(os.path.dirname(os.path.abspath(run.path)))
  config = {'image_shape': list(model.image_shape),
            'vqvae': loading.open_run(
                prior_runs.vqvae_dir(run.path, run.config)).config}
  if model.prior is not None:
    config['prior'] = run.config
  else:
    config['top_prior'] = loading.open_run(
        os.path.join(run.path, prior_runs.TOP_DIR)).config
    config['bottom_prior'] = run.config
  return TwoStageExport(model, config)


def model_module(model, **options):
  """The `TwoStageExport` of a live `TwoStageModel`, or `None` for another
  model.

  Raises:
    ValueError: one line, if its (top) prior is class-conditional, which no
      exported signature takes.
  """
  if not isinstance(model, two_stage.TwoStageModel):
    return None
  if options:
    raise ValueError('A two-stage model is exported without options; got '
                     '{}.'.format(', '.join(sorted(options))))
  return TwoStageExport(model, model_config(model))


def model_config(model):
  """The configuration of a live `TwoStageModel`: its `image_shape`, its
  VQ-VAE's (`autoencoder.export.model_config`) and each prior's
  `image_shape` and `num_levels` (`prior`, or `top_prior` and
  `bottom_prior`)."""
  names = ['prior'] if model.prior is not None else ['top_prior',
                                                      'bottom_prior']
  config = {'image_shape': list(model.image_shape),
            'vqvae': vqvae_export.model_config(model.vqvae)}
  for name, prior in zip(names, _priors(model)):
    config[name] = {'image_shape': [int(d) for d in prior.image_shape],
                    'num_levels': int(prior.num_levels)}
  return config


def _priors(model):
  """The priors of a `TwoStageModel`, top first.

  Raises:
    ValueError: one line, if the (top) prior is class-conditional.
  """
  priors = ([model.prior] if model.prior is not None else
            [model.top_prior, model.bottom_prior])
  if priors[0].conditional_shape is not None:
    raise ValueError('Cannot export a two-stage model whose prior is '
                     'conditioned (on inputs of shape {}): no exported '
                     'signature takes them.'.format(
                         priors[0].conditional_shape.as_list()))
  return priors
