"""Causal masks of the PixelCNN convolutions."""

import numpy as np
import pytest

from tfp_pixel.networks import masks


def test_mask_type_a_hides_the_centre_and_everything_after():
  mask = masks.causal_mask((3, 3), 1, 1, mask_type='A')[..., 0, 0]
  np.testing.assert_array_equal(mask, [[1, 1, 1], [1, 0, 0], [0, 0, 0]])
  mask_b = masks.causal_mask((3, 3), 1, 1, mask_type='B')[..., 0, 0]
  np.testing.assert_array_equal(mask_b, [[1, 1, 1], [1, 1, 0], [0, 0, 0]])


def test_channel_groups_order_rgb_at_the_centre():
  # Inputs R, G, B; outputs two features per channel.
  centre_a = masks.causal_mask((1, 1), 3, 6, 3, 'A')[0, 0]
  centre_b = masks.causal_mask((1, 1), 3, 6, 3, 'B')[0, 0]
  np.testing.assert_array_equal(centre_a, [[0, 0, 1, 1, 1, 1],
                                           [0, 0, 0, 0, 1, 1],
                                           [0, 0, 0, 0, 0, 0]])
  np.testing.assert_array_equal(centre_b, [[1, 1, 1, 1, 1, 1],
                                           [0, 0, 1, 1, 1, 1],
                                           [0, 0, 0, 0, 1, 1]])


def test_bad_masks():
  with pytest.raises(ValueError, match='odd'):
    masks.causal_mask((2, 3), 1, 1)
  with pytest.raises(ValueError, match='mask_type'):
    masks.causal_mask((3, 3), 1, 1, mask_type='C')
