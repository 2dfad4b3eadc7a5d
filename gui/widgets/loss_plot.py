"""Curves of runs' logged numbers: one run's loss terms, or one number of several runs in their
colours, with curves read from TensorBoard logs and the 2018 log as optional overlays.

The plot reads a :class:`~engine.runs.run.Run`'s columns (every point is kept there) through
:mod:`engine.runs.curves` and redraws at most twice a second however often the run changes. What
:class:`~gui.widgets.curve_tools.CurveTools` sets is drawn here: x as step, epoch or wall-clock
time, TensorBoard's smoothing (the raw curve faint behind), log y, and runs that differ only by
seed as one mean with a min–max band. Where a run and a run continued from it are both shown,
the parent is drawn solid up to the fork and faint after it, so the branch reads as one path.
"""

from __future__ import annotations

import re

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore

from engine.runs.curves import Curve, XAxis, band, fork_steps, run_curve, seed_groups, smoothed
from engine.runs.run import Run

REDRAW_MS = 500
RAW_ALPHA = 60           # the unsmoothed curve behind a smoothed one
AFTER_FORK_ALPHA = 110   # a parent's curve after the step a shown child continued from

LABELS = {"loss": "total", "reconstruction": "reconstruction", "kl": "KL", "mse": "MSE",
          "psnr_whole": "whole", "psnr_inside": "inside", "psnr_outside": "outside"}
PENS = {"loss": ((20, 20, 20), 1.5), "reconstruction": ((31, 119, 180), 1),
        "kl": ((214, 39, 40), 1), "mse": ((31, 119, 180), 1),
        "psnr_whole": ((20, 20, 20), 1.5), "psnr_inside": ((214, 39, 40), 1.5),
        "psnr_outside": ((31, 119, 180), 1)}
# dashed, in colours apart from the runs' own, so a curve from a log reads as one
EXTERNAL_COLOURS = ((0, 128, 128), (128, 0, 128), (160, 110, 0), (90, 90, 200), (0, 150, 60))


class _Line:
    """One drawn curve: the (smoothed) line, the raw one faint behind it, and what it shows
    (runs: one, or several of a seed group drawn as their mean; or a TensorBoard curve)."""

    def __init__(self, plot: "LossPlot", name: str, colour, width: float, tag: str,
                 runs: list[Run] | None = None, external: Curve | None = None):
        self.tag, self.runs, self.external = tag, runs or [], external
        style = QtCore.Qt.PenStyle.DashLine if external is not None else QtCore.Qt.PenStyle.SolidLine
        self.raw = plot.plot(pen=pg.mkPen((*colour, RAW_ALPHA), width=1))
        self.item = plot.plot(name=name, pen=pg.mkPen(colour, width=width, style=style))
        self.after_fork = plot.plot(pen=pg.mkPen((*colour, AFTER_FORK_ALPHA), width=1,
                                                 style=QtCore.Qt.PenStyle.DotLine))
        self.fill = None
        self.low = self.high = None
        if len(self.runs) > 1:   # the band's edges are on the plot too, so log y reaches them
            self.low = plot.plot(pen=pg.mkPen((*colour, RAW_ALPHA), width=1))
            self.high = plot.plot(pen=pg.mkPen((*colour, RAW_ALPHA), width=1))
            self.fill = pg.FillBetweenItem(self.low, self.high, brush=(*colour, 50))
            plot.addItem(self.fill)

    def curves(self, evaluations: bool) -> list[Curve]:
        if self.external is not None:
            return [self.external]
        return [run_curve(run, self.tag, evaluations) for run in self.runs]

    def remove(self, plot: "LossPlot") -> None:
        for item in (self.raw, self.item, self.after_fork, self.low, self.high, self.fill):
            if item is not None:
                plot.removeItem(item)
        plot.legend.removeItem(self.item)


class LossPlot(pg.PlotWidget):
    """Shows ``columns`` of a run (from its metrics, or from its evaluations with
    ``evaluations=True``); x is the epoch (the step for runs without epochs) unless set."""

    sig_drawn = QtCore.Signal()

    def __init__(self, columns: tuple[str, ...] = ("loss", "reconstruction"),
                 evaluations: bool = False, y_label: str = "loss", parent=None):
        super().__init__(parent, background="w")
        self.setMinimumSize(260, 160)
        self.columns = columns
        self.evaluations = evaluations
        self.x_axis = XAxis.EPOCH
        self.smoothing = 0.0
        self.seed_bands = False
        self.legend = self.addLegend(offset=(-10, 10))
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
        self._column = "loss"
        self._several = False
        self._lines: list[_Line] = []
        self._external: list[Curve] = []
        self._reference_curve: tuple[np.ndarray, np.ndarray] | None = None
        self._reference = self.plot(pen=None, symbol="o", symbolSize=6, symbolBrush=(255, 127, 14))
        self._reference.setVisible(False)
        self._redraw = QtCore.QTimer(self)
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(REDRAW_MS)
        self._redraw.timeout.connect(self.redraw)

    # -- what is shown ---------------------------------------------------------------------------
    def show_run(self, run: Run | None) -> None:
        """Plot ``run``'s columns (nothing for None)."""
        self._runs, self._several = ([] if run is None else [run]), False
        self._rebuild()

    def show_runs(self, runs: list[Run], column: str = "loss") -> None:
        """One curve of ``column`` per run, in the run's colour, named by the run (or one per
        seed group, with seed bands on)."""
        self._runs, self._column, self._several = list(runs), column, True
        self._rebuild()

    def add_external(self, curves: list[Curve]) -> None:
        """Curves read from elsewhere (TensorBoard logs), drawn beside the runs'."""
        self._external += curves
        self._rebuild()

    def _rebuild(self) -> None:
        for line in self._lines:
            line.remove(self)
        self._lines = []
        if self._several:
            groups = seed_groups(self._runs) if self.seed_bands else [[r] for r in self._runs]
            for group in groups:
                name = group[0].name if len(group) == 1 else \
                    f"{re.sub(r' · seed [0-9]+', '', group[0].name)} · mean of {len(group)} seeds"
                self._lines.append(_Line(self, name, group[0].colour, 1.5, self._column, group))
        else:
            for run in self._runs:
                for name in self.columns:
                    colour, width = PENS.get(name, ((20, 20, 20), 1))
                    self._lines.append(_Line(self, LABELS.get(name, name), colour, width, name,
                                             [run]))
        for k, curve in enumerate(self._external):
            self._lines.append(_Line(self, f"{curve.source}: {curve.tag}",
                                     EXTERNAL_COLOURS[k % len(EXTERNAL_COLOURS)], 1.2, curve.tag,
                                     external=curve))
        self.redraw()

    # -- how it is shown --------------------------------------------------------------------------
    def set_x_axis(self, axis: XAxis) -> None:
        self.x_axis = XAxis(axis)
        self.redraw()

    def set_smoothing(self, weight: float) -> None:
        self.smoothing = float(np.clip(weight, 0.0, 0.999))
        self.redraw()

    def set_log_y(self, on: bool) -> None:
        self.setLogMode(y=bool(on))
        self.redraw()

    def set_seed_bands(self, on: bool) -> None:
        self.seed_bands = bool(on)
        self._rebuild()

    def changed(self) -> None:
        """A shown run logged more points: redraw soon (at most twice a second)."""
        if not self._redraw.isActive():
            self._redraw.start()

    def _axis_of(self, curves: list[Curve]) -> XAxis:
        """The axis asked for; steps for all when some curve has no epochs (a fit, a log read
        from TensorBoard), so one axis never mixes two units."""
        if self.x_axis is XAxis.EPOCH and any(c.epochs is None for c in curves):
            return XAxis.STEP
        return self.x_axis

    @QtCore.Slot()
    def redraw(self) -> None:
        """Draw every point logged so far."""
        every = [c for line in self._lines for c in line.curves(self.evaluations)]
        axis = self._axis_of(every)
        self.setLabel("bottom", axis.value)
        forks = fork_steps(self._runs) if self._several else {}
        for line in self._lines:
            curves = [c for c in line.curves(self.evaluations) if len(c.values)]
            line.after_fork.setData([], [])
            if not curves:
                line.item.setData([], [])
                line.raw.setData([], [])
                continue
            if len(curves) > 1:
                envelope = band(curves, axis, self.smoothing)
                line.item.setData(envelope.x, envelope.mean)
                line.low.setData(envelope.x, envelope.low)
                line.high.setData(envelope.x, envelope.high)
                line.raw.setData([], [])
                continue
            curve = curves[0]
            x, y = curve.x(axis), smoothed(curve.values, self.smoothing)
            cut = len(x)
            if len(line.runs) == 1 and line.runs[0].name in forks:
                cut = int(np.searchsorted(curve.steps, forks[line.runs[0].name], side="right"))
                line.after_fork.setData(x[max(cut - 1, 0):], y[max(cut - 1, 0):])
            line.item.setData(x[:cut], y[:cut])
            line.raw.setData(x, curve.values) if self.smoothing > 0 else line.raw.setData([], [])
        self._draw_reference(axis)
        self.sig_drawn.emit()

    def shown_curves(self) -> list[Curve]:
        """Every curve on the plot as logged (unsmoothed), a seed group's runs one by one."""
        return [c for line in self._lines for c in line.curves(self.evaluations)]

    def curve(self, run: Run, name: str, after_fork: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """What is drawn solid for one run's column, (x, y); with ``after_fork``, the faint part
        after the step a shown child continued from."""
        for line in self._lines:
            if line.runs == [run] and line.tag == name:
                x, y = (line.after_fork if after_fork else line.item).getData()
                return (np.zeros(0), np.zeros(0)) if x is None else (x, y)
        raise KeyError(f"{name} of {run.name} is not shown")

    # -- the 2018 log -------------------------------------------------------------------------------
    def set_reference(self, curve: tuple[np.ndarray, np.ndarray] | None,
                      label: str = "2018 log") -> None:
        """Show a logged reference curve, (epochs, values), or hide it when there is none."""
        self.legend.removeItem(self._reference)
        self._reference_curve = curve
        if curve is not None:
            self.legend.addItem(self._reference, label)
        self.redraw()

    def _draw_reference(self, axis: XAxis) -> None:
        curve = self._reference_curve
        spe = self._runs[0].steps_per_epoch if self._runs else None
        shown = curve is not None and (axis is XAxis.EPOCH or (axis is XAxis.STEP and spe))
        self._reference.setVisible(bool(shown))
        if shown:
            epochs, values = curve
            self._reference.setData(epochs if axis is XAxis.EPOCH else epochs * spe, values)
