"""Loss curves (total, reconstruction, KL) over epochs, with the 2018 log as an optional overlay."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore

REDRAW_MS = 200  # curves are redrawn at most 5 times a second; the data is always complete

CURVE_PENS = {"total": pg.mkPen((20, 20, 20), width=1.5),
              "reconstruction": pg.mkPen((31, 119, 180), width=1),
              "kl": pg.mkPen((214, 39, 40), width=1),
              "whole": pg.mkPen((20, 20, 20), width=1.5),
              "inside": pg.mkPen((214, 39, 40), width=1.5),
              "outside": pg.mkPen((31, 119, 180), width=1)}


class LossPlot(pg.PlotWidget):
    """Appends every loss point it is given (each curve is a LossPoint attribute); x is the
    fractional epoch, or the step where a run has no epochs."""

    def __init__(self, curves: tuple[str, ...] = ("total", "reconstruction"),
                 x_label: str = "epoch", y_label: str = "loss", parent=None):
        super().__init__(parent, background="w")
        self.setMinimumSize(260, 160)
        self._legend = self.addLegend(offset=(-10, 10))
        self.setLabel("bottom", x_label)
        self.getAxis("bottom").enableAutoSIPrefix(False)
        self.setLabel("left", y_label)
        self.showGrid(x=True, y=True, alpha=0.25)
        self.setClipToView(True)
        self.setDownsampling(auto=True, mode="peak")
        self._curves = {n: self.plot(name=n, pen=CURVE_PENS[n]) for n in curves}
        self._reference = self.plot(pen=None, symbol="o", symbolSize=6, symbolBrush=(255, 127, 14))
        self._reference.setVisible(False)
        self._redraw = QtCore.QTimer(self)
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(REDRAW_MS)
        self._redraw.timeout.connect(self.redraw)
        self.clear_points()

    def clear_points(self) -> None:
        self.epochs = np.zeros(0)
        self.values = {n: np.zeros(0) for n in self._curves}
        for curve in self._curves.values():
            curve.setData([], [])

    def append(self, points, steps_per_epoch: int) -> None:
        if not points:
            return
        self.epochs = np.concatenate([self.epochs, [(p.step + 1) / steps_per_epoch for p in points]])
        for name in self._curves:
            new = [getattr(p, name) for p in points]
            self.values[name] = np.concatenate([self.values[name], new])
        if not self._redraw.isActive():
            self._redraw.start()

    @QtCore.Slot()
    def redraw(self) -> None:
        """Draw every point appended so far (painting a plot per training update is costly)."""
        for name, curve in self._curves.items():
            curve.setData(self.epochs, self.values[name])

    def set_reference(self, curve: tuple[np.ndarray, np.ndarray] | None) -> None:
        """Show the 2018 run's logged curve (or hide it when there is none for this setting)."""
        self._legend.removeItem(self._reference)
        self._reference.setVisible(curve is not None)
        if curve is not None:
            self._reference.setData(*curve)
            self._legend.addItem(self._reference, "2018 log")
