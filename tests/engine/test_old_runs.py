"""Run directories written by earlier versions still load.

`old_runs/` holds runs written by tfp_pixel 0.1.0 as it was before the
sub-packages (one tiny model of each kind: PixelCNN++, categorical plain,
categorical gated and class-conditional), Diagonal BiLSTM runs (gray and
class-conditional, RGB) written before the right-to-left direction read the
pixel itself (`diagonal_bilstm.OpenCentreConv2D`), and the
log-probabilities those versions computed for four digits.
"""

import json
import os
import shutil

import numpy as np
import pytest

import tfp_pixel
from tfp_pixel import data
from tfp_pixel.engine import configs
from tfp_pixel.engine import runs

_OLD_RUNS = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         'old_runs')


@pytest.mark.parametrize('name', ['pixelcnn', 'categorical',
                                  'gated-conditional',
                                  'diagonal-bilstm-conditional',
                                  'diagonal-bilstm-rgb'])
def test_old_runs_load_with_the_same_log_prob(tmp_path, name):
  expected = json.load(open(os.path.join(_OLD_RUNS,
                                         'expected_log_probs.json')))[name]
  run_dir = shutil.copytree(os.path.join(_OLD_RUNS, name), tmp_path / name)
  run = runs.open_run(run_dir)
  dist = tfp_pixel.load(run_dir, which='last')
  images = data.load_images(shape=tuple(run.config['image_shape']),
                            max_images=4).images
  events = configs.images_to_events(images, run.config)
  kwargs = {}
  if run.config['num_classes']:
    kwargs['conditional_input'] = tfp_pixel.one_hot_labels(
        expected['labels'], run.config['num_classes'])
  np.testing.assert_allclose(dist.log_prob(events, **kwargs),
                             expected['log_prob'], rtol=1e-5)
