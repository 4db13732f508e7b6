"""The `text` family: `tfp_pixel.SequenceRNN`, an LSTM or GRU over tokens.

Its kind of data is texts (`tfp_pixel.engine.kinds.texts`): its
configurations have no image keys and `tfp-pixel text train` trains it. The
model of a run scores texts with their out-of-vocabulary words
(`allow_unknown=True`); samplers copy it without them.
"""

from tfp_pixel.families import model_size
from tfp_pixel.families import registry
from tfp_pixel.text import tokenizer

__all__ = ['FAMILY']


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


FAMILY = registry.register(registry.ModelFamily(
    name='text',
    kind='texts',
    summary='LSTM or GRU text model over token sequences '
            '(tfp_pixel.SequenceRNN; tfp-pixel text train)',
    defaults=registry.constructor_defaults(
        'tfp_pixel.distributions.sequence_rnn', 'SequenceRNN',
        ('vocabulary_size', 'max_length', 'cell', 'embedding_dim', 'units',
         'num_layers'),
        # Required by the constructor: the tokenizer's default vocabulary, and
        # the book's texts of 200 tokens.
        vocabulary_size=tokenizer.DEFAULT_VOCABULARY_SIZE, max_length=200),
    options=(
        registry.Option('--cell', 'cell', value_type='choice',
                        choices=registry.module_constant(
                            'tfp_pixel.networks.sequence_network', 'CELLS'),
                        help='recurrent cell'),
        registry.Option('--layers', 'num_layers', minimum=1,
                        help='stacked recurrent layers'),
        registry.Option('--units', 'units', minimum=1,
                        help='units of each recurrent layer'),
        registry.Option('--embedding-dim', 'embedding_dim', minimum=1,
                        help='size of the token embedding'),
        registry.Option('--max-length', 'max_length', minimum=1,
                        help='tokens per training text; longer texts are '
                             'cut, and their prefix scored exactly'),
    ),
    build=_build,
    estimate=_estimate))
