"""The distributions: one public model per module.

`base.Autoregressive` states the contract every model keeps (temperature,
`copy()` sharing the network, Keras inputs), with the rule of `temperature`
in `temperature` (no TensorFlow, for configurations and commands too);
`base.AutoregressiveImage` adds what every image model keeps (shapes,
`conditional_input`, the sampler hook); `categorical_image.CategoricalImage`
adds what the models with a softmax over levels share
(`CategoricalPixelCNN`, `PixelRNN`); `conditioning` checks and broadcasts
`conditional_input`; `per_pixel` gives an image model's chain-rule terms,
channel by channel. `sequence_rnn` is the text model, over token sequences.
`discretized_logistic` is the VQ-VAE decoder's distribution over 8-bit
images.
"""
