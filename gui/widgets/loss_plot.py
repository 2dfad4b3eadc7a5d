"""Loss curves (total, reconstruction, KL) over epochs, with the 2018 log as an optional overlay."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore

from engine.runs.columns import ColumnLog

REDRAW_MS = 500  # curves are redrawn at most twice a second; the data is always complete

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
        # grid lines at major and minor ticks only: the third, finest level was barely visible
        # and made each paint about twice as slow (~10 ms against 5-7 at 420x260), a cost a
        # live plot pays at every redraw
        for side in ("left", "bottom"):
            self.getAxis(side).setStyle(maxTickLevel=1)
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
        self.points = ColumnLog(("step",) + tuple(self._curves))
        self._steps_per_epoch = 1
        for curve in self._curves.values():
            curve.setData([], [])

    @property
    def epochs(self) -> np.ndarray:
        return (self.points.column("step") + 1) / self._steps_per_epoch

    def append(self, points, steps_per_epoch: int) -> None:
        if not points:
            return
        names = self.points.names
        self.points.extend([getattr(p, n) for n in names] for p in points)
        self._steps_per_epoch = steps_per_epoch
        if not self._redraw.isActive():
            self._redraw.start()

    @QtCore.Slot()
    def redraw(self) -> None:
        """Draw every point appended so far (painting a plot per training update is costly)."""
        x = self.epochs
        for name, curve in self._curves.items():
            curve.setData(x, self.points.column(name))

    def set_reference(self, curve: tuple[np.ndarray, np.ndarray] | None) -> None:
        """Show the 2018 run's logged curve (or hide it when there is none for this setting)."""
        self._legend.removeItem(self._reference)
        self._reference.setVisible(curve is not None)
        if curve is not None:
            self._reference.setData(*curve)
            self._legend.addItem(self._reference, "2018 log")
