"""A run's TensorBoard log: every logged number, pictures and codes per epoch, its settings.

:class:`TensorBoardLog` writes whatever a :class:`~engine.runs.run.Run` holds that it has not
written yet, so one path serves a live run (``follow``: it catches up at each update) and a
finished one (``write_run``: it catches up once). Steps are steps done, as in the snapshots: the
loss of history.json's row ``step = k`` is TensorBoard's step ``k + 1``. Wall times are the
run's own (the start of training plus the row's ``wall_s``), so time paused is left out, as it
is in the app's curves. Pictures and Projector codes come from the experiment
(:class:`RunPictures`), once per epoch.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from engine.configs import config_to_dict
from engine.files.projector import ProjectorBundle
from engine.files.tensorboard_events import EventWriter
from engine.runs.run import Run
from engine.runs.snapshots import Snapshot
from engine.runs.update import BASE_COLUMNS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunPictures:
    """What an experiment shows TensorBoard: pictures of a snapshot by tag, and (optionally) the
    Projector's points: metadata columns and pictures, then each snapshot's codes."""

    pictures: Callable[[Run, Snapshot], dict]
    points: Callable[[Run], tuple[dict, np.ndarray | None]] | None = None
    codes: Callable[[Snapshot], np.ndarray] | None = None


def plain_settings(config) -> dict:
    """A config as HParams values (numbers, strings, booleans; anything else as text)."""
    values = {}
    for name, value in config_to_dict(config).items():
        if value is None:
            continue
        values[name] = value if isinstance(value, (bool, int, float, str)) else str(value)
    return values


class TensorBoardLog:
    """The TensorBoard log of one run in ``logdir``; ``error`` holds why writing stopped."""

    def __init__(self, run: Run, logdir: str | Path, pictures: RunPictures | None = None):
        self.run = run
        self.logdir = Path(logdir)
        self.pictures = pictures
        self.error = ""
        self._writer: EventWriter | None = None
        self._projector: ProjectorBundle | None = None
        self._rows = self._evaluations = 0
        self._pictured = -1
        self._following = False

    # -- when -------------------------------------------------------------------------------------
    def follow(self) -> "TensorBoardLog":
        """Write as the run goes (at each of its updates) until :meth:`close`."""
        self._following = True
        self.run.subscribe(self._on_update)
        self.catch_up()
        return self

    def _on_update(self, run: Run, update) -> None:
        self.catch_up()
        if not run.state.active:
            self.close()

    def close(self) -> None:
        if self._following:
            self.run.unsubscribe(self._on_update)
            self._following = False
        if self._writer is not None:
            self._writer.close()

    # -- what ------------------------------------------------------------------------------------
    def catch_up(self) -> None:
        """Write what the run has and this log has not; a failure to write (a full disk, a
        folder gone) is kept in ``error`` and ends the log, never the run."""
        run = self.run
        if self.error or run.setup is None or run.metrics is None:
            return
        try:
            if self._writer is None:
                self._open()
            self._write_rows()
            self._write_snapshots()
            self._writer.flush()
        except (OSError, ValueError) as exc:
            self.error = f"TensorBoard log in {self.logdir}: {getattr(exc, 'strerror', None) or exc}"
            log.warning("%s; no more is written", self.error)
            self.close()

    def _start_time(self) -> float:
        """The Unix time training began; for a run from an old file, its last point is now."""
        setup, wall = self.run.setup, self.run.column("wall_s")
        return setup.started_at or time.time() - (wall[-1] if len(wall) else 0.0)

    def _open(self) -> None:
        start = self._start_time()
        self._writer = EventWriter(self.logdir, wall_time=start)
        self._writer.hparams(plain_settings(self.run.config), self.run.name, start)
        if self.pictures is not None and self.pictures.points is not None:
            columns, images = self.pictures.points(self.run)
            self._projector = ProjectorBundle(self.logdir)
            self._projector.start(columns, images)

    def _wall_at(self, steps_done: np.ndarray) -> np.ndarray:
        """The wall time at which each number of steps was reached."""
        done = self.run.column("step") + 1
        wall = self.run.column("wall_s")
        if not len(done):
            return np.full(len(steps_done), self._start_time())
        at = np.clip(np.searchsorted(done, steps_done), 0, len(done) - 1)
        return self._start_time() + wall[at]

    def _write_rows(self) -> None:
        table = self.run.metrics.table()[self._rows:]
        if len(table):
            names = self.run.metrics.names
            steps = table[:, names.index("step")].astype(np.int64) + 1
            wall = self._start_time() + table[:, names.index("wall_s")]
            for k, name in enumerate(names):
                if name not in BASE_COLUMNS:
                    self._writer.scalars(name, steps, table[:, k], wall)
            self._rows += len(table)
        evaluations = self.run.evaluations
        if evaluations is not None and len(evaluations) > self._evaluations:
            table = evaluations.table()[self._evaluations:]
            steps = table[:, 0].astype(np.int64)
            for k, name in enumerate(evaluations.names[1:], start=1):
                self._writer.scalars(f"held_out/{name}", steps, table[:, k],
                                     self._wall_at(steps))
            self._evaluations += len(table)

    def _epoch_end(self, snapshot: Snapshot) -> bool:
        spe = self.run.steps_per_epoch
        finished = snapshot.step == self.run.step and not self.run.state.active
        return snapshot.pinned and snapshot.step > 0 and (
            finished or not spe or snapshot.step % spe == 0)

    def _write_snapshots(self) -> None:
        if self.pictures is None:
            return
        for snapshot in self.run.snapshots.items():
            if snapshot.step <= self._pictured or not self._epoch_end(snapshot):
                continue
            wall = float(self._wall_at(np.array([snapshot.step]))[0])
            for tag, picture in self.pictures.pictures(self.run, snapshot).items():
                self._writer.image(tag, picture, snapshot.step, wall)
            if self._projector is not None and self.pictures.codes is not None:
                epoch = self.run.epoch_at(snapshot.step)
                self._projector.add(f"latent at epoch {epoch:g} (step {snapshot.step})",
                                    self.pictures.codes(snapshot), f"step_{snapshot.step:08d}")
            self._pictured = snapshot.step


def log_folder(root: str | Path, run: Run, when: float | None = None) -> Path:
    """A new folder under ``root`` for one run's log, named by its start and its name (TensorBoard
    names runs by folder), never one already there."""
    started = when or (run.setup.started_at if run.setup and run.setup.started_at else time.time())
    slug = re.sub(r"[^A-Za-z0-9]+", "-", run.name).strip("-").lower()[:60] or "run"
    base = Path(root) / f"{time.strftime('%Y%m%d-%H%M%S', time.localtime(started))}-{slug}"
    folder, k = base, 1
    while folder.exists():
        k += 1
        folder = base.with_name(f"{base.name}-{k}")
    return folder


def write_run(run: Run, logdir: str | Path, pictures: RunPictures | None = None) -> Path:
    """The whole of a (finished) run as a TensorBoard log in ``logdir``; OSError or ValueError
    when it could not be written."""
    tb = TensorBoardLog(run, logdir, pictures)
    tb.catch_up()
    tb.close()
    if tb.error:
        raise OSError(tb.error)
    return Path(logdir)
