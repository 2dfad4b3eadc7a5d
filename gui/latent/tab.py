"""The autoencoder tab (case b) and the VAE tab (case c): one class, composed of panels.

Train live (scatter, reconstructions, loss curves, progress), then explore: click a point to
decode it, drag z sliders, walk from A to B, sample the VAE's prior, scrub the recorded history
and decode with the weights of that moment. The tab holds :class:`~engine.runs.run.Run` records
only: updates reach them through the training worker, and decodes use their weight copies in a
thread of their own.
"""

from __future__ import annotations

import functools

import numpy as np
from PySide6 import QtCore, QtWidgets

from engine.latent.config import ModelKind, Preset
from engine.latent.datasets import load_dataset
from engine.latent.models import build_models
from engine.latent.palette import SEED_RGB
from engine.latent.seed_reference import seed_curve
from engine.latent.trainer import AutoencoderTrainer
from engine.latent.training_data import prepare_training_data
from engine.runs.replica import Replicas
from engine.runs.run import Run
from gui.latent.explorer import ExplorerPanel
from gui.latent.exports import LatentExports
from gui.latent.run_panel import RunPanel
from gui.latent.scatter import LatentScatterView
from gui.latent.timeline import Timeline
from gui.widgets.file_dialogs import ask_then
from gui.widgets.image_panel import ImagePanel
from gui.widgets.loss_plot import LossPlot
from gui.widgets.training_controls import TrainingTabMixin
from gui.workers.latest_request_worker import LatestRequestWorker


def make_trainer(config, control):
    """Build a run's trainer (in its worker thread), honouring a stop while data is read."""
    data = prepare_training_data(config, load_dataset(config.dataset, stop=control.raise_if_stopped))
    control.raise_if_stopped()
    return AutoencoderTrainer.for_run(config, data)


class LatentTab(TrainingTabMixin, QtWidgets.QWidget):
    """Tab b or c, depending on ``kind``."""

    sig_snapshot_shown = QtCore.Signal(int)  # the step of the snapshot on screen

    def __init__(self, kind: ModelKind, parent=None):
        super().__init__(parent)
        self.kind = kind
        self.runs: list[Run] = []
        self.run: Run | None = None
        self.shown_step = 0
        self.replicas = Replicas(build_models, lambda config: config.architecture)
        self.decoder = LatestRequestWorker(self)
        self.decoder.sig_done.connect(self._on_decoded)
        self.decoder.sig_failed.connect(self._on_decode_failed)
        self.decoder.start()
        self.panel = RunPanel(kind)
        self.controls = self.panel.controls
        self.controls.start_button.clicked.connect(self.start)
        self.panel.sig_reset.connect(self.reset)
        self.exports = LatentExports(self)
        self.panel.extra.addWidget(self.exports.button)
        self._build()

    def _build(self) -> None:
        self.panel.setFixedWidth(270)
        self.scatter = LatentScatterView()
        self.scatter.sig_point_clicked.connect(self._on_point_clicked)
        self.panel.fit_axes.toggled.connect(self.scatter.set_fit_to_data)
        self.extent_label = QtWidgets.QLabel("")
        self.extent_label.setToolTip("The latent box's extent on each axis.")
        self.scatter.sig_extent_changed.connect(self._on_extent_changed)
        self.legend = QtWidgets.QLabel("")
        self.timeline = Timeline()
        self.timeline.sig_step_chosen.connect(self._on_timeline_moved)
        centre = QtWidgets.QVBoxLayout()
        centre.addWidget(self.legend)
        centre.addWidget(self.scatter.container(self), 1)
        centre.addWidget(self.extent_label)
        centre.addWidget(self.timeline)
        self.reconstructions = ImagePanel("Originals (top) and their reconstructions (bottom)",
                                          (260, 70))
        self.explorer = ExplorerPanel(self, vae=self.kind is ModelKind.VAE)
        columns = ("loss", "reconstruction", "kl") if self.kind is ModelKind.VAE \
            else ("loss", "reconstruction")
        self.loss_plot = LossPlot(columns)
        right = QtWidgets.QVBoxLayout()
        right.addWidget(QtWidgets.QLabel("Reconstructions"))
        right.addWidget(self.reconstructions)
        right.addWidget(self.explorer)
        right.addWidget(self.loss_plot, 1)
        right_box = QtWidgets.QWidget()
        right_box.setLayout(right)
        right_box.setFixedWidth(400)
        layout = QtWidgets.QHBoxLayout(self)
        layout.addWidget(self.panel)
        layout.addLayout(centre, 1)
        layout.addWidget(right_box)
        self._update_legend(tuple(str(d) for d in range(10)))

    def _update_legend(self, class_names) -> None:
        self.legend.setText(" ".join(
            f"<span style='color: rgb({r},{g},{b}); font-size: 16px'>●</span>{name}"
            for (r, g, b), name in zip(SEED_RGB.tolist(), class_names)))

    # -- runs --------------------------------------------------------------------------------------
    @QtCore.Slot()
    def start(self) -> bool:
        """Start a new run with the panel's settings; refused (with a message) while one goes."""
        if self.controls.is_running():
            self.show_message("A run is already going: stop it first.")
            return False
        try:
            config = self.panel.config()
        except ValueError as exc:
            self.show_message(str(exc))
            return False
        self.show_message("")
        run = Run("latent", config, config.describe())
        self.runs.append(run)
        self.show_run(run)
        self.panel.progress.say("Loading data and building the model…")
        self.controls.launch(run, functools.partial(make_trainer, config))
        return True

    @QtCore.Slot()
    def reset(self) -> None:
        """Stop the run on screen (without waiting) and forget it."""
        run = self.run
        self.controls.retire()
        if run is not None and run in self.runs:
            self.runs.remove(run)
        self.decoder.cancel()
        self.show_run(None)

    def add_run(self, run: Run) -> None:
        """A finished run from elsewhere (a loaded model) becomes the one on screen."""
        self.runs.append(run)
        self.show_run(run)

    def show_run(self, run: Run | None) -> None:
        """Make ``run`` the one the views show (None: empty views)."""
        if self.run is not None:
            self.run.unsubscribe(self._on_run_changed)
        self.run = run
        self.explorer.clear()
        self.loss_plot.show_run(run)
        self.timeline.follow(run)
        if run is None:
            self.panel.progress.reset()
            self.loss_plot.set_reference(None)
            return
        run.subscribe(self._on_run_changed)
        self.panel.progress.follow(run)
        config = run.config
        quirks_as_2018 = config.seed_kl_quirks or config.kind is ModelKind.AE
        self.loss_plot.set_reference(
            seed_curve(self.kind.value, config.loss.value)
            if config.preset is Preset.SEED and config.reduction.value == "seed" and quirks_as_2018
            else None, "2018 log (epoch means, batch 10, as 2018 ran)")
        if run.fixtures is not None:
            self._update_legend(run.fixtures.class_names)
            self._show_step(run.step, live=True)

    def _on_run_changed(self, run: Run, update) -> None:
        """A listener of the run on screen (GUI thread)."""
        self.panel.progress.changed()
        self.loss_plot.changed()
        self.exports.weights_save.run_changed(run, update)
        if update is not None and update.setup is not None:
            self._update_legend(run.fixtures.class_names)
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
        self.scatter.set_points(snapshot.payload.latent, fixtures.view_labels)
        self.reconstructions.show_rows([fixtures.reconstruction_images[..., 0],
                                        snapshot.payload.reconstructions])
        self.timeline.show_label(snapshot.step, live)
        self.explorer.refresh()
        self.sig_snapshot_shown.emit(snapshot.step)

    @QtCore.Slot(int, bool)
    def _on_timeline_moved(self, step: int, live: bool) -> None:
        self._show_step(step, live)

    @QtCore.Slot(object)
    def _on_extent_changed(self, extent) -> None:
        lo, hi = extent
        self.extent_label.setText("extent   " + "    ".join(
            f"{n}: {a:+.2f} … {b:+.2f}" for n, a, b in zip("xyz", lo, hi)))

    @QtCore.Slot(int)
    def _on_point_clicked(self, index: int) -> None:
        if self.run is not None:
            self.explorer.select(index)

    # -- what the explorer and exports ask of the tab ------------------------------------------
    def fixtures(self):
        return self.run.fixtures

    def shown_codes(self) -> np.ndarray:
        return self.run.snapshots.at_step(self.shown_step).payload.latent

    def extent(self):
        return self.scatter.extent

    def is_live(self) -> bool:
        return self.timeline.is_live()

    def weights_note(self) -> str:
        snap = self.run.snapshots.with_weights_at(self.shown_step)
        return f"decoded with the weights of step {snap.step} (epoch {self.run.epoch_at(snap.step):.2f})"

    def decode(self, tag: str, z: np.ndarray) -> None:
        """Decode ``z`` with the weights of the step on screen, off the GUI thread; the answer
        comes to the explorer."""
        if self.run is None or not len(self.run.snapshots):
            return
        snap = self.run.snapshots.with_weights_at(self.shown_step)
        self.decoder.request(tag, functools.partial(self._decode_with, self.run.config,
                                                    snap.weights, np.array(z, np.float32)))

    def _decode_with(self, config, weights, z):  # runs in the decoder thread
        return self.replicas.with_weights(config, weights).decode(z)

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

    # -- what the window's shortcuts, settings and closing ask of a tab -------------------------
    def ask_save(self) -> None:
        ask_then(self, "Save model", "Keras model (*.keras)", self.exports.save_model)

    def ask_export(self) -> None:
        ask_then(self, "Latent space GIF", "GIF (*.gif)", self.exports.export_latent_gif)

    def settings_widgets(self) -> dict:
        return self.panel.settings_widgets()

    def settings_restored(self) -> None:
        self.scatter.set_fit_to_data(self.panel.fit_axes.isChecked())

    def request_stop(self) -> None:
        """Ask every thread of this tab to stop (closing); returns at once."""
        self.controls.request_stop()
        self.exports.tasks.cancel_all()
        self.decoder.request_stop()

    def threads(self) -> list[QtCore.QThread]:
        return [*self.controls.threads(), *self.exports.tasks.threads(), self.decoder]

    def shutdown(self) -> None:
        """Stop every thread this tab owns and wait for them."""
        self.request_stop()
        for thread in self.threads():
            thread.wait()
