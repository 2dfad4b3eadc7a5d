"""Tiling small pictures into one: rows of digits or photos, and captioned frames for GIFs."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw


def image_grid(rows: list[np.ndarray], scale: int = 3, gap: int = 2) -> Image.Image:
    """Rows of images in [0, 1], each row (K, H, W) grey or (K, H, W, 3) colour, tiled into one
    upscaled picture on white."""
    k, h, w = rows[0].shape[:3]
    channels = rows[0].shape[3:]
    grid = np.ones((len(rows) * (h + gap) - gap, k * (w + gap) - gap) + channels, np.float32)
    for r, row in enumerate(rows):
        for c, tile in enumerate(row):
            grid[r * (h + gap):r * (h + gap) + h, c * (w + gap):c * (w + gap) + w] = tile
    pixels = (np.nan_to_num(np.clip(grid, 0, 1)) * 255).round().astype(np.uint8)   # NaN: black
    return Image.fromarray(pixels, "RGB" if channels else "L").resize(
        (grid.shape[1] * scale, grid.shape[0] * scale), Image.NEAREST)


def captioned_grids(grids: list[list[np.ndarray]], captions: list[str],
                    scale: int = 3) -> list[Image.Image]:
    """One frame per entry: its rows of images (see ``image_grid``) under a caption line."""
    frames = []
    for rows, caption in zip(grids, captions):
        grid = image_grid(rows, scale=scale)
        frame = Image.new(grid.mode, (grid.width, grid.height + 18), "white")
        frame.paste(grid, (0, 18))
        ImageDraw.Draw(frame).text((4, 3), caption, fill="black")
        frames.append(frame)
    return frames
