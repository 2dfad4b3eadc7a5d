"""The autoencoder/VAE tab's "Export / model" menu: GIFs of a run, a PNG of the 3-D view, the
latent codes, the run as a TensorBoard log, and saving or loading a model. Everything is read
from the run's records (the step on screen, its codes and weights), never from a live trainer or
the view's buffers.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
from PySide6 import QtCore, QtWidgets

from engine.files.animations import save_animation
from engine.files.atomic import write_atomically
from engine.files.images import to_bytes
from engine.grids import image_grid
from engine.latent.datasets import load_dataset
from engine.latent.frames import TENSORBOARD_PICTURES, latent_frames, reconstruction_frames
from engine.latent.loaded import loaded_run
from engine.latent.models import autoencoder_weights_from_file, build_models, save_autoencoder
from engine.latent.training_data import prepare_training_data
from engine.runs.tensorboard_log import log_folder, write_run
from gui.widgets.file_dialogs import ask_path, ask_then, with_suffix
from gui.workers.background_task import BackgroundTask, BackgroundTasks
from gui.workers.weights_save import WeightsSave

GIF_MAX_FRAMES = 80


def save_weights_as_model(config, weights, path) -> Path:
    models = build_models(config)
    models.set_weights(weights)
    return save_autoencoder(models, path)


class LatentExports(QtCore.QObject):
    """The menu button and what its entries do, for the host tab's current run."""

    def __init__(self, host):
        super().__init__(host)
        self.host = host
        self.tasks = BackgroundTasks(host)
        self.tasks.sig_done.connect(host.show_done)
        self.tasks.sig_failed.connect(host.show_message)
        self.weights_save = WeightsSave(self.tasks, host.controls, save_weights_as_model)
        self.button = QtWidgets.QToolButton()
        self.button.setText("Export / model ▾")
        self.button.setToolTip("Save GIFs of the run, pictures of the views, the latent codes, "
                               "or the model; or load a saved model. Ctrl+E: the latent GIF.")
        self.button.setPopupMode(QtWidgets.QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QtWidgets.QMenu(self.button)
        for text, filters, action, save in (
                ("Latent space GIF…", "GIF (*.gif)", self.export_latent_gif, True),
                ("Reconstructions GIF…", "GIF (*.gif)", self.export_reconstruction_gif, True),
                ("Scatter PNG…", "PNG (*.png)", self.export_scatter_png, True),
                ("Latent codes (CSV or NPY)…", "CSV (*.csv);;NumPy (*.npy)",
                 self.export_latent_codes, True),
                ("Save model (.keras)…", "Keras model (*.keras)", self.save_model, True),
                ("Load model (.keras)…", "Keras model (*.keras)", self.load_model, False)):
            menu.addAction(text).triggered.connect(
                functools.partial(ask_then, host, text.rstrip("…"), filters, action, save))
        menu.addAction("Export run to TensorBoard…").triggered.connect(self.ask_tensorboard)
        self.button.setMenu(menu)

    def ask_walk(self, kind: str) -> None:
        if self.host.explorer.walk_images is None:
            self.host.show_message("Pick two points or more (Walk from here, …then to here) "
                                   "first.")
            return
        title, filters = {"gif": ("Walk GIF", "GIF (*.gif);;WebP (*.webp)"),
                          "png": ("Walk PNG strip", "PNG (*.png)")}[kind]
        ask_then(self.host, title, filters, self.export_walk_gif if kind == "gif"
                 else self.export_walk_strip)

    def export_walk_gif(self, path) -> BackgroundTask:
        """The walk's decodes as an animation, there and back so it loops."""
        path = with_suffix(path, (".gif", ".webp"))
        images = self.host.explorer.walk_images
        frames = [to_bytes(im.repeat(6, axis=0).repeat(6, axis=1)) for im in
                  list(images) + list(images[-2:0:-1])]
        return self.tasks.start(lambda: save_animation(frames, path, frame_ms=120,
                                                       last_frame_ms=None), f"Saved {path}")

    def export_walk_strip(self, path) -> bool:
        path = with_suffix(path, (".png",))
        strip = image_grid([self.host.explorer.walk_images], scale=4)
        try:
            write_atomically(path, lambda tmp: strip.save(tmp, "PNG"))
        except OSError as exc:
            self.host.show_message(f"Could not write {path}: {exc.strerror or exc}")
            return False
        self.host.show_done(f"Saved {path}")
        return True

    def _run(self):
        run = self.host.run
        if run is None or not len(run.snapshots):
            self.host.show_message("Nothing to export yet: start training first.")
            return None
        return run

    def _gif_snapshots(self, run):
        items = run.snapshots.items()
        chosen = items[::max(1, len(items) // GIF_MAX_FRAMES)]
        if chosen[-1] is not items[-1]:
            chosen.append(items[-1])
        return chosen

    def export_latent_gif(self, path) -> BackgroundTask | None:
        run = self._run()
        if run is None:
            return None
        snaps = self._gif_snapshots(run)
        return self.tasks.start(lambda: save_animation(latent_frames(run, snaps), path),
                                f"Saved {path}")

    def export_reconstruction_gif(self, path) -> BackgroundTask | None:
        run = self._run()
        if run is None:
            return None
        snaps = self._gif_snapshots(run)
        return self.tasks.start(lambda: save_animation(reconstruction_frames(run, snaps), path),
                                f"Saved {path}")

    def export_scatter_png(self, path) -> bool:
        path = with_suffix(path, (".png",))
        try:
            frame = self.host.scatter.grab_frame(timeout_s=2.0)
        except RuntimeError:
            self.host.show_message("The 3-D view is not on screen: show this tab, then export.")
            return False
        if not frame.save(str(path), "PNG"):
            self.host.show_message(f"Could not write {path}: is its folder writable?")
            return False
        self.host.show_done(f"Saved {path}")
        return True

    def export_latent_codes(self, path) -> bool:
        """The codes of the step on screen, with their labels: .csv (a table) or .npy."""
        run = self._run()
        if run is None:
            return False
        path = with_suffix(path, (".csv", ".npy"))
        codes = run.snapshots.at_step(self.host.shown_step).payload.latent
        labels = run.fixtures.view_labels
        def write(tmp: str) -> None:
            with open(tmp, "wb") as handle:  # a handle: np.save would add ".npy" to "x.NPY"
                if path.suffix.lower() == ".npy":
                    np.save(handle, codes)
                else:
                    np.savetxt(handle, np.c_[labels, codes], delimiter=",",
                               fmt=["%d"] + ["%.6f"] * codes.shape[1], comments="",
                               header="label," + ",".join(f"z{i + 1}" for i in range(codes.shape[1])))

        try:
            write_atomically(path, write)
        except OSError as exc:
            self.host.show_message(f"Could not write {path}: {exc.strerror or exc}")
            return False
        self.host.show_done(f"Saved {path}")
        return True

    def ask_tensorboard(self) -> None:
        folder = ask_path(self.host, "Export run to TensorBoard: choose a log folder", folder=True)
        if folder:
            self.export_tensorboard(folder)

    def export_tensorboard(self, root) -> BackgroundTask | None:
        """The run on screen (what it has so far) as a TensorBoard log in a new folder under
        ``root``: every loss point, pictures and codes per epoch, its settings."""
        run = self._run()
        if run is None:
            return None
        records = run.frozen()
        folder = log_folder(root, records)
        return self.tasks.start(lambda: write_run(records, folder, TENSORBOARD_PICTURES),
                                f"Wrote {folder}; see it with: tensorboard --logdir {root}")

    def save_model(self, path) -> None:
        """The weights of the step on screen (at the live end of training: of the next step)."""
        run = self._run()
        if run is None:
            return
        path = with_suffix(path, (".keras",))
        if not self.weights_save.save(run, self.host.shown_step, self.host.is_live(), str(path)):
            self.host.show_done("Saving the weights of the next step…")

    def load_model(self, path) -> BackgroundTask | None:
        """A new run from a model file, for the preset and model chosen in the panel."""
        try:
            config = self.host.panel.config()
        except ValueError as exc:
            self.host.show_message(str(exc))
            return None

        def load():
            weights = autoencoder_weights_from_file(path, config)
            dataset = load_dataset(config.dataset, image_shape=config.image_shape)
            data = prepare_training_data(config, dataset)
            return loaded_run(config, data, weights, Path(path).name)

        task = self.tasks.start(load, f"Loaded {path}")
        task.sig_done.connect(self._on_loaded)
        return task

    @QtCore.Slot(object)
    def _on_loaded(self, run) -> None:
        self.host.add_run(run)
