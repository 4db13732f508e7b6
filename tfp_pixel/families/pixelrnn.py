"""The `pixelrnn` family: `tfp_pixel.PixelRNN`, Row LSTM or Diagonal BiLSTM
layers with a softmax over `K` levels per channel."""

from tfp_pixel.families import registry

__all__ = ['FAMILY']


FAMILY = registry.register(registry.ModelFamily(
    name='pixelrnn',
    summary='PixelRNN, LSTM layers with a softmax over K levels per channel '
            '(tfp_pixel.PixelRNN; --arch row-lstm|diagonal-bilstm, '
            '--layers N, --hidden N)',
    defaults={
        'architecture': 'row_lstm',
        'num_layers': 7,
        'hidden_units': 16,
        'first_kernel_size': 7,
        'num_output_filters': None,
        'dropout_rate': 0.,
    },
    options=(
        registry.Option('--layers', 'num_layers', minimum=1,
                        help='LSTM layers'),
        registry.Option('--hidden', 'hidden_units', minimum=1,
                        help='units of each LSTM state (layers carry twice '
                             'as many features)'),
        registry.dropout_option('dropout_rate'),
    ),
    architectures={'row-lstm': 'row_lstm',
                   'diagonal-bilstm': 'diagonal_bilstm'},
    selected_by=('--layers', '--hidden'),
    build=registry.level_model_build(
        'tfp_pixel.distributions.pixel_rnn',
        'PixelRNN')))
