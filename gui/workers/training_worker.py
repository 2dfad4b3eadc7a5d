"""Runs an engine training generator in a QThread and forwards its updates to the GUI thread.

The engine already yields at most every ``update_interval_s`` (latest frame, every loss point),
so the worker only carries updates across. Its signals are received by ``@Slot`` methods of
objects living in the GUI thread (queued connections), never by lambdas, which would run in the
worker thread (DEVELOPERS.md pitfall 4).
"""

from __future__ import annotations

import logging
from typing import Callable

from PySide6 import QtCore

from engine.runs.control import RunControl

STOP_WAIT_MS = 10_000


class TrainingWorker(QtCore.QThread):
    """One run. ``make_trainer()`` builds the trainer inside the thread (data loading and model
    building touch TensorFlow); anything with ``run(control, **run_options)`` yielding updates."""

    sig_ready = QtCore.Signal(object)      # the trainer, once built
    sig_update = QtCore.Signal(object)     # engine TrainingUpdate
    sig_failed = QtCore.Signal(str)        # a message a user can read

    def __init__(self, make_trainer: Callable[[], object], parent=None, **run_options):
        super().__init__(parent)
        self.control = RunControl()
        self._make_trainer = make_trainer
        self._run_options = run_options

    def run(self) -> None:  # runs in the worker thread
        try:
            trainer = self._make_trainer()
            self.sig_ready.emit(trainer)
            for update in trainer.run(self.control, **self._run_options):
                self.sig_update.emit(update)
        except Exception as exc:  # everything reaches the user as a message
            logging.getLogger("latent_lab").exception("training failed")
            self.sig_failed.emit(f"{type(exc).__name__}: {exc}")

    def stop_and_wait(self, timeout_ms: int = STOP_WAIT_MS) -> bool:
        """Ask the run to stop at its next step and wait for the thread; True when it ended."""
        self.control.stop()
        return self.wait(timeout_ms)
