"""Tests of the outlier scores' arithmetic: the methods, the PNG length, the
separation figures, thresholds and the typicality test."""

import numpy as np
import pytest
import tensorflow as tf

from tfp_pixel import outliers
from tfp_pixel.outliers import complexity
from tfp_pixel.outliers import detection
from tfp_pixel.outliers import methods
from tfp_pixel.outliers import typicality


def test_auroc_equals_a_hand_count_of_pairs():
  inliers = [0.1, 0.4, 0.35, 0.8]
  outliers_ = [0.9, 0.4, 0.2]
  # Pairs (outlier above inlier, ties half): 0.9 beats all 4; 0.4 beats 0.1
  # and 0.35, ties 0.4; 0.2 beats 0.1.
  assert outliers.auroc(inliers, outliers_) == pytest.approx(
      (4 + 2.5 + 1) / 12)


def test_auprc_and_fpr_at_95_tpr_on_a_small_case():
  inliers = [1., 2., 3., 4.]
  outliers_ = [2.5, 5., 6.]
  # Ranked: 6 (out), 5 (out), 4 (in), 3 (in), 2.5 (out): precision at each
  # outlier's recall step is 1, 1, 3/5.
  assert outliers.auprc(inliers, outliers_) == pytest.approx(
      (1. + 1. + 3. / 5.) / 3.)
  # Flagging every outlier needs the cut below 2.5: inliers 3 and 4 flagged.
  assert outliers.fpr_at_tpr(inliers, outliers_) == pytest.approx(0.5)
  assert outliers.auroc(inliers, [10.]) == 1.
  assert outliers.auroc([10.], inliers) == 0.


def test_threshold_flags_the_asked_share_of_fresh_scores():
  rng = np.random.default_rng(1)
  threshold = outliers.threshold_at_fpr(rng.normal(size=4000), 0.05)
  share = detection.flags(rng.normal(size=4000), threshold).mean()
  assert 0.04 < share < 0.06
  with pytest.raises(ValueError, match='in \\(0, 1\\)'):
    outliers.threshold_at_fpr([1., 2.], 0.)
  with pytest.raises(ValueError, match='No reference images'):
    outliers.threshold_at_fpr([], 0.05)


def test_methods_from_their_parts():
  parts = methods.Parts(nll=np.array([2., 3.]), background=np.array([1.5,
                                                                     3.5]),
                        complexity=np.array([1., 0.5]))
  np.testing.assert_allclose(methods.method_scores('nll', parts), [2., 3.])
  np.testing.assert_allclose(methods.method_scores('llr', parts), [.5, -.5])
  np.testing.assert_allclose(methods.method_scores('complexity', parts),
                             [1., 2.5])
  np.testing.assert_allclose(
      methods.method_scores('typicality', parts, typical_nll=2.75),
      [.75, .25])
  with pytest.raises(ValueError, match='background'):
    methods.method_scores('llr', parts._replace(background=None))
  with pytest.raises(ValueError, match='reference'):
    methods.method_scores('typicality', parts)
  assert methods.available_methods(False, False) == ('nll', 'complexity')
  assert methods.available_methods(True, True) == methods.METHODS


@pytest.mark.parametrize('num_levels, channels', [(4, 1), (256, 3),
                                                  (1000, 1), (300, 3)])
def test_complexity_is_the_length_of_the_png_of_the_levels(num_levels,
                                                           channels):
  rng = np.random.default_rng(0)
  levels = rng.integers(0, num_levels, (2, 5, 6, channels))
  levels[1] = 0  # A constant image compresses to a short file.
  bits = outliers.png_bits(levels, num_levels)
  for image, image_bits in zip(levels, bits):
    png = complexity.png_of_levels(image, num_levels)
    assert image_bits == 8 * len(png)
    decoded = tf.io.decode_png(png, dtype=(tf.uint8 if num_levels <= 256
                                           else tf.uint16))
    np.testing.assert_array_equal(decoded, image)
  assert bits[1] < bits[0]
  with pytest.raises(ValueError, match='Levels must be in'):
    outliers.png_bits(levels + num_levels, num_levels)


def test_typicality_test_flags_atypical_batches_either_side():
  rng = np.random.default_rng(2)
  reference = rng.normal(2., 0.3, size=2000)
  batch = rng.normal(2., 0.3, 50)
  typical = typicality.typicality_test(
      batch - batch.mean() + reference.mean() + 0.01, reference)
  assert not typical.outlier and typical.distance < typical.threshold
  for shift in (-0.3, 0.3):
    test = typicality.typicality_test(rng.normal(2. + shift, 0.3, 50),
                                      reference)
    assert test.outlier, test
  single = typicality.typicality_test([2.], reference)
  assert single.threshold > 5 * typical.threshold  # Wider for one image.
  # In-distribution batches are flagged at about the rate asked.
  flagged = np.mean([typicality.typicality_test(
      rng.choice(reference, 20), reference, fpr=0.1, seed=k).outlier
                     for k in range(200)])
  assert 0.03 < flagged < 0.2


def test_batch_distances_separate_better_with_bigger_batches():
  rng = np.random.default_rng(3)
  inliers, shifted = rng.normal(2., 0.3, 500), rng.normal(2.2, 0.3, 500)
  aurocs = [outliers.auroc(
      typicality.batch_distances(inliers, 2., size, seed=0),
      typicality.batch_distances(shifted, 2., size, seed=1))
            for size in (1, 10, 50)]
  assert aurocs[0] < 0.7 < aurocs[1] < aurocs[2]  # One image: chance-like.
  assert aurocs[2] > 0.95
