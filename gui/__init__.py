"""Latent Lab's Qt interface: the window, its tabs and the views they compose. No model maths."""
