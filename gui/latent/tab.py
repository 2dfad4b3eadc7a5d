"""The autoencoder tab (case b) and the VAE tab (case c): one class, composed of panels.

Train live (scatter, reconstructions, loss curves, progress), then explore: click a point to
decode it, drag z sliders, walk from A to B, sample the VAE's prior, scrub the recorded history
and decode with the weights of that moment. The tab holds :class:`~engine.runs.run.Run` records
only: updates reach them through the training worker, and decodes use their weight copies in a
thread of their own.
"""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtWidgets

from engine.latent.config import ModelKind
from engine.latent.frames import TENSORBOARD_PICTURES
from engine.latent.reference_2018 import curve_2018
from engine.runs.run import Run
from gui.latent.decoder import LatentDecoder
from gui.latent.explorer import ExplorerPanel
from gui.latent.exports import LatentExports
from gui.latent.forking import continue_run
from gui.latent.run_panel import RunPanel
from gui.latent.runs_list import RunsList
from gui.latent.scatter import LatentScatterView
from gui.latent.scatter_panel import ScatterPanel
from gui.latent.timeline import Timeline
from gui.widgets.curve_tools import CurveTools
from gui.widgets.file_dialogs import ask_then
from gui.widgets.image_panel import ImagePanel
from gui.widgets.loss_plot import LossPlot
from gui.widgets.training_controls import TrainingTabMixin


class LatentTab(TrainingTabMixin, QtWidgets.QWidget):
    """Tab b or c, depending on ``kind``."""

    sig_snapshot_shown = QtCore.Signal(int)  # the step of the snapshot on screen
    sig_compare_requested = QtCore.Signal()
    sig_replay_requested = QtCore.Signal(str)  # "tab" (this tab's runs of the post), "all", "beta"

    def __init__(self, kind: ModelKind, parent=None):
        super().__init__(parent)
        self.kind = kind
        self.runs: list[Run] = []
        self.run: Run | None = None
        self.shown_step = 0
        self.latent_decoder = LatentDecoder(self)
        self.latent_decoder.sig_decoded.connect(self._on_decoded)
        self.latent_decoder.sig_failed.connect(self._on_decode_failed)
        self.panel = RunPanel(kind)
        self.controls = self.panel.controls
        self.controls.start_button.clicked.connect(self.start)
        self.panel.continue_button.clicked.connect(self.continue_from_here)
        self.panel.sig_reset.connect(self.reset)
        self.exports = LatentExports(self)
        self.panel.extra.addWidget(self.exports.button)
        self.runs_list = RunsList()
        self.runs_list.sig_selected.connect(self._on_run_selected)
        self.runs_list.sig_delete.connect(self.delete_run)
        self.runs_list.sig_compare.connect(self.sig_compare_requested)
        self.runs_list.sig_replay.connect(self.sig_replay_requested)
        self.panel.extra.addWidget(self.runs_list, 1)
        self._build()

    def _build(self) -> None:
        self.panel.setFixedWidth(270)
        self.scatter = LatentScatterView()
        self.scatter.sig_point_clicked.connect(self._on_point_clicked)
        self.panel.fit_axes.toggled.connect(self.scatter.set_fit_to_data)
        self.scatter_panel = ScatterPanel(self.scatter)
        self.timeline = Timeline()
        self.timeline.sig_step_chosen.connect(self._on_timeline_moved)
        centre = QtWidgets.QVBoxLayout()
        centre.addWidget(self.scatter_panel, 1)
        centre.addWidget(self.timeline)
        self.reconstructions = ImagePanel("Originals (top) and their reconstructions (bottom)",
                                          (260, 70))
        self.explorer = ExplorerPanel(self, self.kind is ModelKind.VAE, self.scatter)
        self.explorer.state.listeners.add(self._on_view_state_changed)
        self.scatter_panel.legend.sig_hidden_changed.connect(self.explorer.on_classes_shown)
        self.scatter.sig_camera_changed.connect(self._on_camera_moved)
        columns = ("loss", "reconstruction", "kl") if self.kind is ModelKind.VAE \
            else ("loss", "reconstruction")
        self.loss_plot = LossPlot(columns)
        self.curve_tools = CurveTools(self.loss_plot)
        self.curve_tools.sig_message.connect(self._on_curves_message)
        right = QtWidgets.QVBoxLayout()
        right.addWidget(QtWidgets.QLabel("Reconstructions"))
        right.addWidget(self.reconstructions)
        right.addWidget(self.explorer)
        right.addWidget(self.loss_plot, 1)
        right.addWidget(self.curve_tools)
        right_box = QtWidgets.QWidget()
        right_box.setLayout(right)
        right_box.setFixedWidth(400)
        layout = QtWidgets.QHBoxLayout(self)
        layout.addWidget(self.panel)
        layout.addLayout(centre, 1)
        layout.addWidget(right_box)
        self.scatter_panel.set_legend(tuple(str(d) for d in range(10)))

    # -- runs --------------------------------------------------------------------------------------
    @QtCore.Slot()
    def start(self) -> bool:
        """Start a new run with the panel's settings; refused (with a message) while one goes."""
        try:
            config = self.panel.config()
        except ValueError as exc:
            self.show_message(str(exc))
            return False
        return self.start_with(config)

    def start_with(self, config) -> bool:
        if self.controls.is_running():
            self.show_message("A run is already going: stop it first.")
            return False
        self.show_message("")
        run = Run("latent", config, config.describe())
        self.add_run(run)
        self.panel.tensorboard.follow(run, TENSORBOARD_PICTURES)
        self.panel.progress.watch_loading(self.controls.launch(self.run).control,
                                          "Loading data and building the model…")
        return True

    @QtCore.Slot()
    def continue_from_here(self) -> bool:
        """Fork the run on screen at the step on screen (see gui/latent/forking.py)."""
        return continue_run(self)

    @QtCore.Slot()
    def reset(self) -> None:
        """Stop the run on screen (without waiting) and forget it."""
        if self.run is not None:
            self.delete_run(self.run)

    @QtCore.Slot(object)
    def delete_run(self, run: Run) -> None:
        """Forget ``run`` (stopped first if it trains); the newest other run is shown instead."""
        if run is self.controls.run:
            self.controls.retire()
        if run in self.runs:
            self.runs.remove(run)
        self.runs_list.remove(run)
        run.unsubscribe(self._on_any_run_changed)
        if run is self.run:
            self.latent_decoder.cancel()
            self.show_run(self.runs[-1] if self.runs else None)

    def add_run(self, run: Run) -> None:
        """A new run (started, loaded from a model or a workspace) becomes the one on screen."""
        self.runs.append(run)
        run.subscribe(self._on_any_run_changed)
        self.runs_list.add(run, select=False)
        self.show_run(run)

    @QtCore.Slot(object)
    def _on_run_selected(self, run: Run | None) -> None:
        if run is not self.run:
            self.show_run(run)

    def _on_any_run_changed(self, run: Run, update) -> None:
        if update is None or update.done or update.setup is not None:
            self.runs_list.refresh(run)
        problem = self.panel.tensorboard.take_error(run)
        if problem:
            self.show_message(problem)

    def show_run(self, run: Run | None) -> None:
        """Make ``run`` the one the views show (None: empty views)."""
        if self.run is not None:
            self.run.unsubscribe(self._on_run_changed)
        self.run = run
        self.runs_list.select(run)
        self.explorer.clear()
        self.loss_plot.show_run(run)
        self.timeline.follow(run)
        if run is None:
            self.panel.progress.reset()
            self.loss_plot.set_reference(None)
            return
        run.subscribe(self._on_run_changed)
        self.panel.progress.follow(run)
        self.loss_plot.set_reference(curve_2018(run.config),
                                     "2018 log (epoch means, batch 10, as 2018 ran)")
        if run.fixtures is not None:
            self.scatter_panel.set_fixtures(run.fixtures)
            self._show_step(run.step, live=True)

    def _on_run_changed(self, run: Run, update) -> None:
        """A listener of the run on screen (GUI thread)."""
        self.panel.progress.changed()
        self.loss_plot.changed()
        self.exports.weights_save.run_changed(run, update)
        if update is not None and update.setup is not None:
            self.scatter_panel.set_fixtures(run.fixtures)
        live = self.timeline.follow(run)
        if update is not None and update.snapshot is not None and live:
            self._show_step(update.snapshot.step, live=True)
        if not run.state.active and run.message and run.state.value != "finished":
            self.show_message(run.message)

    # -- showing a step ----------------------------------------------------------------------------
    def _show_step(self, step: int, live: bool) -> None:
        run = self.run
        if run is None or not len(run.snapshots):
            return
        snapshot = run.snapshots.at_step(step)
        self.shown_step = snapshot.step
        fixtures = run.fixtures
        self.scatter.set_points(snapshot.payload.latent, fixtures.view_labels, refit=live)
        self.reconstructions.show_rows([fixtures.originals, snapshot.payload.reconstructions])
        self.timeline.show_label(snapshot.step, live)
        self.explorer.refresh()
        self.sig_snapshot_shown.emit(snapshot.step)

    @QtCore.Slot(int, bool)
    def _on_timeline_moved(self, step: int, live: bool) -> None:
        self._show_step(step, live)

    @QtCore.Slot(int)
    def _on_point_clicked(self, index: int) -> None:
        if self.run is not None:
            self.explorer.select(index)

    def _on_view_state_changed(self, aspect: str) -> None:
        state = self.explorer.state
        if aspect == "selected":
            self.scatter.highlight(state.selected)
        elif aspect == "camera" and state.camera != self.scatter.camera():
            self.scatter.set_camera(state.camera)

    @QtCore.Slot()
    def _on_camera_moved(self) -> None:
        self.explorer.state.set_camera(self.scatter.camera())

    # -- what the explorer and exports ask of the tab ------------------------------------------
    def fixtures(self):
        return self.run.fixtures

    def shown_codes(self) -> np.ndarray:
        return self.run.snapshots.at_step(self.shown_step).payload.latent

    def extent(self):
        return self.scatter.extent

    def is_live(self) -> bool:
        return self.timeline.is_live()

    def show_walk(self, codes) -> None:
        self.scatter.set_path(codes)

    def export_walk(self, kind: str) -> None:
        self.exports.ask_walk(kind)

    def weights_note(self) -> str:
        snap = self.run.snapshots.with_weights_at(self.shown_step)
        return f"decoded with the weights of step {snap.step} (epoch {self.run.epoch_at(snap.step):.2f})"

    def decode(self, tag: str, z: np.ndarray) -> None:
        """Decode ``z`` with the weights of the step on screen, off the GUI thread; the answer
        comes to the explorer."""
        if self.run is None or not len(self.run.snapshots):
            return
        snap = self.run.snapshots.with_weights_at(self.shown_step)
        self.latent_decoder.decode(tag, self.run.config, snap.weights, z)

    @QtCore.Slot(str, object)
    def _on_decoded(self, tag: str, images) -> None:
        self.explorer.show_decoded(tag, images)

    @QtCore.Slot(str, str)
    def _on_decode_failed(self, _tag: str, message: str) -> None:
        self.show_message(f"decoding failed: {message}")

    def show_message(self, text: str) -> None:
        self.panel.show_message(text)

    def show_done(self, text: str) -> None:
        self.panel.show_message(text, error=False)

    @QtCore.Slot(str, bool)
    def _on_curves_message(self, text: str, error: bool) -> None:
        self.panel.show_message(text, error)

    # -- what the window's shortcuts, settings and closing ask of a tab -------------------------
    def ask_save(self) -> None:
        ask_then(self, "Save model", "Keras model (*.keras)", self.exports.save_model)

    def ask_export(self) -> None:
        ask_then(self, "Latent space GIF", "GIF (*.gif)", self.exports.export_latent_gif)

    def settings_widgets(self) -> dict:
        curves = {f"curves_{k}": w for k, w in self.curve_tools.settings_widgets().items()}
        return {**self.panel.settings_widgets(), **curves}

    def settings_restored(self) -> None:
        self.scatter.set_fit_to_data(self.panel.fit_axes.isChecked())
        self.curve_tools.apply()

    def request_stop(self) -> None:
        """Ask every thread of this tab to stop (closing); returns at once."""
        self.controls.request_stop()
        self.exports.tasks.cancel_all()
        self.latent_decoder.request_stop()

    def threads(self) -> list[QtCore.QThread]:
        return [*self.controls.threads(), *self.exports.tasks.threads(), self.latent_decoder.worker]
