"""Start, Pause/Resume and Stop for one tab's training run: the buttons, the state they show,
the settings locked while a run goes, and the worker thread's life. A tab supplies the trainer
and handles the updates; everything about running and stopping lives here once."""

from __future__ import annotations

from typing import Callable

from PySide6 import QtCore, QtWidgets

from engine.runs.control import MAX_LEARNING_RATE
from gui.workers.training_worker import TrainingWorker

RUNNING = ("running", "paused")


class TrainingControls(QtCore.QObject):
    """States: idle, running, paused, finished, stopped, failed."""

    sig_state_changed = QtCore.Signal(str)

    def __init__(self, parent: QtWidgets.QWidget, what: str):
        super().__init__(parent)
        self.worker: TrainingWorker | None = None
        self.state = "idle"
        self._locked: list[QtWidgets.QWidget] = []
        self.start_button = QtWidgets.QPushButton("Start")
        self.start_button.setToolTip(f"Train a new {what} with these settings.")
        self.pause_button = QtWidgets.QPushButton("Pause")
        self.pause_button.setToolTip("Pause or resume training (Space).")
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button = QtWidgets.QPushButton("Stop")
        self.stop_button.setToolTip(f"End training; the {what} stays to explore.")
        self.stop_button.clicked.connect(self.stop)
        self.lr_box = QtWidgets.QDoubleSpinBox()
        self.lr_box.setDecimals(6)
        self.lr_box.setRange(1e-6, MAX_LEARNING_RATE)
        self.lr_box.setStepType(QtWidgets.QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
        self.lr_box.setValue(1e-3)
        self.lr_box.setToolTip("Adam's step size; a change applies at once, even while training. "
                               "Too large and the loss blows up: training then stops and keeps "
                               "the last good weights.")
        self.lr_box.valueChanged.connect(self.set_learning_rate)
        self.set_state("idle")

    def lock_while_running(self, *widgets: QtWidgets.QWidget) -> None:
        """Settings that cannot change in the middle of a run."""
        self._locked.extend(widgets)

    def is_running(self) -> bool:
        return self.worker is not None and self.worker.isRunning()

    def launch(self, make_trainer: Callable[[], object], on_ready, on_update, on_failed) -> None:
        """Run ``make_trainer()`` and then its training in a worker thread; the callbacks must be
        slots of objects in the GUI thread (DEVELOPERS.md pitfall 4)."""
        worker = TrainingWorker(make_trainer, self.parent())
        worker.sig_ready.connect(on_ready)
        worker.sig_update.connect(on_update)
        worker.sig_update.connect(self._on_update)
        worker.sig_failed.connect(on_failed)
        worker.sig_failed.connect(self._on_failed)
        worker.finished.connect(self._on_finished)
        self.worker = worker
        self.set_state("running")
        worker.start()

    @QtCore.Slot()
    def toggle_pause(self) -> None:
        if not self.is_running():
            return
        if self.state == "paused":
            self.worker.control.resume()
            self.set_state("running")
        else:
            self.worker.control.pause()
            self.set_state("paused")

    @QtCore.Slot()
    def stop(self) -> None:
        if self.worker is not None:
            self.worker.control.stop()

    def stop_and_wait(self) -> None:
        """Stop the run and wait for its thread (closing, resetting)."""
        if self.worker is not None:
            if self.worker.stop_and_wait():
                self.worker.deleteLater()  # else it would live on as the tab's child
            self.worker = None

    @QtCore.Slot(float)
    def set_learning_rate(self, value: float) -> None:
        if self.is_running():
            self.worker.control.set_learning_rate(value)

    def set_state(self, state: str) -> None:
        self.state = state
        running = state in RUNNING
        self.start_button.setEnabled(not running)
        self.pause_button.setEnabled(running)
        self.pause_button.setText("Resume" if state == "paused" else "Pause")
        self.stop_button.setEnabled(running)
        for widget in self._locked:
            widget.setEnabled(not running)
        self.sig_state_changed.emit(state)

    @QtCore.Slot(object)
    def _on_update(self, update) -> None:
        if update.done:
            self.set_state(update.state)

    @QtCore.Slot(str)
    def _on_failed(self, _message: str) -> None:
        self.set_state("failed")

    @QtCore.Slot()
    def _on_finished(self) -> None:
        if self.state in RUNNING:
            self.set_state("stopped")


class TrainingTabMixin:
    """For a tab whose ``controls`` is a :class:`TrainingControls`: its state and worker, and the
    pause and stop the window's shortcuts call."""

    controls: TrainingControls

    @property
    def state(self) -> str:
        return self.controls.state

    @property
    def worker(self) -> TrainingWorker | None:
        return self.controls.worker

    def toggle_pause(self) -> None:
        self.controls.toggle_pause()

    def stop(self) -> None:
        self.controls.stop()
