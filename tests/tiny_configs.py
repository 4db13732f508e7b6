"""The tiny run configurations of the engine and command-line tests."""

from tfp_pixel.engine import configs


def categorical(num_classes=None, architecture='plain'):
  """A categorical model of 8x8x1 images, 4 levels, 4 filters, one block."""
  return configs.make_config('categorical', (8, 8, 1), num_levels=4,
                             num_classes=num_classes, num_filters=4,
                             num_residual_blocks=1, architecture=architecture)


def pixel_cnn(num_classes=None, shape=(8, 8, 1)):
  """A PixelCNN++ of 4 filters, one hierarchy, two logistics, no dropout."""
  return configs.make_config('pixelcnn', shape, num_classes=num_classes,
                             num_filters=4, num_hierarchies=1,
                             num_logistic_mix=2, dropout_p=0.)


def pixel_rnn(architecture='row_lstm', num_classes=None):
  """A PixelRNN of 8x8x1 images, 4 levels, two layers of 4 units."""
  return configs.make_config('pixelrnn', (8, 8, 1), num_levels=4,
                             num_classes=num_classes,
                             architecture=architecture, num_layers=2,
                             hidden_units=4, first_kernel_size=3)
