"""What the run loop hands across to a Run record: its setup once, then updates.

Shared by every experiment: loss rows are never dropped, and an update's snapshot is whatever
picture of the model that trainer makes (latent codes and reconstructions, held-out outputs, a
fitted picture), with a copy of the weights when a decode or a save may need them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

from engine.runs.snapshots import Snapshot

BASE_COLUMNS = ("step", "wall_s")   # every run's metric log starts with these


class RunState(str, Enum):
    """Where a run is: preparing, training (or paused), or ended one of three ways."""

    LOADING = "loading"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"
    STOPPED = "stopped"
    FAILED = "failed"

    @property
    def active(self) -> bool:
        return self in (RunState.LOADING, RunState.RUNNING, RunState.PAUSED)


@dataclass(frozen=True)
class RunSetup:
    """What a run is, known once its trainer is built: its sizes, the names of the numbers each
    step returns (the loss first), and the fixed things it shows (``fixtures``: the digits of the
    latent view, held-out triplets, a target picture)."""

    metric_names: tuple[str, ...]
    total_steps: int
    steps_per_epoch: int | None      # None: a run without epochs (a fit counts steps)
    samples_per_step: int
    fixtures: object = None
    started_at: float = 0.0          # Unix time training began (0: not known, an old file)
    notice: str = ""                 # what the run tells its user as it starts (files skipped)

    @property
    def columns(self) -> tuple[str, ...]:
        return BASE_COLUMNS + self.metric_names


@dataclass(frozen=True)
class RunUpdate:
    """One ``yield`` of the run loop. ``rows`` holds every step since the last update, one row per
    step in the order of :attr:`RunSetup.columns`; the first update carries the setup."""

    step: int                               # steps done so far
    rows: np.ndarray
    snapshot: Snapshot | None
    samples_per_wall_second: float          # over the time since the last update (the whole
    eta_s: float                            # run's wall time for the last update)
    state: RunState = RunState.RUNNING
    message: str = ""
    setup: RunSetup | None = None

    @property
    def done(self) -> bool:
        return not self.state.active
