"""The `text` family: `tfp_pixel.SequenceRNN`, an LSTM or GRU over tokens.

Its events are token sequences, not images: its configurations have no image
keys, `tfp-pixel text train` trains it and the engine feeds it through
`tfp_pixel.engine.text_task.TextTask`. The model of a run scores texts with
their out-of-vocabulary words (`allow_unknown=True`); samplers copy it
without them.
"""

from tfp_pixel.families import model_size
from tfp_pixel.families import registry

__all__ = ['FAMILY', 'NAME']

NAME = 'text'


def _build(config):
  from tfp_pixel.distributions import sequence_rnn  # pylint: disable=g-import-not-at-top
  return sequence_rnn.SequenceRNN(allow_unknown=True,
                                  **registry.model_kwargs(config))


def _estimate(config):
  vocabulary, embedding, units = (config['vocabulary_size'],
                                  config['embedding_dim'], config['units'])
  # Keras' LSTM: 4 gates and a bias each; its GRU: 3 gates, two biases each.
  gates, biases = (4, 1) if config['cell'] == 'lstm' else (3, 2)
  recurrent, inputs = 0, embedding
  for _ in range(config['num_layers']):
    recurrent += gates * (units * (inputs + units) + biases * units)
    inputs = units
  per_token = (embedding + config['num_layers'] * units * (2 * gates + 2) +
               3 * vocabulary)  # logits, softmax and their gradient
  return model_size.Estimate(
      parameters=vocabulary * embedding + recurrent + (units + 1) * vocabulary,
      activations=config['max_length'] * per_token)


def _make_task(config):
  from tfp_pixel.engine import text_task  # pylint: disable=g-import-not-at-top
  return text_task.TextTask(config)


FAMILY = registry.register(registry.ModelFamily(
    name=NAME,
    summary='LSTM or GRU text model over token sequences '
            '(tfp_pixel.SequenceRNN; tfp-pixel text train)',
    defaults={
        'vocabulary_size': 10000,
        'max_length': 200,
        'cell': 'lstm',
        'embedding_dim': 100,
        'units': 128,
        'num_layers': 1,
    },
    build=_build,
    estimate=_estimate,
    make_task=_make_task,
    reads_images=False))
