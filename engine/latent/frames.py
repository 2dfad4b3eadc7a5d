"""Frames of a run's history as pictures: the latent scatter and the reconstructions over time."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from engine.latent.scatter_render import image_grid, nice_extent, render_scatter
from engine.runs.snapshots import Snapshot


def latent_frames(snapshots: list[Snapshot], labels: np.ndarray) -> list[Image.Image]:
    """One scatter per snapshot, on axes fixed to the whole run's extent, turning slowly."""
    extent = nice_extent(np.concatenate([s.latent for s in snapshots]))
    return [render_scatter(s.latent, labels, azimuth=35 + 4 * i, extent=extent,
                           title=f"epoch {s.epoch:.2f}   step {s.step}")
            for i, s in enumerate(snapshots)]


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


def reconstruction_frames(snapshots: list[Snapshot], originals: np.ndarray) -> list[Image.Image]:
    """Originals (top row) above their reconstructions (bottom row), captioned with the step."""
    originals = originals.reshape(-1, 28, 28)
    return captioned_grids([[originals, s.reconstructions] for s in snapshots],
                           [f"epoch {s.epoch:.2f}  step {s.step}" for s in snapshots])
