"""Frames of a run's history as pictures: the latent scatter and the reconstructions over time."""

from __future__ import annotations

import numpy as np
from PIL import Image

from engine.grids import captioned_grids
from engine.latent.scatter_render import nice_extent, render_scatter
from engine.runs.run import Run
from engine.runs.snapshots import Snapshot


def latent_frames(run: Run, snapshots: list[Snapshot]) -> list[Image.Image]:
    """One scatter per snapshot, on axes fixed to the whole run's extent, turning slowly."""
    labels = run.fixtures.view_labels
    extent = nice_extent(np.concatenate([s.payload.latent for s in snapshots]))
    return [render_scatter(s.payload.latent, labels, azimuth=35 + 4 * i, extent=extent,
                           title=f"epoch {run.epoch_at(s.step):.2f}   step {s.step}")
            for i, s in enumerate(snapshots)]


def reconstruction_frames(run: Run, snapshots: list[Snapshot]) -> list[Image.Image]:
    """Originals (top row) above their reconstructions (bottom row), captioned with the step."""
    originals = run.fixtures.reconstruction_images.reshape(-1, 28, 28)
    return captioned_grids([[originals, s.payload.reconstructions] for s in snapshots],
                           [f"epoch {run.epoch_at(s.step):.2f}  step {s.step}" for s in snapshots])
