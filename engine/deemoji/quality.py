"""How close a cleaned photo is to the original, inside the emoji's mask and outside it: PSNR and
SSIM, for pictures of any size.

SSIM is Wang et al.'s (2004) with a Gaussian window (σ 1.5, 11×11), the constants for a data
range of 1, computed per colour channel with OpenCV's filters and averaged; its map is averaged
over the region asked for (in float64). (scikit-image has it too, but with SciPy it would add
~150 MB to the packaged app for this one function.)
"""

from __future__ import annotations

import cv2
import numpy as np

from engine.deemoji.metrics import MASK_INSIDE, psnr_from_mse

C1, C2 = 0.01 ** 2, 0.03 ** 2


def _blur(x: np.ndarray) -> np.ndarray:
    return cv2.GaussianBlur(x, (11, 11), 1.5, borderType=cv2.BORDER_REFLECT)


def ssim_map(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """SSIM at every pixel of two pictures (H, W[, C]) in [0, 1], averaged over channels
    (float32, one channel at a time: a 9-megapixel photo needs a few hundred MB, not GBs)."""
    a, b = np.asarray(a, np.float32), np.asarray(b, np.float32)
    if a.ndim == 2:
        a, b = a[..., None], b[..., None]
    total = np.zeros(a.shape[:2], np.float32)
    for c in range(a.shape[2]):
        x, y = np.ascontiguousarray(a[..., c]), np.ascontiguousarray(b[..., c])
        mu_x, mu_y = _blur(x), _blur(y)
        var_x = _blur(x * x) - mu_x * mu_x
        var_y = _blur(y * y) - mu_y * mu_y
        cov = _blur(x * y) - mu_x * mu_y
        total += ((2 * mu_x * mu_y + C1) * (2 * cov + C2)) / ((mu_x ** 2 + mu_y ** 2 + C1) *
                                                             (var_x + var_y + C2))
    return total / a.shape[2]


def judge(cleaned: np.ndarray, original: np.ndarray, mask: np.ndarray) -> dict[str, float]:
    """PSNR (dB, at most 60) and SSIM of one cleaned picture against its original, inside the
    mask (alpha above 0.5) and outside it (alpha 0); NaN for an empty region."""
    cleaned = np.clip(np.asarray(cleaned, np.float32), 0, 1)
    error = np.square(cleaned - original).mean(axis=-1, dtype=np.float64)
    similarity = ssim_map(cleaned, original)
    result = {}
    for name, where in (("inside", mask > MASK_INSIDE), ("outside", mask <= 0)):
        if not where.any():
            result[f"psnr_{name}"] = result[f"ssim_{name}"] = float("nan")
            continue
        result[f"psnr_{name}"] = float(psnr_from_mse(error[where].mean()))
        result[f"ssim_{name}"] = float(similarity[where].mean(dtype=np.float64))
    return result
