"""The task of a run: how the engine feeds and measures its model family."""

from tfp_pixel.engine import image_task
from tfp_pixel.families import registry

__all__ = ['task_for']


def task_for(config):
  """The task of the model `config` describes: the family's own
  (`ModelFamily.make_task`, such as `text_task.TextTask`), else an
  `image_task.ImageTask`."""
  family = registry.family(config['model'])
  if family.make_task is not None:
    return family.make_task(config)
  return image_task.ImageTask(config)
