"""The model registry and its families: one module per model family.

Importing the package registers every family (`registry.families()`); it
loads no TensorFlow until a family builds its model.
"""

from tfp_pixel.families import categorical
from tfp_pixel.families import pixelcnn
from tfp_pixel.families import pixelrnn
from tfp_pixel.families import pixelsnail
from tfp_pixel.families import registry
from tfp_pixel.families import text
from tfp_pixel.families import vqvae
