"""Start, Pause/Resume and Stop for one tab's training: the buttons, the state they show, the
settings locked while a run goes, and the worker threads' lives. A tab supplies the run record
and how to build its trainer; everything about running and stopping lives here once.

Starting a run while another goes, or resetting, never waits: the old worker is asked to stop
and kept (its last updates still land in its own run record) until its thread ends.
"""

from __future__ import annotations

import functools
from typing import Callable

from PySide6 import QtCore, QtWidgets

from engine.experiments import EXPERIMENTS
from engine.runs.control import MAX_LEARNING_RATE
from engine.runs.run import Run
from engine.runs.update import RunState
from gui.workers.training_worker import TrainingWorker


class TrainingControls(QtCore.QObject):
    """States (:attr:`state`): idle, loading, running, paused, finished, stopped, failed."""

    sig_state_changed = QtCore.Signal(str)

    def __init__(self, parent: QtWidgets.QWidget, what: str):
        super().__init__(parent)
        self.worker: TrainingWorker | None = None
        self.run: Run | None = None
        self._retiring: set[TrainingWorker] = set()
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
        self._show_state()

    def lock_while_running(self, *widgets: QtWidgets.QWidget) -> None:
        """Settings that cannot change in the middle of a run."""
        self._locked.extend(widgets)

    @property
    def state(self) -> str:
        return "idle" if self.run is None else self.run.state.value

    def is_running(self) -> bool:
        """Whether the current run still trains (a thread whose run has finished, and which is
        only letting go of its trainer, does not count: a new run may start beside it)."""
        return self.worker is not None and self.worker.isRunning() and \
            self.run is not None and self.run.state.active

    def threads(self) -> list[QtCore.QThread]:
        """Every training thread of this tab that may still run."""
        return [w for w in (self.worker, *self._retiring) if w is not None]

    def launch(self, run: Run, make_trainer: Callable | None = None,
               **loop_options) -> TrainingWorker:
        """Train ``run`` in a new worker thread; a run still going is asked to stop first.
        ``make_trainer(control)`` builds its trainer there; by default its experiment's
        (:data:`engine.experiments.EXPERIMENTS`) from the run's config."""
        self.retire()
        if make_trainer is None:
            make_trainer = functools.partial(EXPERIMENTS[run.experiment].trainer_for_run,
                                             run.config)
        worker = TrainingWorker(run, make_trainer, self.parent(), **loop_options)
        worker.finished.connect(self._on_finished)
        self.worker, self.run = worker, run
        run.subscribe(self._on_run_changed)
        worker.start()
        self._show_state()
        return worker

    def retire(self) -> None:
        """Stop the current run (if any) without waiting, and forget it as the current one."""
        if self.worker is not None:
            self.worker.control.stop()
            if self.worker.isRunning():
                self._retiring.add(self.worker)
            else:
                self.worker.deleteLater()
        if self.run is not None:
            self.run.unsubscribe(self._on_run_changed)
        self.worker = None
        self.run = None
        self._show_state()

    def request_stop(self) -> None:
        """Ask every thread to stop (closing): non-blocking."""
        for worker in self.threads():
            worker.control.stop()

    @QtCore.Slot()
    def toggle_pause(self) -> None:
        if not self.is_running() or self.run is None:
            return
        control = self.worker.control
        if control.paused:   # the run's state follows when the loop reports it (next step)
            control.resume()
        else:
            control.pause()
        self._show_state()

    @QtCore.Slot()
    def stop(self) -> None:
        if self.worker is not None:
            self.worker.control.stop()

    @QtCore.Slot(float)
    def set_learning_rate(self, value: float) -> None:
        if self.is_running():
            self.worker.control.set_learning_rate(value)

    def _show_state(self) -> None:
        state = self.state
        running = self.is_running() and state in ("loading", "running", "paused")
        self.start_button.setEnabled(not running)
        self.pause_button.setEnabled(running and state != "loading")
        asked_to_pause = self.worker is not None and self.worker.control.paused
        self.pause_button.setText("Resume" if running and asked_to_pause else "Pause")
        self.stop_button.setEnabled(running)
        for widget in self._locked:
            widget.setEnabled(not running)
        self.sig_state_changed.emit(state)

    def _on_run_changed(self, run: Run, _update) -> None:
        if run is self.run:
            self._show_state()

    @QtCore.Slot()
    def _on_finished(self) -> None:
        worker = self.sender()
        if worker in self._retiring:
            self._retiring.discard(worker)
            worker.deleteLater()
            return
        if worker is not self.worker:  # retired after it ended: its signal came late
            return
        if self.run is not None and self.run.state.active:  # ended without a final update
            self.run.mark(RunState.STOPPED, "stopped")
        self._show_state()


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
