"""The SavedModel of a VQ-VAE: what `tfp_pixel.export` writes for it.

Signatures (`N` images of the VQ-VAE's `[H, W, C]`; its grids of codes
`[h, w]`, or `[h / 2, w / 2]` (top) and `[h, w]` (bottom) for VQ-VAE-2):

```none
reconstruct        images uint8 [N, H, W, C]
  (serving_default) -> images uint8 [N, H, W, C]: the decoder's most likely
                       image given the codes of each image (what `tfp-pixel
                       vqvae reconstruct` writes).
encode             images -> codes int32 [N, h, w] (VQ-VAE-2: top_codes
                       int32 [N, h / 2, w / 2] and bottom_codes [N, h, w]).
decode             codes (VQ-VAE-2: top_codes, bottom_codes)
                     -> images uint8 [N, H, W, C]: the decoder's most likely
                       image.
```

`reconstruct`, `encode` and `decode` give what `VQVAE.reconstruct`,
`VQVAE.encode` and `most_likely_images(VQVAE.decode(codes))` give. Each call
holds one image or more and at most `MAX_SCORE_VALUES` image values (as the
scoring signatures of image models); a larger or empty request, a code
outside the codebook or top and bottom grids of different counts fail with
`InvalidArgumentError`.
"""

import numpy as np
import tensorflow as tf

from tfp_pixel.autoencoders import vqvae as vqvae_lib
from tfp_pixel.engine import exports
from tfp_pixel.engine.kinds.images import export as image_export

__all__ = ['MAX_SAMPLE_VALUES', 'MAX_SCORE_VALUES', 'VQVAEExport',
           'model_config', 'model_module', 'run_module']

MAX_SCORE_VALUES = image_export.MAX_SCORE_VALUES
MAX_SAMPLE_VALUES = image_export.MAX_SAMPLE_VALUES


class VQVAEExport(exports.ExportModule):
  """The `exports.ExportModule` of a `tfp_pixel.VQVAE` (see the module's
  docstring for the signatures)."""

  def __init__(self, vqvae, config, variables=None):
    """Wraps a VQ-VAE.

    Args:
      vqvae: a `tfp_pixel.VQVAE`.
      config: `dict`, its run's configuration or `model_config(vqvae)`.
      variables: every variable the signatures read; `None` for the
        VQ-VAE's (a subclass adds its own models').
    """
    super().__init__(vqvae.variables if variables is None else variables,
                     config)
    self.hold(_vqvae=vqvae)
    self._image_shape = tuple(vqvae.image_shape)
    self._num_dims = int(np.prod(self._image_shape))
    self._code_names = (('codes',) if vqvae.hierarchy == 1 else
                        ('top_codes', 'bottom_codes'))
    images = self.images_spec()
    self.reconstruct = tf.function(self._reconstruct,
                                   input_signature=[images])
    self.encode = tf.function(self._encode, input_signature=[images])
    self.decode = tf.function(self._decode, input_signature=[
        tf.TensorSpec([None, *grid], tf.int32, name=name)
        for name, grid in zip(self._code_names, vqvae.grid_shapes)])

  def images_spec(self):
    """The `tf.TensorSpec` of the images a signature takes."""
    return tf.TensorSpec([None, *self._image_shape], tf.uint8, name='images')

  def signatures(self):
    signatures = {'serving_default': self.reconstruct,
                  'reconstruct': self.reconstruct,
                  'encode': self.encode, 'decode': self.decode}
    return {name: function.get_concrete_function()
            for name, function in signatures.items()}

  def _reconstruct(self, images):
    return {'images': self.images_output(
        self._vqvae.reconstruct(self.checked_images(images)))}

  def _encode(self, images):
    return self.codes_outputs(self._vqvae.encode(self.checked_images(images)))

  def _decode(self, *codes):
    return {'images': self.images_output(vqvae_lib.most_likely_images(
        self._vqvae.decode(self.checked_codes(codes))))}

  def checked_images(self, images):
    """`images` `[N, H, W, C]`, once `size_checks` of `N` pass."""
    with tf.control_dependencies(self.size_checks(tf.shape(images)[0])):
      return tf.identity(images)

  def checked_codes(self, codes):
    """The codes `decode` takes (a sequence of grids, top first) as
    `VQVAE.decode` takes them, once they are checked: codes of the
    codebook, as many grids of each level, at most as many as images
    `size_checks` allows."""
    count = tf.shape(codes[0])[0]
    checks = self.size_checks(count)
    num_codes = self._vqvae.num_codes
    for name, level in zip(self._code_names, codes):
      checks += [
          tf.debugging.assert_equal(
              tf.shape(level)[0], count,
              message='give as many top_codes as bottom_codes'),
          tf.debugging.assert_non_negative(
              level, message='{}: a negative code'.format(name)),
          tf.debugging.assert_less(
              level, num_codes, message='{}: codes must be below {}'.format(
                  name, num_codes))]
    with tf.control_dependencies(checks):
      codes = [tf.identity(level) for level in codes]
    return codes[0] if len(codes) == 1 else tuple(codes)

  def codes_outputs(self, codes):
    """`dict` of the outputs of `codes` as `VQVAE.encode` gives them."""
    levels = codes if isinstance(codes, (tuple, list)) else (codes,)
    return {name: tf.cast(level, tf.int32)
            for name, level in zip(self._code_names, levels)}

  def images_output(self, images):
    """uint8 `images` with their static shape `[N, H, W, C]`."""
    return tf.ensure_shape(images, [None, *self._image_shape])

  def size_checks(self, count, max_values=MAX_SCORE_VALUES):
    """Checks that `count` images are one or more, and at most
    `max_values` image values."""
    return exports.count_checks(count, max(1, max_values // self._num_dims))


def run_module(run, which='best'):
  """The `VQVAEExport` of a VQ-VAE run's `which` checkpoint.

  Raises:
    ValueError: one line, if the run has no intact checkpoint.
  """
  return VQVAEExport(run.load_model(which), run.config)


def model_module(model, **options):
  """The `VQVAEExport` of a live `tfp_pixel.VQVAE`, or `None` for another
  model."""
  if not isinstance(model, vqvae_lib.VQVAE):
    return None
  if options:
    raise ValueError('A VQ-VAE is exported without options; got {}.'.format(
        ', '.join(sorted(options))))
  return VQVAEExport(model, model_config(model))


def model_config(vqvae):
  """The configuration keys of a live VQ-VAE that its attributes give:
  `model`, `image_shape`, `num_levels`, `num_classes`, `num_codes`,
  `code_dim`, `downsample` and `hierarchy`."""
  return {'model': 'vqvae', 'image_shape': list(vqvae.image_shape),
          'num_levels': 256, 'num_classes': None,
          'num_codes': vqvae.num_codes, 'code_dim': vqvae.code_dim,
          'downsample': vqvae.downsample, 'hierarchy': vqvae.hierarchy}
