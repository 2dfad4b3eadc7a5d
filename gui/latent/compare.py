"""Runs side by side: their 3-D latent spaces as small multiples with one camera (turn one, all
turn), drawn on one common scale (so ±70 against ±3 shows at a glance) or each fitted, one
selection (click digit #n in one: it is ringed in all, and a strip shows each run's
reconstruction of it, and a wipe or difference between two of them, or one run at two epochs),
one timeline by epoch, and the loss curves overlaid in the runs' colours
(with the curve tools, seed bands, and curves added from TensorBoard logs).
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
from PySide6 import QtCore, QtWidgets

from engine.files.tensorboard_events import EventLog, read_scalars
from engine.runs.curves import logged_curve
from engine.runs.run import Run
from gui.latent.compare_wipe import WipePanel
from gui.latent.decoder import LatentDecoder
from gui.latent.scatter import LatentScatterView
from gui.latent.tag_chooser import TagChooser
from gui.widgets.curve_tools import CurveTools
from gui.widgets.file_dialogs import ask_path
from gui.widgets.image_panel import ImagePanel
from gui.widgets.loss_plot import LossPlot
from gui.workers.background_task import BackgroundTask, BackgroundTasks

MAX_RUNS = 6
MAX_LOGGED_CURVES = 40
EPOCH_TICKS = 100        # timeline positions per epoch


def same_digits(runs: list[Run]) -> bool:
    first = runs[0].fixtures
    return all(np.array_equal(r.fixtures.view_labels, first.view_labels) and
               np.array_equal(r.fixtures.view_images, first.view_images) for r in runs[1:])

SMALL_VIEW = QtCore.QSize(220, 170)   # a small multiple's least size


class CompareWindow(QtWidgets.QWidget):
    """Compares 2 to 6 latent runs (their records; some may still train)."""

    sig_closed = QtCore.Signal()

    def __init__(self, runs: list[Run], findings: str = "", parent=None):
        super().__init__(parent, QtCore.Qt.WindowType.Window)
        if not 2 <= len(runs) <= MAX_RUNS:
            raise ValueError(f"compare 2 to {MAX_RUNS} runs, not {len(runs)}")
        self.setWindowTitle("Compare runs")
        self.resize(1300, 820)
        self.runs = runs
        self.selected: int | None = None
        self.strip_images: list[np.ndarray | None] = [None] * len(runs)
        self._syncing = False
        self.latent_decoder = LatentDecoder(self)
        self.latent_decoder.sig_decoded.connect(self._on_decoded)
        self.common = QtWidgets.QCheckBox("One common scale")
        self.common.setChecked(True)
        self.common.setToolTip("On: every view draws the same box, so a latent space of ±70 and "
                               "one of ±3 show their sizes. Off: each view is fitted to its codes.")
        self.common.toggled.connect(self.show_epoch)
        self.timeline = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.timeline.setToolTip("Scrub every run by epoch at once.")
        self.timeline.valueChanged.connect(self.show_epoch)
        self.epoch_label = QtWidgets.QLabel()
        self.views: list[LatentScatterView] = []
        self.extent_labels: list[QtWidgets.QLabel] = []
        grid = QtWidgets.QGridLayout()
        for k, run in enumerate(runs):
            view = LatentScatterView()
            view.sig_camera_changed.connect(self._on_camera_changed)
            view.sig_point_clicked.connect(self.select)
            name = QtWidgets.QLabel(f"<b style='color: rgb{tuple(run.colour)}'>■</b> {run.name}")
            extent = QtWidgets.QLabel()
            cell = QtWidgets.QVBoxLayout()
            cell.addWidget(name)
            holder = view.container(self)
            holder.setMinimumSize(SMALL_VIEW)    # six must fit beside the plot and the strip
            cell.addWidget(holder, 1)
            cell.addWidget(extent)
            grid.addLayout(cell, k // 3, k % 3)
            self.views.append(view)
            self.extent_labels.append(extent)
        self.strip = ImagePanel("The selected digit (left) and each run's reconstruction of it, "
                                "in the order of the views", (360, 70))
        self.strip_label = QtWidgets.QLabel("Click a digit in any view.")
        self.strip_label.setWordWrap(True)
        if not same_digits(runs):
            self.strip_label.setText("These runs show different digits (other data or seed): "
                                     "a selection compares digit #n of each.")
        self.wipe = WipePanel(runs, self.latent_decoder)
        self.loss_plot = LossPlot(("loss",), y_label="loss")
        self.loss_plot.show_runs(runs, "loss")
        self.curve_tools = CurveTools(self.loss_plot, seed_bands=True)
        self.curve_tools.log_y.setChecked(True)
        self.curve_tools.sig_message.connect(self._say)
        self.tasks = BackgroundTasks(self)
        self.tasks.sig_failed.connect(self._on_failed)
        self.tensorboard_button = QtWidgets.QPushButton("Add runs from a TensorBoard folder…")
        self.tensorboard_button.setToolTip(
            "Overlay scalar curves of any TensorBoard log folder (a Keras TensorBoard "
            "callback's, a Ray Tune trial's, another tool's) beside these runs.")
        self.tensorboard_button.clicked.connect(self.ask_tensorboard)
        self.tag_chooser: TagChooser | None = None
        self.note = QtWidgets.QLabel()
        self.note.setWordWrap(True)
        self.findings = QtWidgets.QLabel(findings)
        self.findings.setWordWrap(True)
        self.findings.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.findings.setVisible(bool(findings))
        top = QtWidgets.QHBoxLayout()
        top.addWidget(self.common)
        top.addWidget(QtWidgets.QLabel("Epoch"))
        top.addWidget(self.timeline, 1)
        top.addWidget(self.epoch_label)
        bottom = QtWidgets.QHBoxLayout()
        left = QtWidgets.QVBoxLayout()
        left.addWidget(self.strip_label)
        left.addWidget(self.strip)
        bottom.addLayout(left, 1)
        bottom.addWidget(self.wipe)
        curves = QtWidgets.QVBoxLayout()
        curves.addWidget(self.loss_plot, 1)
        curves.addWidget(self.curve_tools)
        curves.addWidget(self.tensorboard_button)
        curves.addWidget(self.note)
        bottom.addLayout(curves, 1)
        bottom.addWidget(self.findings, 1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid, 3)
        layout.addLayout(bottom, 1)
        for run in runs:
            run.subscribe(self._on_run_changed)
        self._stretch_timeline(at_end=True)
        self.show_epoch()

    # -- the timeline --------------------------------------------------------------------------
    def _stretch_timeline(self, at_end: bool) -> None:
        last = max(run.epoch_at(run.step) for run in self.runs)
        blocked = self.timeline.blockSignals(True)
        self.timeline.setMaximum(max(1, round(last * EPOCH_TICKS)))
        if at_end:
            self.timeline.setValue(self.timeline.maximum())
        self.timeline.blockSignals(blocked)

    def epoch(self) -> float:
        return self.timeline.value() / EPOCH_TICKS

    def step_of(self, run: Run) -> int:
        return min(run.step_at_epoch(self.epoch()), run.step)

    @QtCore.Slot()
    def show_epoch(self) -> None:
        """Every run at the timeline's epoch, on a common or fitted scale."""
        snaps = [run.snapshots.at_step(self.step_of(run)) for run in self.runs]
        codes = [view.to_view(s.payload.latent) for view, s in zip(self.views, snaps)]
        common = None
        if self.common.isChecked():
            lo = np.min([c.min(axis=0) for c in codes], axis=0)
            hi = np.max([c.max(axis=0) for c in codes], axis=0)
            common = (lo, hi)
        for view, label, run, snap, shown in zip(self.views, self.extent_labels, self.runs, snaps,
                                                 codes):
            view.set_fixed_extent(common)
            view.set_points(snap.payload.latent, run.fixtures.view_labels)
            lo, hi = shown.min(axis=0), shown.max(axis=0)
            label.setText(f"step {snap.step} · codes " + "  ".join(
                f"{n} {a:+.1f}…{b:+.1f}" for n, a, b in zip("xyz", lo, hi)))
        self.epoch_label.setText(f"{self.epoch():.2f}")
        if self.selected is not None:
            self.select(self.selected)

    def _on_run_changed(self, run: Run, update) -> None:
        if update is not None and update.snapshot is not None:
            at_end = self.timeline.value() == self.timeline.maximum()
            self._stretch_timeline(at_end)
            if at_end:
                self.show_epoch()

    # -- one camera, one selection --------------------------------------------------------------
    @QtCore.Slot()
    def _on_camera_changed(self) -> None:
        if self._syncing:
            return
        self._syncing = True
        camera = self.sender().camera()
        for view in self.views:
            if view is not self.sender():
                view.set_camera(camera)
        self._syncing = False

    @QtCore.Slot(int)
    def select(self, index: int) -> None:
        """Ring digit ``index`` in every view and decode it with each run's weights of the
        timeline's epoch."""
        self.selected = index
        for k, (view, run) in enumerate(zip(self.views, self.runs)):
            view.highlight(index)
            step = self.step_of(run)
            code = run.snapshots.at_step(step).payload.latent[index]
            weights = run.snapshots.with_weights_at(step).weights
            self.latent_decoder.decode(f"strip {k}", run.config, weights, code[None])
        fixtures = self.runs[0].fixtures
        label = fixtures.class_names[fixtures.view_labels[index]]
        self.strip_label.setText(f"digit #{index} (label {label}) and its reconstruction by each "
                                 f"run at epoch {self.epoch():.2f}")
        self.wipe.show_digit(index, self.epoch())

    @QtCore.Slot(str, object)
    def _on_decoded(self, tag: str, images: np.ndarray) -> None:
        kind, which = tag.split()
        if kind == "wipe":
            self.wipe.on_decoded(which, images[0])
            return
        self.strip_images[int(which)] = images[0]
        if self.selected is None:
            return
        original = self.runs[0].fixtures.view_image(self.selected)
        row = [original] + [im if im is not None else np.ones_like(original)
                            for im in self.strip_images]
        self.strip.show_rows([np.stack(row)])

    # -- curves from TensorBoard logs ----------------------------------------------------------
    @QtCore.Slot()
    def ask_tensorboard(self) -> None:
        folder = ask_path(self, "Add runs from a TensorBoard folder", folder=True)
        if folder:
            self.read_tensorboard(folder)

    def read_tensorboard(self, folder) -> BackgroundTask:
        """Read ``folder``'s scalars off the GUI thread, then ask which tags to draw."""
        folder = Path(folder)
        self._say(f"Reading {folder}…")
        def read(progress, cancelled) -> EventLog:
            def stop() -> None:
                if cancelled():
                    raise InterruptedError("cancelled")
            return read_scalars(folder, stop=stop)

        return self.tasks.start(read, "", with_progress=True,
                                on_done=functools.partial(self._on_log_read, folder))

    def _on_log_read(self, folder: Path, log: EventLog) -> None:
        self.tag_chooser = TagChooser(log, f"Tags of {folder.name}", self)
        self.tag_chooser.sig_chosen.connect(functools.partial(self.add_logged, folder, log))
        self.tag_chooser.open()
        self._say(f"{folder}: {len(log.curves)} curve(s) of {len(log.tags)} tag(s)")

    def add_logged(self, folder: Path, log: EventLog, tags: list[str]) -> None:
        """Draw the curves of ``tags`` of every run in ``log`` (at most MAX_LOGGED_CURVES)."""
        chosen = [c for (_run, tag), c in log.curves.items() if tag in tags]
        shown = chosen[:MAX_LOGGED_CURVES]
        self.loss_plot.add_external([logged_curve(c, f"{folder.name}/{c.run}".rstrip("/."))
                                     for c in shown])
        left = len(chosen) - len(shown)
        self._say(f"Added {len(shown)} curve(s) from {folder}" +
                  (f"; {left} more left out (at most {MAX_LOGGED_CURVES})" if left else "") +
                  (f"; {len(log.problems)} file(s) not read" if log.problems else ""))

    @QtCore.Slot(str)
    def _on_failed(self, text: str) -> None:
        self._say(text, error=True)

    def _say(self, text: str, error: bool = False) -> None:
        self.note.setStyleSheet("color: #b00020;" if error else "")
        self.note.setText(text)

    # -- closing -------------------------------------------------------------------------------
    def threads(self) -> list[QtCore.QThread]:
        return [self.latent_decoder.worker, *self.tasks.threads()]

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        for run in self.runs:
            run.unsubscribe(self._on_run_changed)
        self.tasks.cancel_all()
        for task in self.tasks.threads():
            task.wait(10_000)      # reading a log checks for a stop between files
        self.latent_decoder.request_stop()
        self.latent_decoder.worker.wait(5000)   # a decode takes milliseconds
        self.sig_closed.emit()
        super().closeEvent(event)
