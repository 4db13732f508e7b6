"""Image data: loading from folders, IDX, numpy files and TFDS; tf.data input.

`load_images` reads any supported source into an `ImageSet` of uint8 images
`[N, H, W, C]`, converted to a requested shape; `load_levels` reads the
integer levels of a model of more than 256 levels from an array file, as
they are; `make_datasets` splits them into training and validation
pipelines. Without arguments, `load_images`
returns real images that need no network (scikit-learn's 8x8 digits).
"""

from tfp_pixel.data.arrays import ARRAY_EXTENSIONS
from tfp_pixel.data.convert import convert_images
from tfp_pixel.data.convert import parse_shape
from tfp_pixel.data.errors import DataError
from tfp_pixel.data.errors import ImageReadError
from tfp_pixel.data.errors import one_line
from tfp_pixel.data.errors import reason_of
from tfp_pixel.data.folder import class_ids
from tfp_pixel.data.folder import class_of
from tfp_pixel.data.folder import list_image_files
from tfp_pixel.data.folder import names_are_class_ids
from tfp_pixel.data.folder import read_image
from tfp_pixel.data.folder import read_image_and_shape
from tfp_pixel.data.idx import is_idx_file
from tfp_pixel.data.image_set import ImageSet
from tfp_pixel.data.levels import load_levels
from tfp_pixel.data.loader import count_images
from tfp_pixel.data.loader import is_dataset_name
from tfp_pixel.data.loader import load_images
from tfp_pixel.data.offline_default import OFFLINE_DEFAULT_NAME
from tfp_pixel.data.pipeline import make_datasets

__all__ = [
    'ARRAY_EXTENSIONS',
    'DataError',
    'ImageReadError',
    'ImageSet',
    'OFFLINE_DEFAULT_NAME',
    'class_ids',
    'class_of',
    'convert_images',
    'count_images',
    'is_dataset_name',
    'is_idx_file',
    'list_image_files',
    'load_images',
    'load_levels',
    'make_datasets',
    'names_are_class_ids',
    'one_line',
    'parse_shape',
    'read_image',
    'read_image_and_shape',
    'reason_of',
]
