"""The autoencoder tab (case b) and the VAE tab (case c): one class, composed of small views.

Train live (scatter, reconstructions, loss curves, progress), then explore: click a point to
decode it, drag z sliders, interpolate between two picks, sample the VAE's prior, scrub the
recorded history, export GIFs, PNGs and latent codes, save and load the model.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
from PySide6 import QtCore, QtWidgets

from engine.latent.config import ModelKind, Preset, preset_config
from engine.latent.datasets import load_dataset
from engine.files.animations import save_animation
from engine.files.model_files import load_weights_into
from engine.latent.frames import latent_frames, reconstruction_frames
from engine.latent.seed_reference import seed_curve
from engine.latent.trainer import AutoencoderTrainer
from engine.runs.update import TrainingUpdate
from engine.latent.training_data import prepare_training_data
from gui.workers.background_task import BackgroundTask, BackgroundTasks
from gui.widgets.file_dialogs import ask_path, ask_then
from gui.widgets.image_panel import ImagePanel
from gui.workers.latest_request_worker import LatestRequestWorker
from gui.latent.scatter import LatentScatterView
from gui.widgets.loss_plot import LossPlot
from gui.widgets.run_progress import RunProgress
from gui.widgets.training_controls import TrainingControls, TrainingTabMixin

LOSS_CHOICES = {
    ModelKind.AE: (("Log loss (BCE)", "bce"), ("MSE", "mse")),
    ModelKind.VAE: (("Log loss + KL", "bce"), ("MSE + KL", "mse"), ("KL only", "kl")),
}
PRESET_CHOICES = (("Quick (dense, ~1 s/epoch)", Preset.QUICK), ("Seed 2018 (conv, slow)", Preset.SEED))
DATASET_CHOICES = (("MNIST (bundled)", "mnist"), ("Fashion-MNIST (bundled)", "fashion-mnist"),
                   ("Keras cache / download", "keras"), ("Choose a file or folder…", ""))
INTERPOLATION_STEPS = 9
GIF_MAX_FRAMES = 80


class AutoencoderTab(TrainingTabMixin, QtWidgets.QWidget):
    """Tab b or c, depending on ``kind``."""

    sig_snapshot_shown = QtCore.Signal(int)  # the step of the snapshot on screen

    def __init__(self, kind: ModelKind, parent=None):
        super().__init__(parent)
        self.kind = kind
        self.trainer: AutoencoderTrainer | None = None
        self.selected: int | None = None
        self._picks: dict[str, np.ndarray] = {}
        self.tasks = BackgroundTasks(self)
        self.tasks.sig_done.connect(self.show_message)
        self.tasks.sig_failed.connect(self.show_message)
        self._steps_per_epoch = 1
        self._custom_dataset = ""
        self.decoder_service = LatestRequestWorker(self)
        self.decoder_service.sig_done.connect(self._on_decoded)
        self.decoder_service.sig_failed.connect(self._on_decode_failed)
        self.decoder_service.start()
        self._build()

    # -- layout --------------------------------------------------------------------------------
    def _build(self) -> None:
        self.preset_box = QtWidgets.QComboBox()
        for text, preset in PRESET_CHOICES:
            self.preset_box.addItem(text, preset)
        self.preset_box.setToolTip("Quick: a small dense model. Seed 2018: the post's conv "
                                   "autoencoder, batch 10, Adam 8e-5 (minutes per epoch on a CPU).")
        self.loss_box = QtWidgets.QComboBox()
        for text, loss in LOSS_CHOICES[self.kind]:
            self.loss_box.addItem(text, loss)
        self.loss_box.setToolTip("What the model is trained to minimise.")
        self.dataset_box = QtWidgets.QComboBox()
        for text, source in DATASET_CHOICES:
            self.dataset_box.addItem(text, source)
        self.dataset_box.setToolTip("The digits (or clothes) to learn from; a file may be an "
                                    "mnist.npz or IDX files.")
        self.dataset_box.activated.connect(self._on_dataset_chosen)
        self.epochs_box = QtWidgets.QSpinBox()
        self.epochs_box.setRange(1, 10_000)
        self.epochs_box.setValue(10)
        self.epochs_box.setToolTip("How many passes over the training digits.")
        self.preset_box.currentIndexChanged.connect(self._on_preset_changed)
        self.many_points = QtWidgets.QCheckBox("Show 10,000 digits")
        self.many_points.setToolTip("Plot 10,000 digits in the latent space instead of 1,000.")
        self.fit_axes = QtWidgets.QCheckBox("Fit axes to data")
        self.fit_axes.setChecked(True)
        self.fit_axes.setToolTip("On: the box follows the codes. Off: it only grows, so the "
                                 "spread is seen as points moving outwards.")

        self.controls = TrainingControls(self, "model")
        self.lr_box = self.controls.lr_box
        self.controls.lock_while_running(self.preset_box, self.loss_box, self.dataset_box,
                                         self.epochs_box, self.many_points)
        self.start_button = self.controls.start_button
        self.pause_button = self.controls.pause_button
        self.stop_button = self.controls.stop_button
        self.reset_button = QtWidgets.QPushButton("Reset")
        self.reset_button.setToolTip("Forget this run.")
        self.start_button.clicked.connect(self.start)
        self.reset_button.clicked.connect(self.reset)
        self.run_progress = RunProgress("samples")
        self.message_label = QtWidgets.QLabel("")
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("color: #b00020;")

        self.export_button = QtWidgets.QToolButton()
        self.export_button.setText("Export / model ▾")
        self.export_button.setToolTip("Save GIFs of the run, pictures of the views, the latent "
                                      "codes, or the model; or load a saved model. Ctrl+E: the latent GIF.")
        self.export_button.setPopupMode(QtWidgets.QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QtWidgets.QMenu(self.export_button)
        for text, filters, action, save in (
                ("Latent space GIF…", "GIF (*.gif)", self.export_latent_gif, True),
                ("Reconstructions GIF…", "GIF (*.gif)", self.export_reconstruction_gif, True),
                ("Scatter PNG…", "PNG (*.png)", self.export_scatter_png, True),
                ("Latent codes (CSV or NPY)…", "CSV (*.csv);;NumPy (*.npy)",
                 self.export_latent_codes, True),
                ("Save model (.keras)…", "Keras model (*.keras)", self.save_model, True),
                ("Load model (.keras)…", "Keras model (*.keras)", self.load_model, False)):
            menu.addAction(text).triggered.connect(
                functools.partial(ask_then, self, text.rstrip("…"), filters, action, save))
        self.export_button.setMenu(menu)

        form = QtWidgets.QFormLayout()
        form.addRow("Preset", self.preset_box)
        form.addRow("Loss", self.loss_box)
        form.addRow("Data", self.dataset_box)
        form.addRow("Epochs", self.epochs_box)
        form.addRow("Learning rate", self.lr_box)
        buttons = QtWidgets.QGridLayout()
        buttons.addWidget(self.start_button, 0, 0)
        buttons.addWidget(self.pause_button, 0, 1)
        buttons.addWidget(self.stop_button, 1, 0)
        buttons.addWidget(self.reset_button, 1, 1)
        left = QtWidgets.QVBoxLayout()
        left.addLayout(form)
        left.addWidget(self.many_points)
        left.addWidget(self.fit_axes)
        left.addLayout(buttons)
        left.addWidget(self.run_progress)
        left.addWidget(self.export_button)
        left.addWidget(self.message_label)
        left.addStretch(1)
        left_box = QtWidgets.QWidget()
        left_box.setLayout(left)
        left_box.setFixedWidth(270)

        self.scatter = LatentScatterView()
        self.scatter.sig_point_clicked.connect(self._on_point_clicked)
        self.fit_axes.toggled.connect(self.scatter.set_fit_to_data)
        self.extent_label = QtWidgets.QLabel("")
        self.extent_label.setToolTip("The latent box's extent on each axis.")
        self.scatter.sig_extent_changed.connect(self._on_extent_changed)
        self.legend = QtWidgets.QLabel("")
        self.timeline = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.timeline.setRange(0, 0)
        self.timeline.setToolTip("Replay the run: drag back to see the latent space and "
                                 "reconstructions at any recorded step; at the right end it is live.")
        self.timeline.valueChanged.connect(self._on_timeline_moved)
        self.timeline_label = QtWidgets.QLabel("live")
        centre = QtWidgets.QVBoxLayout()
        centre.addWidget(self.legend)
        centre.addWidget(self.scatter.container(self), 1)
        centre.addWidget(self.extent_label)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(QtWidgets.QLabel("Timeline"))
        row.addWidget(self.timeline, 1)
        row.addWidget(self.timeline_label)
        centre.addLayout(row)

        self.reconstructions = ImagePanel("Originals (top) and their reconstructions (bottom)",
                                          (260, 70))
        self.loss_plot = LossPlot(("total", "reconstruction", "kl") if self.kind is ModelKind.VAE
                                  else ("total", "reconstruction"))
        self.right = QtWidgets.QVBoxLayout()
        self.right.addWidget(QtWidgets.QLabel("Reconstructions"))
        self.right.addWidget(self.reconstructions)
        self.right.addWidget(self._build_decode_panel())
        self.right.addWidget(self.loss_plot, 1)
        right_box = QtWidgets.QWidget()
        right_box.setLayout(self.right)
        right_box.setFixedWidth(400)

        layout = QtWidgets.QHBoxLayout(self)
        layout.addWidget(left_box)
        layout.addLayout(centre, 1)
        layout.addWidget(right_box)
        self._update_legend(("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"))

    def _build_decode_panel(self) -> QtWidgets.QWidget:
        box = QtWidgets.QGroupBox("Explore the latent space")
        grid = QtWidgets.QGridLayout(box)
        self.selected_original = ImagePanel("The clicked digit", (80, 80))
        self.selected_decoded = ImagePanel("Its reconstruction", (80, 80))
        self.slider_decoded = ImagePanel("Decoded from the sliders' z", (80, 80))
        self.selected_label = QtWidgets.QLabel("Click a point in the 3-D view.")
        self.selected_label.setWordWrap(True)
        grid.addWidget(self.selected_original, 0, 0)
        grid.addWidget(self.selected_decoded, 0, 1)
        grid.addWidget(self.slider_decoded, 0, 2)
        grid.addWidget(self.selected_label, 1, 0, 1, 3)
        self.z_sliders = []
        for i in range(3):
            slider = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
            slider.setRange(-1000, 1000)
            slider.setToolTip(f"z{i + 1}, across the latent box's extent on that axis; the "
                              "decoded digit follows as you drag.")
            slider.valueChanged.connect(self._on_slider_moved)
            grid.addWidget(QtWidgets.QLabel(f"z{i + 1}"), 2 + i, 0)
            grid.addWidget(slider, 2 + i, 1, 1, 2)
            self.z_sliders.append(slider)
        self.pick_a = QtWidgets.QPushButton("Use as A")
        self.pick_b = QtWidgets.QPushButton("Use as B")
        self.pick_a.setToolTip("Remember the clicked digit's code as the start of an interpolation.")
        self.pick_b.setToolTip("Remember the clicked digit's code as the end of an interpolation.")
        self.pick_a.clicked.connect(lambda: self._pick("a"))
        self.pick_b.clicked.connect(lambda: self._pick("b"))
        grid.addWidget(self.pick_a, 5, 0)
        grid.addWidget(self.pick_b, 5, 1)
        self.sample_button = QtWidgets.QPushButton("Sample prior")
        self.sample_button.setToolTip("Draw z from N(0, I) and decode it (what a VAE generates).")
        self.sample_button.clicked.connect(self.sample_prior)
        self.sample_button.setVisible(self.kind is ModelKind.VAE)
        grid.addWidget(self.sample_button, 5, 2)
        self.interpolation = ImagePanel("Decodes from A to B", (300, 40))
        grid.addWidget(self.interpolation, 6, 0, 1, 3)
        return box

    def _update_legend(self, class_names) -> None:
        from engine.latent.palette import SEED_RGB

        chips = " ".join(
            f"<span style='color: rgb({r},{g},{b}); font-size: 16px'>●</span>{name}"
            for (r, g, b), name in zip(SEED_RGB.tolist(), class_names))
        self.legend.setText(chips)

    # -- run control ---------------------------------------------------------------------------
    def current_config(self):
        preset = self.preset_box.currentData()
        return preset_config(
            self.kind, self.loss_box.currentData(), preset, epochs=self.epochs_box.value(),
            learning_rate=self.lr_box.value(),
            dataset=self.dataset_box.currentData() or self._custom_dataset or "mnist",
            latent_points=10_000 if self.many_points.isChecked() else 1_000)

    @QtCore.Slot()
    def start(self) -> bool:
        """Start a new run; refused (with a message) while one is going."""
        if self.controls.is_running():
            self.show_message("A run is already going: stop it first.")
            return False
        try:
            config = self.current_config()
        except ValueError as exc:
            self.show_message(str(exc))
            return False
        self.reset()
        self.show_message("")
        self._steps_per_epoch = 1
        self.loss_plot.set_reference(
            seed_curve(self.kind.value, config.loss.value)
            if config.preset is Preset.SEED and config.reduction.value == "seed" else None)

        def make_trainer():
            data = prepare_training_data(config, load_dataset(config.dataset))
            return AutoencoderTrainer(config, data)

        self.run_progress.say("Loading data and building the model…")
        self.controls.launch(make_trainer, self._on_trainer_ready, self._on_update, self._on_failed)
        return True

    @QtCore.Slot()
    def reset(self) -> None:
        self._stop_worker()
        old, self.trainer = self.trainer, None
        self.decoder_service.cancel()
        if old is not None and not self.tasks.busy():  # an export still running keeps it whole
            self.decoder_service.release_later(old)
        self.selected = None
        self._picks.clear()
        self.loss_plot.clear_points()
        self.timeline.blockSignals(True)
        self.timeline.setRange(0, 0)
        self.timeline.blockSignals(False)
        self.run_progress.reset()
        self.controls.set_state("idle")

    def shutdown(self) -> None:
        """Stop every thread this tab owns; called when the window closes."""
        self._stop_worker()
        self.tasks.wait_all()
        self.decoder_service.stop_and_wait()

    def _stop_worker(self) -> None:
        self.controls.stop_and_wait()

    # -- slots fed by the worker (run in the GUI thread) ---------------------------------------
    @QtCore.Slot(object)
    def _on_trainer_ready(self, trainer: AutoencoderTrainer) -> None:
        self.trainer = trainer
        self._steps_per_epoch = trainer.steps_per_epoch
        self.run_progress.begin(trainer.total_steps, trainer.config.epochs)
        self._update_legend(trainer.data.class_names)

    @QtCore.Slot(object)
    def _on_update(self, update: TrainingUpdate) -> None:
        self.loss_plot.append(update.loss_points, self._steps_per_epoch)
        self.run_progress.show_update(update)
        if update.snapshot is not None and self.trainer is not None:
            at_end = self.timeline.value() == self.timeline.maximum()
            self.timeline.blockSignals(True)
            self.timeline.setMaximum(len(self.trainer.snapshots) - 1)
            if at_end:
                self.timeline.setValue(self.timeline.maximum())
            self.timeline.blockSignals(False)
            if at_end:
                self._show_snapshot(update.snapshot, live=True)
        if update.done and update.message:
            self.show_message(update.message)

    @QtCore.Slot(str)
    def _on_failed(self, message: str) -> None:
        self.show_message(message)

    # -- showing snapshots ---------------------------------------------------------------------
    def _show_snapshot(self, snapshot, live: bool) -> None:
        data = self.trainer.data
        self.scatter.set_points(snapshot.latent, data.view_labels)
        self.reconstructions.show_rows([data.reconstruction_images[..., 0],
                                        snapshot.reconstructions])
        self.timeline_label.setText("live" if live else f"step {snapshot.step}")
        if self.selected is not None:
            self._request_selected_decode()
        self.sig_snapshot_shown.emit(snapshot.step)

    @QtCore.Slot(int)
    def _on_timeline_moved(self, index: int) -> None:
        if self.trainer is None or not len(self.trainer.snapshots):
            return
        index = min(index, len(self.trainer.snapshots) - 1)
        self._show_snapshot(self.trainer.snapshots[index], live=index == self.timeline.maximum())

    @QtCore.Slot(object)
    def _on_extent_changed(self, extent) -> None:
        lo, hi = extent
        self.extent_label.setText("extent   " + "    ".join(
            f"{n}: {a:+.2f} … {b:+.2f}" for n, a, b in zip("xyz", lo, hi)))

    # -- exploring -----------------------------------------------------------------------------
    @QtCore.Slot(int)
    def _on_point_clicked(self, index: int) -> None:
        if self.trainer is None:
            return
        self.selected = index
        data = self.trainer.data
        self.selected_original.show_image(data.view_images[index, ..., 0])
        code = self.scatter.positions[index]
        name = data.class_names[data.view_labels[index]]
        self.selected_label.setText(
            f"digit #{index} · label {name} · z = ({', '.join(f'{v:.2f}' for v in code)})")
        self._request_selected_decode()

    def _request_selected_decode(self) -> None:
        self._decode("selected", self.scatter.positions[self.selected])

    def _slider_latent(self) -> np.ndarray:
        lo, hi = self.scatter.extent
        t = np.array([s.value() for s in self.z_sliders], np.float64) / 1000.0
        return (lo + (t + 1) / 2 * (hi - lo)).astype(np.float32)

    @QtCore.Slot()
    def _on_slider_moved(self) -> None:
        if self.trainer is not None:
            self._decode("slider", self._slider_latent())

    def set_slider_latent(self, z: np.ndarray) -> None:
        lo, hi = self.scatter.extent
        t = (np.asarray(z) - lo) / np.maximum(hi - lo, 1e-9) * 2 - 1
        for slider, value in zip(self.z_sliders, t):
            slider.blockSignals(True)
            slider.setValue(int(np.clip(value, -1, 1) * 1000))
            slider.blockSignals(False)
        self._on_slider_moved()

    def _pick(self, which: str) -> None:
        if self.selected is None:
            self.show_message("Click a point first, then use it as A or B.")
            return
        self._picks[which] = self.scatter.positions[self.selected].copy()
        if {"a", "b"} <= self._picks.keys():
            t = np.linspace(0, 1, INTERPOLATION_STEPS)[:, None]
            path = (1 - t) * self._picks["a"] + t * self._picks["b"]
            self._decode("interpolation", path)

    @QtCore.Slot()
    def sample_prior(self) -> None:
        z = np.random.default_rng().standard_normal(3).astype(np.float32)
        self.set_slider_latent(z)

    def _decode(self, tag: str, latent: np.ndarray) -> None:
        """Decode ``latent`` off the GUI thread; the answer comes to ``_on_decoded``."""
        if self.trainer is not None:
            self.decoder_service.request(tag, functools.partial(self.trainer.decode, np.array(latent)))

    @QtCore.Slot(str, str)
    def _on_decode_failed(self, _tag: str, message: str) -> None:
        self.show_message(f"decoding failed: {message}")

    @QtCore.Slot(str, object)
    def _on_decoded(self, tag: str, images: np.ndarray) -> None:
        if tag == "selected":
            self.selected_decoded.show_image(images[0])
        elif tag == "slider":
            self.slider_decoded.show_image(images[0])
        elif tag == "interpolation":
            self.interpolation.show_rows([images])

    @QtCore.Slot()
    def _on_preset_changed(self) -> None:
        seed = self.preset_box.currentData() is Preset.SEED
        self.lr_box.setValue(8e-5 if seed else 1e-3)
        self.epochs_box.setValue(21 if seed else 10)

    @QtCore.Slot(int)
    def _on_dataset_chosen(self, index: int) -> None:
        if self.dataset_box.itemData(index):
            return
        path = ask_path(self, "Choose a dataset", "MNIST files (*.npz *ubyte *.gz);;All (*)",
                        save=False)
        if path:
            self._custom_dataset = path
            self.dataset_box.setItemText(index, Path(path).name)
        else:
            self.dataset_box.setCurrentIndex(0)

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)

    # -- export --------------------------------------------------------------------------------
    def _gif_snapshots(self):
        items = self.trainer.snapshots.items()
        step = max(1, len(items) // GIF_MAX_FRAMES)
        chosen = items[::step]
        if chosen[-1] is not items[-1]:
            chosen.append(items[-1])
        return chosen

    def _need_run(self) -> bool:
        if self.trainer is None or not len(self.trainer.snapshots):
            self.show_message("Nothing to export yet: start training first.")
            return False
        return True

    def export_latent_gif(self, path: str | Path) -> BackgroundTask | None:
        if not self._need_run():
            return None
        snaps, labels = self._gif_snapshots(), self.trainer.data.view_labels
        return self.tasks.start(lambda: save_animation(latent_frames(snaps, labels), path),
                              f"Saved {path}")

    def export_reconstruction_gif(self, path: str | Path) -> BackgroundTask | None:
        if not self._need_run():
            return None
        snaps, originals = self._gif_snapshots(), self.trainer.data.reconstruction_images
        return self.tasks.start(lambda: save_animation(reconstruction_frames(snaps, originals), path),
                              f"Saved {path}")

    def export_scatter_png(self, path: str | Path) -> bool:
        ok = self.scatter.grabFramebuffer().save(str(path))
        self.show_message(f"Saved {path}" if ok else f"Could not write {path}")
        return ok

    def export_latent_codes(self, path: str | Path) -> bool:
        if not self._need_run():
            return False
        path = Path(path)
        codes, labels = self.scatter.positions, self.trainer.data.view_labels
        try:
            if path.suffix == ".npy":
                np.save(path, codes)
            else:
                table = np.c_[labels, codes]
                np.savetxt(path, table, delimiter=",", fmt=["%d", "%.6f", "%.6f", "%.6f"],
                           header="label,z1,z2,z3", comments="")
        except OSError as exc:
            self.show_message(f"Could not write {path}: {exc.strerror or exc}")
            return False
        self.show_message(f"Saved {path}")
        return True

    def save_model(self, path: str | Path) -> BackgroundTask | None:
        if not self._need_run():
            return None
        return self.tasks.start(lambda: self.trainer.save(path), f"Saved {path}")

    def load_model(self, path: str | Path) -> BackgroundTask | None:
        if self.trainer is None:
            self.show_message("Start (or start and stop) a run with the model's preset first; "
                              "its weights are then replaced by the file's.")
            return None
        if self.controls.is_running():
            self.show_message("Stop training before loading a model.")
            return None
        trainer = self.trainer

        def load():
            load_weights_into(trainer.models, path)
            return trainer.snapshot()

        task = self.tasks.start(load, f"Loaded {path}")
        task.sig_done.connect(self._on_model_loaded)
        return task

    @QtCore.Slot(object)
    def _on_model_loaded(self, snapshot) -> None:
        if self.trainer is not None:
            self.trainer.snapshots.add(snapshot)
            self.timeline.setMaximum(len(self.trainer.snapshots) - 1)
            self.timeline.setValue(self.timeline.maximum())
            self._show_snapshot(snapshot, live=True)

    # -- what the window's shortcuts and settings ask of a tab ------------------------------
    def ask_save(self) -> None:
        ask_then(self, "Save model", "Keras model (*.keras)", self.save_model)

    def ask_export(self) -> None:
        ask_then(self, "Latent space GIF", "GIF (*.gif)", self.export_latent_gif)

    def settings_widgets(self) -> dict:
        return {"preset": self.preset_box, "loss": self.loss_box, "epochs": self.epochs_box,
                "learning_rate": self.lr_box, "many_points": self.many_points,
                "fit_axes": self.fit_axes}

    def settings_restored(self) -> None:
        self.scatter.set_fit_to_data(self.fit_axes.isChecked())
