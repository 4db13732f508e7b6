"""Autoregressive image models as TensorFlow Probability distributions."""

from tfp_pixel.categorical_network import CategoricalPixelCNNNetwork
from tfp_pixel.categorical_pixel_cnn import CategoricalPixelCNN
from tfp_pixel.completion import complete
from tfp_pixel.gated_network import GatedPixelCNNNetwork
from tfp_pixel.labels import one_hot_labels
from tfp_pixel.layers import MaskedConv2D
from tfp_pixel.masks import causal_mask
from tfp_pixel.models import build_model
from tfp_pixel.models import make_config
from tfp_pixel.pixel_cnn import PixelCNN
from tfp_pixel.quantization import bin_widths
from tfp_pixel.quantization import dequantize
from tfp_pixel.quantization import quantize
from tfp_pixel.runs import load
from tfp_pixel.scoring import score
from tfp_pixel.distributions.sequence_rnn import SequenceRNN
from tfp_pixel.training import train
from tfp_pixel.sampling import PixelSampler

__version__ = '0.1.0'

__all__ = [
    'CategoricalPixelCNN',
    'CategoricalPixelCNNNetwork',
    'GatedPixelCNNNetwork',
    'MaskedConv2D',
    'PixelCNN',
    'PixelSampler',
    'SequenceRNN',
    'bin_widths',
    'build_model',
    'causal_mask',
    'complete',
    'dequantize',
    'load',
    'make_config',
    'one_hot_labels',
    'quantize',
    'score',
    'train',
]
