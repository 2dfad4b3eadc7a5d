"""A terminal run's folder that others follow while it trains.

The training side (:class:`LiveRunFolder`, a listener of the run) rewrites ``run.latentlab``
atomically at snapshots, at most every ``interval_s`` and once more at the end, so a reader never
sees half a file; the workspace's window state says whether the run still trains (``live``). It
also obeys a request to stop: a file named :data:`STOP_REQUEST` put into the folder (by the
window's "Ask followed runs to stop", or by hand: ``touch OUT/stop-request``).

The reading side (:func:`read_news`) opens the file and turns what is new since the last read
into the updates the run loop would have sent (rows, then each new snapshot), so a followed run
changes through ``Run.apply`` like any other and every view follows it. Local folders and
mounted remote ones alike: only the file is read.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.runs.control import RunControl
from engine.runs.run import Run
from engine.runs.update import RunState, RunUpdate
from engine.workspace import open_workspace, save_workspace

WORKSPACE_NAME = "run.latentlab"
STOP_REQUEST = "stop-request"


class LiveRunFolder:
    """Keeps ``folder``'s workspace current while ``run`` trains, and stops it on request."""

    def __init__(self, run: Run, folder: Path, control: RunControl, window: dict,
                 interval_s: float = 5.0):
        self.run, self.folder, self.control = run, Path(folder), control
        self.window, self.interval_s = window, interval_s
        self._written_at = 0.0
        self.error = ""
        (self.folder / STOP_REQUEST).unlink(missing_ok=True)   # an old request is not this run's

    def __call__(self, run: Run, update: RunUpdate) -> None:
        request = self.folder / STOP_REQUEST
        if request.exists() and not self.control.stop_requested:
            self.control.stop()
            request.unlink(missing_ok=True)
        due = time.monotonic() - self._written_at >= self.interval_s
        if update.snapshot is not None and due and run.state.active:
            self.write()

    def write(self) -> None:
        """The run as it is now; a failure is kept in ``error`` (the run goes on)."""
        window = {**self.window, "live": {"state": self.run.state.value, "step": self.run.step,
                                          "eta_s": self.run.eta_s, "written_at": time.time()}}
        try:
            save_workspace(self.folder / WORKSPACE_NAME, [self.run.frozen()], window)
            self._written_at = time.monotonic()
        except OSError as exc:
            self.error = f"could not keep {self.folder / WORKSPACE_NAME} current: " \
                         f"{exc.strerror or exc}"


class NotARunFolder(ValueError):
    """A folder that holds no run to follow; the message says what is there instead."""


@dataclass
class News:
    """What a read found: the run (the first time), or updates for the run already shown;
    ``state`` is what the file says (a live run says running)."""

    run: Run | None
    updates: list[RunUpdate]
    state: RunState
    written_at: float


def _file(folder: Path) -> Path:
    if not folder.is_dir():
        raise NotARunFolder(f"{folder}: not a folder")
    path = folder / WORKSPACE_NAME
    if not path.exists():
        known = ", ".join(sorted(p.name for p in folder.iterdir())[:8]) or "nothing"
        raise NotARunFolder(f"{folder} is not a run folder (no {WORKSPACE_NAME} yet; it holds "
                            f"{known}); a run started with 'main.py train --out {folder}' "
                            "writes one at its first snapshot")
    return path


def _seconds(value) -> float:
    """A time the file claims, as seconds: 0 for anything that is not a finite one."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return 0.0
    return seconds if np.isfinite(seconds) and seconds >= 0 else 0.0


def read_news(folder: str | Path, known: Run | None) -> News:
    """The run in ``folder`` (``known`` None), or its updates since ``known``'s last step."""
    folder = Path(folder)
    opened = open_workspace(_file(folder))
    if not opened.runs:
        raise NotARunFolder(f"{folder}: its {WORKSPACE_NAME} holds no run")
    loaded = opened.runs[0]
    live = opened.window.get("live", {}) if isinstance(opened.window, dict) else {}
    state = RunState(live.get("state", loaded.state.value))
    written_at = float(live.get("written_at", 0.0))
    eta_s = _seconds(live.get("eta_s", 0.0))
    if known is None:
        loaded.state, loaded.eta_s = state, eta_s if state.active else 0.0
        return News(loaded, [], state, written_at)
    table = loaded.metrics.table()
    rows = table[len(known.metrics):] if len(table) > len(known.metrics) else table[:0]
    snapshots = [s for s in loaded.snapshots.items() if s.step > known.step]
    updates, used = [], 0
    for snapshot in snapshots:
        upto = int(np.searchsorted(rows[:, 0] + 1, snapshot.step, side="right"))
        updates.append(RunUpdate(snapshot.step, rows[used:upto], snapshot,
                                 loaded.samples_per_wall_second, eta_s))
        used = upto
    last_step = int(rows[-1, 0]) + 1 if len(rows) else known.step
    if used < len(rows) or not state.active or not updates:
        updates.append(RunUpdate(max(last_step, known.step), rows[used:], None,
                                 loaded.samples_per_wall_second, eta_s if state.active else 0.0,
                                 state,
                                 loaded.message if not state.active else ""))
    return News(None, updates, state, written_at)
