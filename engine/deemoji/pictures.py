"""Pictures of a de-emoji run for TensorBoard: the held-out triplets (with emoji, original, the
network's output) at each epoch's end; its PSNRs are the run's evaluations, logged as scalars."""

from __future__ import annotations

from PIL import Image

from engine.grids import image_grid
from engine.runs.run import Run
from engine.runs.snapshots import Snapshot
from engine.runs.tensorboard_log import RunPictures


def held_out_triplets(run: Run, snapshot: Snapshot) -> dict[str, Image.Image]:
    view = run.fixtures.view
    rows = [view.corrupted, view.clean, snapshot.payload.outputs / 255.0]
    return {"held_out": image_grid(rows, scale=1)}


TENSORBOARD_PICTURES = RunPictures(held_out_triplets)
