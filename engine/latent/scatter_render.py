"""Software rendering of a labelled 3-D scatter to an image, for GIFs made without a GPU or Qt.

Orthographic projection of the points and of the axis box around them, painted back to front
with Pillow, with each axis' extent written at its ends, so the AE's wide spread and the VAE's
compact ball read at a glance.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from engine.latent.palette import SEED_RGB

_BOX_EDGES = [(0, 1), (1, 3), (3, 2), (2, 0), (4, 5), (5, 7), (7, 6), (6, 4),
              (0, 4), (1, 5), (2, 6), (3, 7)]


def nice_extent(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-axis (lo, hi) around the data, padded 5% and never thinner than 1e-3."""
    lo, hi = values.min(axis=0), values.max(axis=0)
    pad = np.maximum((hi - lo) * 0.05, 1e-3)
    return lo - pad, hi + pad


def _rotation(azimuth_deg: float, elevation_deg: float) -> np.ndarray:
    a, e = math.radians(azimuth_deg), math.radians(elevation_deg)
    rz = np.array([[math.cos(a), -math.sin(a), 0], [math.sin(a), math.cos(a), 0], [0, 0, 1]])
    rx = np.array([[1, 0, 0], [0, math.cos(e), -math.sin(e)], [0, math.sin(e), math.cos(e)]])
    return rx @ rz


def render_scatter(points: np.ndarray, labels: np.ndarray, size: int = 480,
                   azimuth: float = 35.0, elevation: float = -65.0, title: str = "",
                   extent: tuple[np.ndarray, np.ndarray] | None = None,
                   point_radius: float = 2.2) -> Image.Image:
    """Draw points (N, 3) coloured by label into an RGB image of ``size`` x ``size`` pixels.

    ``extent`` fixes the axis box (lo, hi per axis); by default it fits the data. The box is
    scaled to fill the frame, and its true extents are printed on its edges.
    """
    points = np.asarray(points, np.float64)[:, :3]
    lo, hi = extent if extent is not None else nice_extent(points)
    lo, hi = np.asarray(lo, np.float64), np.asarray(hi, np.float64)
    span = np.maximum(hi - lo, 1e-9)
    unit = (points - lo) / span * 2.0 - 1.0                      # box mapped to [-1, 1]^3
    corners = np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)], float)
    rot = _rotation(azimuth, elevation)
    view_pts, view_box = unit @ rot.T, corners @ rot.T
    margin = size * 0.14
    scale = (size - 2 * margin) / (2 * np.abs(view_box[:, :2]).max())

    def to_screen(v):
        return np.stack([size / 2 + v[:, 0] * scale, size / 2 - v[:, 1] * scale], axis=1)

    img = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default()
    box2d = to_screen(view_box)
    for i, j in _BOX_EDGES:
        draw.line([tuple(box2d[i]), tuple(box2d[j])], fill=(170, 170, 170), width=1)
    order = np.argsort(view_pts[:, 2])  # far first
    xy = to_screen(view_pts)
    colours = SEED_RGB[np.asarray(labels) % len(SEED_RGB)]
    r = point_radius
    for k in order:
        x, y = xy[k]
        draw.ellipse([x - r, y - r, x + r, y + r], fill=tuple(int(c) for c in colours[k]),
                     outline=(60, 60, 60) if colours[k].min() > 200 else None)
    for axis, name in enumerate("xyz"):  # name each axis at its far end
        a = np.full(3, -1.0)
        b = a.copy()
        b[axis] = 1.0
        _, pb = to_screen(np.array([a, b]) @ rot.T)
        draw.text(tuple(pb + (-4, 2)), f"{name} {hi[axis]:.3g}", fill=(20, 20, 20), font=font)
    if title:
        draw.text((8, 6), title, fill=(0, 0, 0), font=font)
    extents = "  ".join(f"{n}: {a:.3g}..{b:.3g}" for n, a, b in zip("xyz", lo, hi))
    draw.text((8, size - 16), extents, fill=(40, 40, 40), font=font)
    return img
