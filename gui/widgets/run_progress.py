"""A training run's progress bar and status line, redrawn at most 5 times a second.

Updates arrive up to 10 times a second; repainting a progress bar and a label for each cost the
GUI thread (and, on a 2-core machine, the training beside it) more than the numbers are worth to
a reader. The latest state is drawn by a timer; a run's end is drawn at once. While a run
prepares, how many pictures its reading has done is looked at four times a second.
"""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from engine.runs.control import RunControl
from engine.runs.run import Run

REDRAW_MS = 200
LOADING_POLL_MS = 250   # how often a preparing run's reading is looked at


class RunProgress(QtWidgets.QWidget):
    """Shows epoch, step, last loss, speed (wall-clock) and ETA of a :class:`Run`.

    ``unit`` names what the speed counts ("samples", "pictures"); ``loss_digits`` the decimals of
    the loss shown."""

    def __init__(self, unit: str, loss_digits: int = 2, parent=None):
        super().__init__(parent)
        self._unit = unit
        self._loss_digits = loss_digits
        self._run: Run | None = None
        self._note = ""
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
        self._redraw.timeout.connect(self.draw)
        self._loading: RunControl | None = None   # a run preparing: how far its reading got
        self._loading_timer = QtCore.QTimer(self)
        self._loading_timer.setInterval(LOADING_POLL_MS)
        self._loading_timer.timeout.connect(self._show_loading)

    def say(self, text: str) -> None:
        """Show a line of text (what a run does while it loads) until the run's figures come."""
        self._note = text
        self.label.setText(text)

    def watch_loading(self, control: RunControl, text: str) -> None:
        """Say ``text`` while the run prepares, with how many pictures of its data are read
        when its reading reports it (a folder of pictures), until the run's figures come."""
        self.say(text)
        self._loading = control
        self._loading_timer.start()

    @QtCore.Slot()
    def _show_loading(self) -> None:
        run, control = self._run, self._loading
        if control is None or run is None or run.setup is not None or not run.state.active:
            self._loading_timer.stop()
            self._loading = None
            return
        if control.loading is not None:
            done, total = control.loading
            self.bar.setRange(0, max(total, 1))
            self.bar.setValue(done)
            self.label.setText(f"{self._note}\nreading pictures: {done:,} of {total:,}")

    def reset(self) -> None:
        """No run: the bar empty and an invitation to start."""
        self._redraw.stop()
        self._run = None
        self.say("Press Start to train.")
        self.bar.setValue(0)

    def follow(self, run: Run) -> None:
        """Show this run's figures from now on (drawn at once)."""
        self._run, self._note = run, ""
        self.draw()

    def changed(self) -> None:
        """The run moved on: redraw soon, or now if it ended."""
        if self._run is None:
            return
        if not self._run.state.active:
            self._redraw.stop()
            self.draw()
        elif not self._redraw.isActive():
            self._redraw.start()

    @QtCore.Slot()
    def draw(self) -> None:
        run = self._run
        if run is None:
            return
        if run.setup is None:
            self.label.setText((self._note or f"{run.state.value}…") if run.state.active else
                               f"{run.state.value}: {run.message}")
            return
        self.bar.setRange(0, max(run.total_steps, 1))
        self.bar.setValue(run.step)
        loss = run.final_loss()
        loss_text = f" · loss {loss:.{self._loss_digits}f}" if run.step else ""
        if run.steps_per_epoch:
            epochs = run.total_steps // run.steps_per_epoch
            where = f"epoch {min(int(run.epoch_at(run.step)) + 1, epochs)}/{epochs} · "
        else:
            where = ""
        text = (f"{where}step {run.step}/{run.total_steps}{loss_text}\n"
                f"{run.samples_per_wall_second:,.0f} {self._unit}/s · ETA {run.eta_s:.0f} s")
        if not run.state.active or run.state.value == "paused":
            text += f"\n{run.state.value}."
        if run.message:
            text += f"\n{run.message}"
        self.label.setText(text)
