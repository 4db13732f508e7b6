"""The distributions: one public model per module.

`base.AutoregressiveImage` states the contract every image model keeps
(shapes, temperature, `copy()` sharing the network, `conditional_input`, the
sampler hook); `categorical_image.CategoricalImage` adds what the models with
a softmax over levels share (`CategoricalPixelCNN`, `PixelRNN`);
`conditioning` checks and broadcasts `conditional_input`. `sequence_rnn` is
the text model, over token sequences.
"""
