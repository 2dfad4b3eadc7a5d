"""The 2018 code's colour per digit class (matplotlib colour names), as RGB bytes and floats."""

from __future__ import annotations

import numpy as np

# the 2018 plotting code's color_dict (docs/original-2018.md: red, blue, green, yellow, purple, grey,
# black, violet, silver, cyan), as matplotlib draws each name
SEED_RGB = np.array([
    (255, 0, 0), (0, 0, 255), (0, 128, 0), (255, 255, 0), (128, 0, 128),
    (128, 128, 128), (0, 0, 0), (238, 130, 238), (192, 192, 192), (0, 255, 255),
], dtype=np.uint8)


def label_colours(labels: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """RGBA floats in [0, 1], shape (N, 4), for integer class labels 0..9."""
    rgb = SEED_RGB[np.asarray(labels) % len(SEED_RGB)].astype(np.float32) / 255.0
    return np.concatenate([rgb, np.full((len(rgb), 1), alpha, np.float32)], axis=1)
