"""The row of controls under a loss plot: smoothing (TensorBoard's, with its slider), linear or
log y, x as step, epoch or wall-clock time, seed bands, and every shown curve as one CSV."""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtWidgets

from engine.runs.curves import XAxis, write_curves_csv
from gui.widgets.file_dialogs import ask_path, with_suffix
from gui.widgets.loss_plot import LossPlot

SMOOTHING_STEPS = 100      # the slider's ticks from 0 to 0.99


class CurveTools(QtWidgets.QWidget):
    """Controls for ``plot``; ``seed_bands`` adds the checkbox for plots of several runs."""

    sig_message = QtCore.Signal(str, bool)    # text, is it an error

    def __init__(self, plot: LossPlot, seed_bands: bool = False, parent=None):
        super().__init__(parent)
        self.plot = plot
        self.smoothing = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.smoothing.setRange(0, SMOOTHING_STEPS - 1)
        self.smoothing.setMinimumWidth(70)
        self.smoothing.setToolTip("TensorBoard's smoothing: an exponential moving average of "
                                  "weight 0 to 0.99, debiased at the start; the raw curve stays "
                                  "faint behind.")
        self.smoothing.valueChanged.connect(self._on_smoothing)
        self.smoothing_label = QtWidgets.QLabel("0.00")
        self.log_y = QtWidgets.QCheckBox("log y")
        self.log_y.setChecked(plot.getPlotItem().ctrl.logYCheck.isChecked())
        self.log_y.setToolTip("A logarithmic y axis: curves that fall by orders of magnitude, "
                              "and losses of very different sizes, side by side.")
        self.log_y.toggled.connect(plot.set_log_y)
        self.x_axis = QtWidgets.QComboBox()
        for axis, text in zip(XAxis, ("step", "epoch", "time")):
            self.x_axis.addItem(f"x: {text}", axis)
        self.x_axis.setCurrentIndex(list(XAxis).index(plot.x_axis))
        self.x_axis.setToolTip("Draw against steps, epochs or seconds of training (time paused "
                               "left out).")
        self.x_axis.currentIndexChanged.connect(
            lambda _i: plot.set_x_axis(self.x_axis.currentData()))
        self.bands = QtWidgets.QCheckBox("seed bands")
        self.bands.setToolTip("Runs whose settings differ only by the random seed: one mean "
                              "curve with a band from the lowest to the highest.")
        self.bands.toggled.connect(plot.set_seed_bands)
        self.bands.setVisible(seed_bands)
        self.csv_button = QtWidgets.QPushButton("CSV…")
        self.csv_button.setToolTip("Every point of every curve shown, as one table (run, tag, "
                                   "step, epoch, wall_s, value).")
        self.csv_button.clicked.connect(self.ask_csv)
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QtWidgets.QLabel("smooth"))
        layout.addWidget(self.smoothing, 1)
        layout.addWidget(self.smoothing_label)
        layout.addWidget(self.log_y)
        layout.addWidget(self.x_axis)
        layout.addWidget(self.bands)
        layout.addWidget(self.csv_button)

    @QtCore.Slot(int)
    def _on_smoothing(self, value: int) -> None:
        weight = value / SMOOTHING_STEPS
        self.smoothing_label.setText(f"{weight:.2f}")
        self.plot.set_smoothing(weight)

    @QtCore.Slot()
    def ask_csv(self) -> None:
        path = ask_path(self, "Export curves as CSV", "CSV (*.csv)")
        if path:
            self.export_csv(path)

    def export_csv(self, path) -> bool:
        curves = [c for c in self.plot.shown_curves() if len(c.values)]
        if not curves:
            self.sig_message.emit("No curve to export yet.", True)
            return False
        path = with_suffix(path, (".csv",))
        try:
            write_curves_csv(curves, path)
        except OSError as exc:
            self.sig_message.emit(f"Could not write {path}: {exc.strerror or exc}", True)
            return False
        points = sum(len(c.values) for c in curves)
        self.sig_message.emit(f"Saved {Path(path).name}: {len(curves)} curve(s), {points} points",
                              False)
        return True

    def apply(self) -> None:
        """Draw the plot as the controls say (after their values were restored silently)."""
        self._on_smoothing(self.smoothing.value())
        self.plot.set_log_y(self.log_y.isChecked())
        self.plot.set_x_axis(self.x_axis.currentData())
        self.plot.set_seed_bands(self.bands.isChecked())

    def settings_widgets(self) -> dict:
        return {"smoothing": self.smoothing, "log_y": self.log_y, "x_axis": self.x_axis,
                "seed_bands": self.bands}
