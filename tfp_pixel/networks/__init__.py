"""Networks of the image models and their causal layers.

`masks` draws the causal masks; `masked_layers`, `gated_layers` and
`label_projection` are the layers; `map_conditioning` is the condition of the
layers (a label's, or a map's: its non-causal stack and projections);
`categorical_network` is the base (and the output head) of every network with
a softmax over levels; `masked_network` and
`gated_network` are the PixelCNN networks; `lstm_cell`, `lstm_layer`,
`row_lstm` and `diagonal_bilstm` are PixelRNN's cell and layers,
`pixel_rnn_network` its networks; `stock_pixel_cnn` is the one module that
reaches inside TFP's PixelCNN++ network. `sequence_network` is the recurrent
network of the text model. `vector_quantizer` (the moving-average codebook)
and `vqvae_network` are the networks of the VQ-VAE autoencoders.
"""
