"""Pictures of a run's history: the latent scatter and the reconstructions over time (GIF frames),
and once per epoch for TensorBoard."""

from __future__ import annotations

import numpy as np
from PIL import Image

from engine.grids import captioned_grids, image_grid
from engine.latent.projection import axes_projection
from engine.latent.scatter_render import nice_extent, render_scatter
from engine.runs.run import Run
from engine.runs.snapshots import Snapshot
from engine.runs.tensorboard_log import RunPictures


def latent_frames(run: Run, snapshots: list[Snapshot]) -> list[Image.Image]:
    """One scatter per snapshot (the codes' first three axes), on axes fixed to the whole run's
    extent, turning slowly."""
    labels = run.fixtures.view_labels
    axes = axes_projection(run.config.latent_dim)
    codes = [axes.to_view(s.payload.latent) for s in snapshots]
    extent = nice_extent(np.concatenate(codes))
    return [render_scatter(c, labels, azimuth=35 + 4 * i, extent=extent,
                           title=f"epoch {run.epoch_at(s.step):.2f}   step {s.step}")
            for i, (s, c) in enumerate(zip(snapshots, codes))]


def reconstruction_frames(run: Run, snapshots: list[Snapshot]) -> list[Image.Image]:
    """Originals (top row) above their reconstructions (bottom row), captioned with the step."""
    originals = run.fixtures.originals
    return captioned_grids([[originals, s.payload.reconstructions] for s in snapshots],
                           [f"epoch {run.epoch_at(s.step):.2f}  step {s.step}" for s in snapshots])


def epoch_pictures(run: Run, snapshot: Snapshot) -> dict[str, Image.Image]:
    """A snapshot's pictures for TensorBoard: the reconstructions and the latent scatter (its
    first three axes, on the snapshot's own extent)."""
    originals = run.fixtures.originals
    codes = axes_projection(run.config.latent_dim).to_view(snapshot.payload.latent)
    return {"reconstructions": image_grid([originals, snapshot.payload.reconstructions]),
            "latent": render_scatter(codes, run.fixtures.view_labels, extent=nice_extent(codes),
                                     title=f"epoch {run.epoch_at(snapshot.step):g}   "
                                           f"step {snapshot.step}")}


def projector_points(run: Run) -> tuple[dict, np.ndarray]:
    """The Projector's metadata (label, index) and pictures for the run's shown digits."""
    fixtures = run.fixtures
    labels = [fixtures.class_names[k] for k in fixtures.view_labels]
    return {"label": labels, "index": list(range(len(labels)))}, fixtures.view_images


TENSORBOARD_PICTURES = RunPictures(epoch_pictures, projector_points,
                                   lambda snapshot: snapshot.payload.latent)
