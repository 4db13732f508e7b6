"""The engine: configurations, run directories, training, scoring, drawing.

`configs` builds a model from its JSON configuration through the registry
(`tfp_pixel.families`); `runs`, `run_lock` and `checkpoints` keep a run on
disk; `training` (with `training_state`, `strategies`, `cluster` and
`cluster_start`, `stopping`, `train_step`, `tasks`/`image_task` and
`progress`) trains one; `scoring` and `generation` use a trained one.
`errors` holds the errors a user can act on.
The text model has `text_task` (its task), `text_training` (what `tfp-pixel
text train` runs) and `text_runs` (sampling and scoring a text run).
"""
