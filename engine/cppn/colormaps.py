"""Colour maps for one-channel pictures (matplotlib's viridis was the 2018 default), as 256-entry
RGB lookup tables built from 17 stops of the published maps (CC0)."""

from __future__ import annotations

import numpy as np

from engine.files.images import to_bytes

_STOPS = {
    "viridis": [(68, 1, 84), (72, 23, 105), (71, 44, 122), (66, 63, 133), (59, 81, 139),
                (51, 98, 141), (44, 113, 142), (38, 129, 142), (33, 144, 140), (31, 159, 136),
                (39, 173, 128), (61, 188, 115), (92, 200, 98), (129, 211, 76), (170, 220, 49),
                (213, 226, 25), (253, 231, 37)],
    "grey": [(0, 0, 0), (255, 255, 255)],
    "magma": [(0, 0, 4), (9, 7, 33), (28, 16, 70), (53, 16, 106), (80, 18, 123), (105, 28, 129),
              (130, 37, 129), (155, 46, 127), (182, 54, 121), (207, 64, 111), (229, 80, 99),
              (244, 105, 92), (251, 135, 97), (254, 165, 113), (254, 194, 135), (253, 224, 161),
              (252, 253, 191)],
    "inferno": [(0, 0, 4), (10, 7, 35), (32, 12, 73), (60, 9, 100), (86, 15, 109),
                (112, 25, 110), (137, 34, 106), (162, 43, 97), (187, 54, 84), (208, 69, 68),
                (227, 89, 50), (241, 113, 30), (249, 140, 9), (252, 170, 15), (249, 201, 50),
                (242, 232, 101), (252, 255, 164)],
    "plasma": [(13, 8, 135), (48, 5, 150), (75, 2, 161), (101, 0, 167), (125, 3, 168),
               (148, 16, 161), (169, 34, 149), (187, 52, 135), (203, 70, 120), (217, 88, 106),
               (229, 107, 92), (240, 127, 78), (248, 148, 64), (253, 171, 51), (253, 195, 39),
               (248, 221, 37), (240, 249, 33)],
}
COLORMAPS = tuple(_STOPS)


def lookup_table(name: str) -> np.ndarray:
    """(256, 3) uint8 RGB for ``name``; unknown names raise ValueError listing the known ones."""
    if name not in _STOPS:
        raise ValueError(f"unknown colour map {name!r}; choose from {', '.join(COLORMAPS)}")
    stops = np.asarray(_STOPS[name], np.float64)
    at = np.linspace(0, 1, len(stops))
    t = np.linspace(0, 1, 256)
    return np.stack([np.interp(t, at, stops[:, c]) for c in range(3)], 1).round().astype(np.uint8)


def colourise(image: np.ndarray, colormap: str = "viridis") -> np.ndarray:
    """A CPPN output (rows, cols, C) in [0, 1] as uint8 pixels: one channel through the colour
    map (RGB, read between the table's entries, as the GPU shader reads it; ``grey`` stays one
    channel), three as RGB, four as RGBA."""
    if image.shape[-1] != 1 or colormap == "grey":
        return to_bytes(image)
    table = lookup_table(colormap).astype(np.float32) / 255.0
    t = np.clip(image[..., 0], 0.0, 1.0) * 255.0
    below = np.minimum(t.astype(np.int32), 254)
    share = (t - below)[..., None]
    return to_bytes(table[below] * (1.0 - share) + table[below + 1] * share)
