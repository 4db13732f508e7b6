"""The distributions: one public model per module.

`base.AutoregressiveImage` states the contract every image model keeps
(shapes, temperature, `copy()` sharing the network, `conditional_input`, the
sampler hook); `conditioning` checks and broadcasts `conditional_input`.
`sequence_rnn` is the text model, over token sequences.
"""
