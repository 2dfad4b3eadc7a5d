"""Latent Lab's engine: data, models, training and rendering, with no Qt, pyqtgraph or OpenGL.

TensorFlow is imported in exactly one place, :mod:`engine.tf_runtime`; every other module takes
``tf`` and ``keras`` from there.
"""
