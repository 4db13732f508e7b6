"""Exact, fast sampling of the image models.

`pixel_sampler` holds the `PixelSampler` interface and the loop that draws
rows in order (the convolutional models walk each row pixel by pixel,
`PixelWalkSampler`; PixelRNN's `pixel_rnn_sampler` carries its LSTM states
along the row); `inverse_cdf` the per-pixel noise and the draws;
`layer_graph` describes a network as plain layers, `pixel_schedule` works out
when each of their activations is computed as pixels are drawn, `pixel_cache`
keeps them, and `pixel_cached_sampler` is the sampler over such a cache; the
`*_graph` modules read each network into a layer graph, the `*_sampler`
modules are the models' samplers; `reference` holds the plain full-pass
samplers they are proven against; `completion` fills in occluded images.
`sequence_sampler` draws token sequences one recurrent step per token.
"""
