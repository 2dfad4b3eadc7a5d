"""Curves of runs' logged numbers over epochs (or steps): one run's loss terms, or one number of
several runs in their colours, with the 2018 log as an optional overlay.

The plot reads a :class:`~engine.runs.run.Run`'s columns (every point is kept there) and redraws
at most twice a second however often the run changes.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore

from engine.runs.run import Run

REDRAW_MS = 500

LABELS = {"loss": "total", "reconstruction": "reconstruction", "kl": "KL", "mse": "MSE",
          "psnr_whole": "whole", "psnr_inside": "inside", "psnr_outside": "outside"}
PENS = {"loss": ((20, 20, 20), 1.5), "reconstruction": ((31, 119, 180), 1),
        "kl": ((214, 39, 40), 1), "mse": ((31, 119, 180), 1),
        "psnr_whole": ((20, 20, 20), 1.5), "psnr_inside": ((214, 39, 40), 1.5),
        "psnr_outside": ((31, 119, 180), 1)}


class LossPlot(pg.PlotWidget):
    """Shows ``columns`` of a run (from its metrics, or from its evaluations with
    ``evaluations=True``); x is the epoch, or the step for runs without epochs."""

    def __init__(self, columns: tuple[str, ...] = ("loss", "reconstruction"),
                 evaluations: bool = False, y_label: str = "loss", parent=None):
        super().__init__(parent, background="w")
        self.setMinimumSize(260, 160)
        self.columns = columns
        self.evaluations = evaluations
        self._legend = self.addLegend(offset=(-10, 10))
        self.setLabel("bottom", "epoch")
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
        self._runs: list[Run] = []
        self._items: list[tuple[Run, str, pg.PlotDataItem]] = []
        self._reference = self.plot(pen=None, symbol="o", symbolSize=6, symbolBrush=(255, 127, 14))
        self._reference.setVisible(False)
        self._redraw = QtCore.QTimer(self)
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(REDRAW_MS)
        self._redraw.timeout.connect(self.redraw)

    def _clear_items(self) -> None:
        for _, _, item in self._items:
            self.removeItem(item)
            self._legend.removeItem(item)
        self._items = []

    def show_run(self, run: Run | None) -> None:
        """Plot ``run``'s columns (nothing for None)."""
        self._clear_items()
        self._runs = [] if run is None else [run]
        if run is not None:
            for name in self.columns:
                colour, width = PENS.get(name, ((20, 20, 20), 1))
                item = self.plot(name=LABELS.get(name, name), pen=pg.mkPen(colour, width=width))
                self._items.append((run, name, item))
        self.redraw()

    def show_runs(self, runs: list[Run], column: str = "loss") -> None:
        """One curve of ``column`` per run, in the run's colour, named by the run."""
        self._clear_items()
        self._runs = list(runs)
        for run in runs:
            item = self.plot(name=run.name, pen=pg.mkPen(run.colour, width=1.5))
            self._items.append((run, column, item))
        self.redraw()

    def changed(self) -> None:
        """A shown run logged more points: redraw soon (at most twice a second)."""
        if not self._redraw.isActive():
            self._redraw.start()

    def _data(self, run: Run, name: str) -> tuple[np.ndarray, np.ndarray]:
        log = run.evaluations if self.evaluations else run.metrics
        if log is None or name not in log:
            return np.zeros(0), np.zeros(0)
        steps = log.column("step")
        return run.epoch_at(steps if self.evaluations else steps + 1), log.column(name)

    @QtCore.Slot()
    def redraw(self) -> None:
        """Draw every point logged so far."""
        epochs = any(run.steps_per_epoch for run in self._runs)
        self.setLabel("bottom", "epoch" if epochs or not self._runs else "step")
        for run, name, item in self._items:
            item.setData(*self._data(run, name))

    def curve(self, run: Run, name: str) -> tuple[np.ndarray, np.ndarray]:
        """What is drawn for one run's column: (x, y)."""
        for shown_run, shown_name, item in self._items:
            if shown_run is run and shown_name == name:
                x, y = item.getData()
                return (np.zeros(0), np.zeros(0)) if x is None else (x, y)
        raise KeyError(f"{name} of {run.name} is not shown")

    def set_reference(self, curve: tuple[np.ndarray, np.ndarray] | None,
                      label: str = "2018 log") -> None:
        """Show a logged reference curve (or hide it when there is none for this setting)."""
        self._legend.removeItem(self._reference)
        self._reference.setVisible(curve is not None)
        if curve is not None:
            self._reference.setData(*curve)
            self._legend.addItem(self._reference, label)
