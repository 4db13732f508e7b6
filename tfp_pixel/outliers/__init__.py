"""Outlier scores of images under the package's likelihood models.

Raw likelihood is a poor outlier score: models give simpler images than
their own data (constant images, another dataset's) higher likelihood. This
package scores images by the raw NLL and by three published corrections, each
in bits per dimension, higher = more unusual (`methods`): the likelihood
ratio against a background model trained on mutated images (`llr`, `tfp-pixel
train --background-for`), the NLL minus the PNG length of the image at the
model's levels (`complexity`), and the distance from the typical NLL
(`typicality`, also a test of a whole batch). `score` gives each image its
score and, with in-distribution reference images, a verdict at a chosen
false-positive rate; `evaluate` measures every method on inliers against
outliers (AUROC, AUPRC, FPR at 95% TPR).

#### Examples

```python
from tfp_pixel import outliers

report = outliers.score('new_scans/', run_dir='runs/digits',
                        background='runs/digits-bg', method='llr',
                        reference='held_out/', fpr=0.05)
flagged = [s.path for s in report.scores if s.outlier]
result = outliers.evaluate('held_out/', 'letters/', run_dir='runs/digits',
                           background='runs/digits-bg')
```
"""

from tfp_pixel.outliers.complexity import png_bits
from tfp_pixel.outliers.detection import auprc
from tfp_pixel.outliers.detection import auroc
from tfp_pixel.outliers.detection import fpr_at_tpr
from tfp_pixel.outliers.detection import threshold_at_fpr
from tfp_pixel.outliers.evaluation import evaluate
from tfp_pixel.outliers.export import export
from tfp_pixel.outliers.methods import METHODS
from tfp_pixel.outliers.methods import method_scores
from tfp_pixel.outliers.methods import Parts
from tfp_pixel.outliers.scoring import OutlierScorer
from tfp_pixel.outliers.scoring import score
from tfp_pixel.outliers.typicality import typicality_test

__all__ = ['METHODS', 'OutlierScorer', 'Parts', 'auprc', 'auroc', 'evaluate',
           'export', 'fpr_at_tpr', 'method_scores', 'png_bits', 'score',
           'threshold_at_fpr', 'typicality_test']
