"""Curves as the plots draw them: one number of a run (or of a TensorBoard log) against step,
epoch or wall-clock time; TensorBoard's smoothing; runs that differ only by their random seed
drawn as one mean with a band; and every curve shown as one CSV table.
"""

from __future__ import annotations

import csv
import dataclasses
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import numpy as np

from engine.files.atomic import write_atomically
from engine.files.tensorboard_events import ScalarCurve
from engine.runs.run import Run


class XAxis(str, Enum):
    """What a curve is drawn against."""

    STEP = "step"
    EPOCH = "epoch"
    WALL = "wall-clock seconds"


@dataclass(frozen=True)
class Curve:
    """One number over a run: ``steps`` done, the ``epochs`` they make (None: a run without
    epochs), seconds since training began, and the values."""

    source: str          # the run's name, or a TensorBoard run's folder
    tag: str             # the number: "loss", "kl", or a TensorBoard tag
    steps: np.ndarray
    epochs: np.ndarray | None
    wall_s: np.ndarray
    values: np.ndarray

    def x(self, axis: XAxis) -> np.ndarray:
        if axis is XAxis.WALL:
            return self.wall_s
        if axis is XAxis.EPOCH and self.epochs is not None:
            return self.epochs
        return self.steps.astype(np.float64)


def run_curve(run: Run, tag: str, evaluations: bool = False) -> Curve:
    """A run's column (of its metrics, or of the numbers measured at snapshots) as a curve; a
    run continued from another is drawn from the step it began at."""
    log = run.evaluations if evaluations else run.metrics
    if log is None or tag not in log:
        empty = np.zeros(0)
        return Curve(run.name, tag, empty.astype(np.int64), empty, empty, empty)
    if evaluations:
        steps = log.column("step").astype(np.int64)
        done, wall = run.column("step") + 1, run.column("wall_s")
        at = np.clip(np.searchsorted(done, steps), 0, max(len(done) - 1, 0))
        wall_s = wall[at] if len(wall) else np.zeros(len(steps))
    else:
        steps = log.column("step").astype(np.int64) + 1     # steps done after the row's step
        wall_s = log.column("wall_s")
    steps = steps + run.fork_step        # a continued run goes on from its parent's step
    epochs = run.epoch_at(steps) if run.steps_per_epoch else None
    return Curve(run.name, tag, steps, epochs, np.asarray(wall_s, np.float64),
                 np.asarray(log.column(tag), np.float64))


def fork_steps(runs: list[Run]) -> dict[str, int]:
    """For each run that another of ``runs`` was continued from, the earliest step continued
    from (the parent's name to the step)."""
    names = {run.name for run in runs}
    forks: dict[str, int] = {}
    for run in runs:
        if run.parent in names:
            forks[run.parent] = min(run.fork_step, forks.get(run.parent, run.fork_step))
    return forks


def logged_curve(scalars: ScalarCurve, source: str) -> Curve:
    """A curve read from a TensorBoard log (no epochs there; seconds from its first point)."""
    wall = scalars.wall_times - scalars.wall_times[0] if len(scalars.wall_times) else \
        scalars.wall_times
    return Curve(source, scalars.tag, scalars.steps, None, wall, scalars.values)


def smoothed(values: np.ndarray, weight: float) -> np.ndarray:
    """TensorBoard's smoothing: an exponential moving average, debiased so the start is not
    pulled towards zero; non-finite points pass through and do not enter the average."""
    if weight <= 0 or not len(values):
        return np.asarray(values, np.float64)
    out = np.empty(len(values))
    last, count = 0.0, 0
    for i, v in enumerate(np.asarray(values, np.float64)):
        if not np.isfinite(v):
            out[i] = v
            continue
        last = last * weight + (1 - weight) * v
        count += 1
        out[i] = last / (1 - weight ** count)
    return out


def _settings_but_seed(run: Run):
    config = run.config
    if dataclasses.is_dataclass(config) and hasattr(config, "seed"):
        return run.experiment, dataclasses.replace(config, seed=0)
    return run.experiment, id(run)


def seed_groups(runs: list[Run]) -> list[list[Run]]:
    """The runs grouped by their settings with the random seed left out, in first-seen order;
    a run alone is a group of one."""
    groups: dict[object, list[Run]] = {}
    for run in runs:
        groups.setdefault(_settings_but_seed(run), []).append(run)
    return list(groups.values())


@dataclass(frozen=True)
class Band:
    """The mean of several curves over the points they all reached, with their min and max and
    ±1 standard deviation."""

    x: np.ndarray
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray
    sd: np.ndarray


def band(curves: list[Curve], axis: XAxis, weight: float = 0.0) -> Band:
    """Mean and spread of curves of the same number, point by point, over their common length
    (x of the first); each curve smoothed by ``weight`` first."""
    n = min(len(c.values) for c in curves)
    stack = np.stack([smoothed(c.values[:n], weight) for c in curves])
    return Band(curves[0].x(axis)[:n], stack.mean(axis=0), stack.min(axis=0), stack.max(axis=0),
                stack.std(axis=0))


CSV_COLUMNS = ("run", "tag", "step", "epoch", "wall_s", "value")


def write_curves_csv(curves: list[Curve], path: str | Path) -> Path:
    """Every point of every curve as one table, a row per point (long format: runs of different
    lengths and tags fit one file); epochs are empty for runs without them."""

    def write(tmp: str) -> None:
        with open(tmp, "w", newline="", encoding="utf-8") as handle:
            table = csv.writer(handle)
            table.writerow(CSV_COLUMNS)
            for c in curves:
                epochs = c.epochs if c.epochs is not None else [""] * len(c.steps)
                for step, epoch, wall, value in zip(c.steps, epochs, c.wall_s, c.values):
                    table.writerow([c.source, c.tag, int(step),
                                    f"{epoch:.6g}" if epoch != "" else "", f"{wall:.6f}",
                                    repr(float(value))])

    return write_atomically(path, write)
