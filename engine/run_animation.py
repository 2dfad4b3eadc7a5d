"""Frames of a run's history as pictures: the latent scatter and the reconstructions over time."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from engine.scatter_render import image_grid, nice_extent, render_scatter
from engine.snapshot_history import Snapshot


def latent_frames(snapshots: list[Snapshot], labels: np.ndarray) -> list[Image.Image]:
    """One scatter per snapshot, on axes fixed to the whole run's extent, turning slowly."""
    extent = nice_extent(np.concatenate([s.latent for s in snapshots]))
    return [render_scatter(s.latent, labels, azimuth=35 + 4 * i, extent=extent,
                           title=f"epoch {s.epoch:.2f}   step {s.step}")
            for i, s in enumerate(snapshots)]


def reconstruction_frames(snapshots: list[Snapshot], originals: np.ndarray) -> list[Image.Image]:
    """Originals (top row) above their reconstructions (bottom row), captioned with the step."""
    originals = originals.reshape(-1, 28, 28)
    frames = []
    for s in snapshots:
        grid = image_grid([originals, s.reconstructions], scale=3)
        frame = Image.new("L", (grid.width, grid.height + 18), 255)
        frame.paste(grid, (0, 18))
        ImageDraw.Draw(frame).text((4, 3), f"epoch {s.epoch:.2f}  step {s.step}", fill=0)
        frames.append(frame)
    return frames
