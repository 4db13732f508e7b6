"""Autoencoders with discrete codes: `vqvae.VQVAE`, the VQ-VAE and VQ-VAE-2
image autoencoders (their networks in `tfp_pixel.networks.vqvae_network`,
their decoder distribution in
`tfp_pixel.distributions.discretized_logistic`)."""
