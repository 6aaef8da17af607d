"""tfgan_repro: reproductions of BEGAN, BEGAN-skip, IGAN, DCGAN (+ Improved Techniques) and WGAN-GP."""
__version__ = "0.1.0"
