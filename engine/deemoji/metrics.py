"""How well a picture was cleaned: PSNR over the whole picture, inside the emoji and outside it.

A network that only learned to smudge the emoji away shows a good "outside" and a poor "inside";
one that damages clean photos shows a poor "outside".
"""

from __future__ import annotations

import numpy as np

MASK_INSIDE = 0.5         # alpha above which a pixel counts as "under the emoji"
PSNR_FLOOR = 1e-6         # squared error floor: identical pictures score 60 dB, not infinity


def psnr_from_mse(mse):
    """PSNR in dB (peak 1) of a mean squared error or an array of them, at most 60."""
    return 10 * np.log10(1.0 / np.maximum(mse, PSNR_FLOOR))


def psnr(cleaned: np.ndarray, clean: np.ndarray, mask: np.ndarray) -> dict[str, float]:
    """Mean per-image PSNR (dB, peak 1, at most 60) over the whole picture, inside the mask and
    outside it; pictures (N, H, W, 3) in [0, 1], masks (N, H, W)."""
    err = np.square(np.clip(cleaned, 0, 1) - clean).mean(axis=-1)      # (N, H, W)
    inside = mask > MASK_INSIDE
    outside = mask <= 0.0
    result = {}
    for name, where in (("whole", np.ones_like(inside)), ("inside", inside), ("outside", outside)):
        mse = (err * where).sum(axis=(1, 2)) / np.maximum(where.sum(axis=(1, 2)), 1)
        result[name] = float(np.mean(psnr_from_mse(mse)))
    return result
