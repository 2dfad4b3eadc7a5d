"""The one training loop, shared by the autoencoder/VAE, the de-emoji network and the CPPN fit.

A trainer supplies its steps and its snapshot (:class:`StepTrainer`); the loop owns the rest:
pause (reported by the loop's own updates, so a run's state never lags or contradicts them),
stop and learning-rate changes between steps, divergence (a non-finite loss restores the
last good weights and ends the run), how many steps go into one compiled call, when a snapshot
is due (pinned ones at even steps in each epoch, live ones within a share of the wall time),
update timing, speed and ETA in wall-clock time, and a time budget.

``run_loop`` is a generator of :class:`RunUpdate`: the GUI's worker thread forwards each one to the
GUI thread, the terminal applies them to a :class:`engine.runs.run.Run` directly.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Iterator, Protocol, Sequence

import numpy as np

from engine.runs.control import RunControl
from engine.runs.good_weights import GoodWeights, diverged_message
from engine.runs.snapshots import Snapshot
from engine.runs.update import RunSetup, RunState, RunUpdate

FRAME_BUDGET = 0.05       # the share of wall time live snapshots may take
# 10 updates a second: live snapshots come ~5 times a second anyway (FRAME_BUDGET), and every
# update wakes the GUI thread, which on 2 cores stalls the training beside it
UPDATE_INTERVAL_S = 0.1
MAX_STEPS_PER_CALL = 16   # steps a trainer may take in one call (one compiled call for the AE)


class StepTrainer(Protocol):
    """What the loop needs of a trainer."""

    def setup(self) -> RunSetup: ...

    def train(self, max_steps: int, progress: float) -> np.ndarray:
        """Take 1 to ``max_steps`` steps (``progress``: the run's share done, 0..1, for schedules)
        and return one row of :attr:`RunSetup.metric_names` per step, loss first, each measured
        before that step's update."""

    def snapshot(self) -> object: ...

    def get_weights(self) -> Sequence[np.ndarray]: ...

    def set_weights(self, weights: Sequence[np.ndarray]) -> None: ...

    def set_learning_rate(self, value: float) -> None: ...


def pinned_steps(setup: RunSetup, pins_per_epoch: int) -> set[int]:
    """Steps at which a pinned snapshot is taken: ``pins_per_epoch`` evenly spaced in each epoch,
    the last at the epoch's end (none for runs without epochs)."""
    spe = setup.steps_per_epoch
    if not spe or pins_per_epoch < 1:
        return set()
    epochs = -(-setup.total_steps // spe)
    return {e * spe + round(spe * k / pins_per_epoch)
            for e in range(epochs) for k in range(1, pins_per_epoch + 1)}


def run_loop(trainer: StepTrainer, control: RunControl | None = None, *,
             update_interval_s: float = UPDATE_INTERVAL_S, live_snapshots: bool = True,
             pins_per_epoch: int = 1, time_budget_s: float | None = None) -> Iterator[RunUpdate]:
    """Train until the trainer's steps are done, a stop, a time budget or a non-finite loss."""
    control = control or RunControl()
    setup = dataclasses.replace(trainer.setup(), started_at=time.time())
    total, per_sample = setup.total_steps, setup.samples_per_step
    pins = pinned_steps(setup, pins_per_epoch)
    start = time.perf_counter()

    def elapsed() -> float:
        return time.perf_counter() - start

    def snap(step: int, pinned: bool) -> Snapshot:
        return Snapshot(step, trainer.snapshot(), pinned, tuple(trainer.get_weights()))

    def eta(step: int) -> float:
        return (total - step) * elapsed() / step if step else 0.0

    no_rows = np.zeros((0, len(setup.columns)))
    yield RunUpdate(0, no_rows, snap(0, True), 0.0, 0.0, message=setup.notice, setup=setup)
    step, chunk, frame_cost = 0, 1, 0.0
    pending: list[np.ndarray] = []
    last_emit = last_frame = time.perf_counter()
    emitted_step = 0
    state, message = RunState.FINISHED, ""
    good = GoodWeights(trainer.get_weights, trainer.set_weights)
    while step < total:
        if control.paused:   # the loop reports the pause itself: the run's state is the loop's
            yield RunUpdate(step, np.concatenate([no_rows, *pending]), None, 0.0, eta(step),
                            RunState.PAUSED)
            pending, emitted_step = [], step
            paused_at = time.perf_counter()
            control.wait_until_resumed()
            start += time.perf_counter() - paused_at   # time paused is no training time
            last_emit = time.perf_counter()
            yield RunUpdate(step, no_rows, None, 0.0, eta(step))
        stop, learning_rate = control.stop_requested, control.take_learning_rate()
        if stop:
            state, message = RunState.STOPPED, f"stopped at step {step}"
            break
        if time_budget_s is not None and elapsed() >= time_budget_s:
            state, message = RunState.STOPPED, f"time budget of {time_budget_s:g} s used"
            break
        if learning_rate is not None:
            trainer.set_learning_rate(learning_rate)
        progress = step / total
        if time_budget_s:
            progress = max(progress, elapsed() / time_budget_s)
        limit = min(chunk, total - step, min((p for p in pins if p > step), default=total) - step)
        t0 = time.perf_counter()
        values = np.asarray(trainer.train(limit, progress), np.float64).reshape(
            -1, len(setup.metric_names))
        spent = time.perf_counter() - t0
        count = len(values)
        chunk = int(np.clip(update_interval_s / (spent / count), 1, MAX_STEPS_PER_CALL))
        done_at = t0 - start + spent * np.arange(1, count + 1) / count
        rows = np.column_stack([np.arange(step, step + count), done_at, values])
        bad = np.flatnonzero(~np.isfinite(values).all(axis=1))
        if len(bad):
            first = int(bad[0])
            pending.append(rows[:first + 1])
            step += first + 1
            state = RunState.FAILED
            message = diverged_message(values[first, 0], step - 1, good.restore())
            break
        pending.append(rows)
        step += count
        good.keep(step)
        now = time.perf_counter()
        pinned = step in pins
        weights_wanted = control.take_weights_request()
        frame_due = live_snapshots and now - last_frame >= max(update_interval_s,
                                                               frame_cost / FRAME_BUDGET)
        if pinned or frame_due or weights_wanted or now - last_emit >= update_interval_s:
            snapshot = None
            if pinned or frame_due or weights_wanted:
                snapshot = snap(step, pinned)
                last_frame = time.perf_counter()
                frame_cost = last_frame - now
            rate = (step - emitted_step) * per_sample / max(now - last_emit, 1e-9)
            yield RunUpdate(step, np.concatenate(pending), snapshot, rate, eta(step))
            pending, emitted_step, last_emit = [], step, time.perf_counter()
    rows = np.concatenate([no_rows, *pending])
    overall = step * per_sample / max(elapsed(), 1e-9)
    yield RunUpdate(step, rows, snap(step, True), overall, 0.0, state, message)
