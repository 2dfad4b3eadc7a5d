"""Saving a run's weights as a model file, off the GUI thread, always one consistent step.

Outside training (or with the timeline rewound) the weights of the step on screen are written.
At the live end of a run that is training, the run is asked for the weights of its next step
boundary (:meth:`engine.runs.control.RunControl.request_weights`) and the save starts when they
arrive, so a model saved mid-run is never a mix of two steps and never minutes old.
"""

from __future__ import annotations

import functools
from typing import Callable

from PySide6 import QtCore

from engine.runs.run import Run
from gui.widgets.training_controls import TrainingControls
from gui.workers.background_task import BackgroundTasks


class WeightsSave(QtCore.QObject):
    """``write(config, weights, path)`` writes the file (it runs in a background thread)."""

    def __init__(self, tasks: BackgroundTasks, controls: TrainingControls,
                 write: Callable[[object, tuple, str], object]):
        super().__init__(tasks)
        self.tasks, self.controls, self._write = tasks, controls, write
        self._waiting: tuple[Run, str, int] | None = None   # (run, path, step asked for)

    def save(self, run: Run, step: int, live: bool, path: str) -> bool:
        """Save the weights at ``step`` (or, ``live`` while training, of the next step); False
        when the save waits for them."""
        if live and self.controls.is_running() and self.controls.run is run:
            self._waiting = (run, str(path), run.step)
            self.controls.worker.control.request_weights()
            return False
        snap = run.snapshots.with_weights_at(step)
        self._start(run, snap, path)
        return True

    def _start(self, run: Run, snap, path: str) -> None:
        self.tasks.start(functools.partial(self._write, run.config, snap.weights, path),
                         f"Saved {path} (weights of step {snap.step})")

    def run_changed(self, run: Run, update) -> None:
        """Call on each update of the run on screen: starts a save waiting for fresh weights."""
        if self._waiting is None or update is None or update.snapshot is None:
            return
        waiting_run, path, asked_at = self._waiting
        snap = update.snapshot
        if run is waiting_run and snap.weights is not None and snap.step >= asked_at:
            self._waiting = None
            self._start(run, snap, path)
