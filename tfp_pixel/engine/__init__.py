"""The engine: the run folder, the training loop, and the kinds of data.

The run folder: `runs` (layout, configuration, metrics, whether a run
resumes), `run_lock`, `checkpoints`, `run_data` (the data a run trains on) and
`files`; `configs` builds a model from its JSON configuration through the
registry (`tfp_pixel.families`), and `loading` opens a trained run and loads
its model. The training loop, one for every model: `training` (with
`training_state`, `train_step`, `epoch_records`, `progress`, `strategies`,
`cluster`, `cluster_start` and `stopping`), and `source_training`, which
trains on a named source of any kind. Everything particular to one kind of
data (images, texts) lives in its sub-package of `kinds`. `errors` holds the
errors a user can act on.
"""
