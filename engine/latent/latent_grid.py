"""The codes of a decoded grid: a 2-D slice through the latent space, as in the Keras VAE
example's figure of its decoder over a plane."""

from __future__ import annotations

import numpy as np

GRID_SIDES = (5, 25)     # how many tiles a side a grid may have
DEFAULT_SIDE = 15


def grid_codes(lo, hi, base, axes: tuple[int, int], side: int) -> np.ndarray:
    """``side`` × ``side`` codes, row by row: ``axes[0]`` runs from ``lo`` to ``hi`` left to
    right, ``axes[1]`` from ``hi`` to ``lo`` top to bottom (up is up, as on a plot); every other
    axis keeps ``base``'s value."""
    x_axis, y_axis = axes
    if x_axis == y_axis:
        raise ValueError("a decoded grid needs two different axes")
    side = int(np.clip(side, *GRID_SIDES))
    lo, hi = np.asarray(lo, np.float64), np.asarray(hi, np.float64)
    xs = np.linspace(lo[x_axis], hi[x_axis], side)
    ys = np.linspace(hi[y_axis], lo[y_axis], side)
    codes = np.tile(np.asarray(base, np.float32), (side * side, 1))
    codes[:, x_axis] = np.tile(xs, side)
    codes[:, y_axis] = np.repeat(ys, side)
    return codes
