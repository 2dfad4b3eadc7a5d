"""A run's timeline: a slider over its steps (not over snapshots, so thinning old snapshots never
moves it), live at the right end."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from engine.runs.run import Run


class Timeline(QtWidgets.QWidget):
    """Emits the chosen step, and whether it is the live end."""

    sig_step_chosen = QtCore.Signal(int, bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.slider = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setToolTip("Replay the run: drag back to see the latent space and "
                               "reconstructions at any recorded step, and decode with the weights "
                               "of that moment; at the right end it is live.")
        self.slider.valueChanged.connect(self._on_moved)
        self.label = QtWidgets.QLabel("live")
        self.label.setMinimumWidth(150)
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QtWidgets.QLabel("Timeline"))
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        self._run: Run | None = None

    def is_live(self) -> bool:
        return self.slider.value() == self.slider.maximum()

    def follow(self, run: Run | None) -> bool:
        """Stretch to the run's steps so far; at the live end it stays there. True when live."""
        live = self.is_live() or run is not self._run
        self._run = run
        blocked = self.slider.blockSignals(True)
        self.slider.setMaximum(run.step if run is not None else 0)
        if live:
            self.slider.setValue(self.slider.maximum())
        self.slider.blockSignals(blocked)
        return live

    def set_step(self, step: int) -> None:
        """Move to ``step`` as a user would (the tab shows it)."""
        self.slider.setValue(step)

    def show_label(self, step: int, live: bool) -> None:
        run = self._run
        epoch = f" · epoch {run.epoch_at(step):.2f}" if run is not None and run.steps_per_epoch else ""
        self.label.setText(("live · " if live else "") + f"step {step}{epoch}")

    @QtCore.Slot(int)
    def _on_moved(self, step: int) -> None:
        self.sig_step_chosen.emit(step, self.is_live())
