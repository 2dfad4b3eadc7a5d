"""A training run's progress bar and status line, redrawn at most 5 times a second.

Training updates arrive at ~25 Hz; repainting a progress bar and a label for each cost the GUI
thread (and, on a 2-core machine, the training beside it) more than the numbers are worth to a
reader. The latest update is kept and drawn by a timer; the last one of a run is drawn at once.
"""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from engine.runs.update import TrainingUpdate

REDRAW_MS = 200


class RunProgress(QtWidgets.QWidget):
    """Shows epoch, step, last loss, speed and ETA of the latest :class:`TrainingUpdate`.

    ``unit`` names what the speed counts ("samples", "pictures"); ``loss_digits`` the decimals of
    the loss shown."""

    def __init__(self, unit: str, loss_digits: int = 2, parent=None):
        super().__init__(parent)
        self._unit = unit
        self._loss_digits = loss_digits
        self._latest: TrainingUpdate | None = None
        self._last_loss: float | None = None
        self._epochs = 0
        self.bar = QtWidgets.QProgressBar()
        self.bar.setTextVisible(True)
        self.label = QtWidgets.QLabel("Press Start to train.")
        self.label.setWordWrap(True)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.label)
        self._redraw = QtCore.QTimer(self)
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(REDRAW_MS)
        self._redraw.timeout.connect(self._draw)

    def begin(self, total_steps: int, epochs: int) -> None:
        """A new run's trainer is ready."""
        self._latest = self._last_loss = None
        self._epochs = epochs
        self.bar.setRange(0, total_steps)
        self.bar.setValue(0)

    def say(self, text: str) -> None:
        """Show a line of text (loading, resetting) in place of the run's figures."""
        self._redraw.stop()
        self._latest = None
        self.label.setText(text)

    def reset(self) -> None:
        self.say("Press Start to train.")
        self.bar.setValue(0)

    def show_update(self, update: TrainingUpdate) -> None:
        self._latest = update
        if update.loss_points:
            self._last_loss = update.loss_points[-1].total
        if update.done:
            self._redraw.stop()
            self._draw()
        elif not self._redraw.isActive():
            self._redraw.start()

    @QtCore.Slot()
    def _draw(self) -> None:
        update = self._latest
        if update is None:
            return
        self.bar.setValue(update.step)
        epochs = self._epochs
        loss = (f" · loss {self._last_loss:.{self._loss_digits}f}"
                if self._last_loss is not None else "")
        text = (f"epoch {min(int(update.epoch) + 1, epochs)}/{epochs} · step {update.step}/"
                f"{update.total_steps}{loss}\n{update.samples_per_second:,.0f} {self._unit}/s · "
                f"ETA {update.eta_s:.0f} s")
        if update.done:
            text += f"\n{update.state}."
        self.label.setText(text)
