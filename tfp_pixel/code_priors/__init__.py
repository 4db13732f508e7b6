"""Autoregressive priors over the codes of a VQ-VAE, and the two-stage model.

A VQ-VAE (`tfp_pixel.VQVAE`) turns an image into one grid of discrete codes,
or two (VQ-VAE-2: a top grid at half the bottom grid's resolution); a
categorical model of this package models each grid as an image of one
channel whose levels are the codes. The bottom prior of VQ-VAE-2 is
conditioned on the top grid through a map at its own resolution
(`top_code_map`). `TwoStageModel` puts the VQ-VAE and its priors together:
it samples images through the decoder and bounds `-log p(x)`.

`config` holds the `code_prior` entry of a prior's configuration (which grid
it models, what conditions it); `two_stage` the two-stage model.
"""
