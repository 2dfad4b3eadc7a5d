"""The shown points nearest to one of them in latent space (by the full code, every dimension)."""

from __future__ import annotations

import numpy as np

NEIGHBOURS = 10


def nearest_points(codes: np.ndarray, index: int, count: int = NEIGHBOURS,
                   among: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The ``count`` points of ``codes`` (N, D) nearest to point ``index``, itself left out, and
    their Euclidean distances, nearest first; ``among``: a mask of the points that may be chosen
    (the classes on show)."""
    codes = np.asarray(codes, np.float64)
    distances = np.linalg.norm(codes - codes[index], axis=1)
    distances[index] = np.inf
    if among is not None:
        distances[~np.asarray(among, bool)] = np.inf
    count = min(count, int(np.isfinite(distances).sum()))
    if count == 0:
        return np.zeros(0, np.int64), np.zeros(0)
    picked = np.argpartition(distances, count - 1)[:count]
    picked = picked[np.argsort(distances[picked], kind="stable")]
    return picked, distances[picked]
