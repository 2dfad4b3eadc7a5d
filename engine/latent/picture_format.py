"""Pictures made the shape a model sees: a side of 28, 32 or 64 pixels, grey or RGB.

Datasets keep their own format (MNIST's 28 × 28 grey, a folder read at the chosen side, CIFAR's
32 × 32 RGB); a run converts only the pictures it uses, in chunks, with OpenCV (area averaging to
shrink, bilinear to enlarge; grey by Pillow's ITU-R 601 weights, RGB from grey by repeating it).
"""

from __future__ import annotations

import cv2
import numpy as np

GREY_WEIGHTS = np.array([0.299, 0.587, 0.114], np.float32)   # what Pillow's "L" conversion uses
# a stack of pictures is resized as one many-channel image, up to the most channels OpenCV takes:
# 128 through its Python binding, 4 for area averaging
_CV_CHANNELS = {False: 128, True: 4}


def picture_shape(images: np.ndarray) -> tuple[int, int, int]:
    """(height, width, channels) of a stack (N, H, W) grey or (N, H, W, C)."""
    return (*images.shape[1:3], images.shape[3] if images.ndim == 4 else 1)


def describe_shape(shape: tuple[int, int, int]) -> str:
    """"28 × 28 grey", "32 × 32 RGB"."""
    h, w, c = shape
    return f"{h} × {w} {'grey' if c == 1 else 'RGB'}"


def fit_pictures(images: np.ndarray, side: int, channels: int, chunk: int = 4_096) -> np.ndarray:
    """uint8 pictures (N, H, W) or (N, H, W, 3) as (N, side, side, channels) uint8."""
    n, (h, w, c) = len(images), picture_shape(images)
    out = np.empty((n, side, side, channels), np.uint8)
    for i in range(0, n, chunk):
        part = images[i:i + chunk].reshape(-1, h, w, c)
        if c == 3 and channels == 1:
            part = np.round(part.astype(np.float32) @ GREY_WEIGHTS).astype(np.uint8)[..., None]
        if (h, w) != (side, side):
            part = _resized(part, side)
        if part.shape[-1] == 1 and channels == 3:
            part = np.repeat(part, 3, axis=-1)
        out[i:i + chunk] = part
    return out


def _resized(part: np.ndarray, side: int) -> np.ndarray:
    m, h, w, c = part.shape
    stack = np.ascontiguousarray(part.transpose(1, 2, 0, 3).reshape(h, w, m * c))
    shrink = side < min(h, w)
    step = _CV_CHANNELS[shrink]
    pieces = [cv2.resize(np.ascontiguousarray(stack[..., j:j + step]), (side, side),
                         interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
              .reshape(side, side, -1) for j in range(0, m * c, step)]
    return np.concatenate(pieces, axis=-1).reshape(side, side, m, c).transpose(2, 0, 1, 3)


def shown(images: np.ndarray) -> np.ndarray:
    """Pictures (..., H, W, C) as the views draw them: (..., H, W) grey, (..., H, W, 3) RGB."""
    return images[..., 0] if images.shape[-1] == 1 else images
