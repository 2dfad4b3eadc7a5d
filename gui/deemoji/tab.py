"""The de-emoji tab (case d): train a network to remove emoji pasted on photos and watch held-out
triplets (with emoji / original / output) and PSNR inside and outside the emoji; then try it by
hand: click a photo to paste an emoji and see the network's answer at once.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
from PIL import Image
from PySide6 import QtCore, QtGui, QtWidgets

from engine.files.animations import save_animation
from engine.cppn.colormaps import to_bytes
from engine.deemoji.data import bundled_photo_paths, emoji_paths, load_emoji, paste
from engine.deemoji.models import DeEmojiNet, PhotoSource, preset
from engine.deemoji.trainer import DeEmojiTrainer, prepare_data
from engine.files.images import ImageFileError, fit_within, image_to_array, load_image
from engine.latent.frames import captioned_grids
from gui.workers.background_task import BackgroundTask, BackgroundTasks
from gui.widgets.file_dialogs import PICTURE_FILTER, ask_path, ask_then
from gui.widgets.image_panel import ImagePanel
from gui.workers.latest_request_worker import LatestRequestWorker
from gui.widgets.loss_plot import LossPlot
from gui.widgets.run_progress import RunProgress
from gui.widgets.training_controls import TrainingControls, TrainingTabMixin

NETWORKS = (("Improved: finds the emoji, fills the hole", DeEmojiNet.IMPROVED, 1.0),
            ("Seed 2018, ¼ width (CPU-friendly)", DeEmojiNet.SEED, 0.25),
            ("Seed 2018 as published (slow on a CPU)", DeEmojiNet.SEED, 1.0))
PHOTO_SOURCES = (("Bundled photos (28)", PhotoSource.BUNDLED), ("A folder of my photos…",
                 PhotoSource.FOLDER), ("STL-10 train_X.bin…", PhotoSource.STL10))
HAND_SIDE = 192      # the by-hand photo's longer side: about the scale of a training crop
GIF_MAX_FRAMES = 60


class DeEmojiTab(TrainingTabMixin, QtWidgets.QWidget):
    """Tab d."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.trainer: DeEmojiTrainer | None = None
        self._photo_path = ""
        self.tasks = BackgroundTasks(self)
        self.tasks.sig_done.connect(self._on_task_done)
        self.tasks.sig_failed.connect(self.show_message)
        paths = emoji_paths()
        self.emoji = load_emoji(paths)
        self.emoji_names = [p.stem for p in paths]
        self.hand_photo = np.zeros((HAND_SIDE, HAND_SIDE, 3), np.float32)
        self.hand_image = self.hand_photo.copy()
        self.hand_output: np.ndarray | None = None
        self.applier = LatestRequestWorker(self)
        self.applier.sig_done.connect(self._on_applied)
        self.applier.sig_failed.connect(self._on_apply_failed)
        self.applier.start()
        self._build()
        self._load_hand_photo(str(bundled_photo_paths()[0]))

    # -- layout --------------------------------------------------------------------------------
    def _build(self) -> None:
        self.net_box = QtWidgets.QComboBox()
        for text, net, width in NETWORKS:
            self.net_box.addItem(text, (net, width))
        self.net_box.setToolTip("Improved: a U-Net that keeps the photo where there is no emoji "
                                "and fills the emoji with the colours around it. Seed 2018: the "
                                "post's network.")
        self.net_box.currentIndexChanged.connect(self._on_net_changed)
        self.photos_box = QtWidgets.QComboBox()
        for text, source in PHOTO_SOURCES:
            self.photos_box.addItem(text, source)
        self.photos_box.setToolTip("Where the 96×96 training pictures come from; some photos "
                                   "are always held out for measuring.")
        self.photos_box.activated.connect(self._on_photos_chosen)
        self.images_box = self._spin(50, 50_000, 1000, "How many 96×96 training pictures.")
        self.epochs_box = self._spin(1, 1000, 5, "Passes over the training pictures.")
        self.fresh_box = QtWidgets.QCheckBox("New emoji every epoch")
        self.fresh_box.setChecked(True)
        self.fresh_box.setToolTip("Paste fresh emoji each epoch (the 2018 run pasted once).")
        self.controls = TrainingControls(self, "network")
        self.lr_box = self.controls.lr_box
        self.controls.lock_while_running(self.net_box, self.photos_box, self.images_box,
                                         self.epochs_box, self.fresh_box)
        self.start_button = self.controls.start_button
        self.start_button.clicked.connect(self.start)
        self.pause_button = self.controls.pause_button
        self.stop_button = self.controls.stop_button
        self.run_progress = RunProgress("pictures", loss_digits=4)
        self.message_label = QtWidgets.QLabel("")
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("color: #b00020;")
        files = QtWidgets.QHBoxLayout()
        for text, tip, slot in (("Save…", "Save the network (.keras).", self.ask_save),
                                ("Load…", "Load a saved network of the chosen design.", self.ask_load),
                                ("GIF…", "Export the held-out triplets over time.", self.ask_export)):
            button = QtWidgets.QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            files.addWidget(button)

        form = QtWidgets.QFormLayout()
        form.addRow("Network", self.net_box)
        form.addRow("Photos", self.photos_box)
        form.addRow("Pictures", self.images_box)
        form.addRow("Epochs", self.epochs_box)
        form.addRow("Learning rate", self.lr_box)
        form.addRow(self.fresh_box)
        buttons = QtWidgets.QHBoxLayout()
        for b in (self.start_button, self.pause_button, self.stop_button):
            buttons.addWidget(b)
        left = QtWidgets.QVBoxLayout()
        left.addLayout(form)
        left.addLayout(buttons)
        left.addWidget(self.run_progress)
        left.addLayout(files)
        left.addWidget(self.message_label)
        left.addStretch(1)
        left_box = QtWidgets.QWidget()
        left_box.setLayout(left)
        left_box.setFixedWidth(300)

        self.triplets = ImagePanel("Held-out photos: with emoji, original, the network's output",
                                   (420, 220))
        self.loss_plot = LossPlot(("total",))
        self.psnr_plot = LossPlot(("whole", "inside", "outside"), y_label="PSNR (dB)")
        self.psnr_plot.setToolTip("PSNR of the output on held-out pictures: over the whole "
                                  "picture, inside the emoji, and outside it.")
        centre = QtWidgets.QVBoxLayout()
        centre.addWidget(QtWidgets.QLabel("Held out: with emoji (top), original, output (bottom)"))
        centre.addWidget(self.triplets, 2)
        plots = QtWidgets.QHBoxLayout()
        plots.addWidget(self.loss_plot)
        plots.addWidget(self.psnr_plot)
        centre.addLayout(plots, 1)

        layout = QtWidgets.QHBoxLayout(self)
        layout.addWidget(left_box)
        layout.addLayout(centre, 1)
        layout.addWidget(self._build_hand_box())

    def _build_hand_box(self) -> QtWidgets.QGroupBox:
        box = QtWidgets.QGroupBox("Try it by hand")
        box.setFixedWidth(340)
        form = QtWidgets.QFormLayout(box)
        self.hand_photo_box = QtWidgets.QComboBox()
        for path in bundled_photo_paths():
            self.hand_photo_box.addItem(path.stem, str(path))
        self.hand_photo_box.addItem("Open a picture…", "")
        self.hand_photo_box.setToolTip("The photo to paste emoji on.")
        self.hand_photo_box.activated.connect(self._on_hand_photo_chosen)
        form.addRow("Photo", self.hand_photo_box)
        self.emoji_box = QtWidgets.QComboBox()
        for name, pixels in zip(self.emoji_names, self.emoji):
            rgba = np.ascontiguousarray(pixels.astype(np.uint8))
            image = QtGui.QImage(rgba.data, rgba.shape[1], rgba.shape[0], rgba.strides[0],
                                 QtGui.QImage.Format.Format_RGBA8888).copy()
            self.emoji_box.addItem(QtGui.QIcon(QtGui.QPixmap.fromImage(image)), name)
        self.emoji_box.setToolTip("The emoji a click pastes.")
        form.addRow("Emoji", self.emoji_box)
        self.emoji_size = self._spin(8, 128, 40, "The pasted emoji's side, in pixels (training "
                                     "used 40 on 96-pixel pictures).")
        form.addRow("Size", self.emoji_size)
        self.hand_input = ImagePanel("Click to paste the emoji here", (300, 220))
        self.hand_input.sig_clicked.connect(self.paste_at)
        self.hand_output_view = ImagePanel("The network's output", (300, 220))
        form.addRow(QtWidgets.QLabel("Click the photo to paste:"))
        form.addRow(self.hand_input)
        form.addRow(QtWidgets.QLabel("The network's answer:"))
        form.addRow(self.hand_output_view)
        row = QtWidgets.QHBoxLayout()
        clear = QtWidgets.QPushButton("Clear")
        clear.setToolTip("Remove every pasted emoji.")
        clear.clicked.connect(self._on_clear_hand)
        save = QtWidgets.QPushButton("Save result…")
        save.setToolTip("Save the photo with emoji beside the network's output as a PNG.")
        save.clicked.connect(self._on_save_hand)
        row.addWidget(clear)
        row.addWidget(save)
        form.addRow(row)
        return box

    @staticmethod
    def _spin(lo: int, hi: int, value: int, tip: str) -> QtWidgets.QSpinBox:
        spin = QtWidgets.QSpinBox()
        spin.setRange(lo, hi)
        spin.setValue(value)
        spin.setToolTip(tip)
        return spin

    # -- run control ---------------------------------------------------------------------------
    def current_config(self):
        net, width = self.net_box.currentData()
        return preset(net, width_scale=width, photo_source=self.photos_box.currentData(),
                      photo_path=self._photo_path, train_images=self.images_box.value(),
                      epochs=self.epochs_box.value(), learning_rate=self.lr_box.value(),
                      fresh_emoji=self.fresh_box.isChecked())

    @QtCore.Slot()
    def start(self) -> bool:
        if self.controls.is_running():
            self.show_message("Training is already going: stop it first.")
            return False
        try:
            config = self.current_config()
        except ValueError as exc:
            self.show_message(str(exc))
            return False
        self.show_message("")
        self.loss_plot.clear_points()
        self.psnr_plot.clear_points()
        self.run_progress.say("Cutting crops and pasting emoji…")
        self.controls.launch(lambda: DeEmojiTrainer(config, prepare_data(config)),
                             self._on_trainer_ready, self._on_update, self._on_failed)
        return True

    @QtCore.Slot(object)
    def _on_trainer_ready(self, trainer: DeEmojiTrainer) -> None:
        old, self.trainer = self.trainer, trainer
        if old is not None and not self.tasks.busy():  # a save still running keeps it whole
            self.applier.release_later(old)
        self.run_progress.begin(trainer.total_steps, trainer.config.epochs)
        if trainer.data.problems:
            self.show_message("Skipped: " + "; ".join(trainer.data.problems[:5]))
        self._request_hand_output()

    @QtCore.Slot(str)
    def _on_failed(self, message: str) -> None:
        self.show_message(message)

    @QtCore.Slot(object)
    def _on_update(self, update) -> None:
        self.loss_plot.append(update.loss_points, self.trainer.steps_per_epoch)
        self.run_progress.show_update(update)
        snap = update.snapshot
        if snap is not None:
            view = self.trainer.view
            self.triplets.show_rows([view.corrupted, view.clean, snap.outputs])
            self.psnr_plot.append([snap.psnr], self.trainer.steps_per_epoch)
            self.psnr_plot.redraw()
            self._request_hand_output()
        if update.done and update.message:
            self.show_message(update.message)

    @QtCore.Slot(int)
    def _on_net_changed(self, _index: int) -> None:
        net, _ = self.net_box.currentData()
        self.lr_box.setValue(8e-5 if net is DeEmojiNet.SEED else 1e-3)
        self.fresh_box.setChecked(net is DeEmojiNet.IMPROVED)

    @QtCore.Slot(int)
    def _on_photos_chosen(self, index: int) -> None:
        source = self.photos_box.itemData(index)
        if source is PhotoSource.FOLDER:
            path = ask_path(self, "A folder of photos", folder=True)
        elif source is PhotoSource.STL10:
            path = ask_path(self, "STL-10 train_X.bin", "STL-10 binary (*.bin);;All (*)", save=False)
        else:
            return
        if path:
            self._photo_path = path
        else:
            self.photos_box.setCurrentIndex(0)

    # -- by hand -------------------------------------------------------------------------------
    def _load_hand_photo(self, path: str) -> bool:
        try:
            photo = image_to_array(fit_within(load_image(path, "RGB"), HAND_SIDE))
        except ImageFileError as exc:
            self.show_message(str(exc))
            return False
        self.hand_photo = photo
        self._on_clear_hand()
        return True

    @QtCore.Slot(int)
    def _on_hand_photo_chosen(self, index: int) -> None:
        path = self.hand_photo_box.itemData(index)
        if not path:
            path = ask_path(self, "A photo", PICTURE_FILTER, save=False)
            if not path:
                return
        self._load_hand_photo(path)

    @QtCore.Slot(int, int)
    def paste_at(self, row: int, col: int) -> None:
        """Paste the chosen emoji centred on pixel (row, col) of the by-hand photo."""
        side = self.emoji_size.value()
        pixels = self.emoji[self.emoji_box.currentIndex()].astype(np.uint8)
        emoji = np.asarray(Image.fromarray(pixels, "RGBA").resize((side, side), Image.LANCZOS),
                           np.float32)
        pasted, _ = paste(self.hand_image * 255.0, emoji, row - side // 2, col - side // 2)
        self.hand_image = pasted / 255.0
        self.hand_input.show_image(self.hand_image)
        self._request_hand_output()

    @QtCore.Slot()
    def _on_clear_hand(self) -> None:
        self.hand_image = self.hand_photo.copy()
        self.hand_input.show_image(self.hand_image)
        self._request_hand_output()

    def _request_hand_output(self) -> None:
        if self.trainer is not None:
            self.applier.request("hand", functools.partial(self.trainer.clean_up,
                                                            self.hand_image[None].copy()))

    @QtCore.Slot(str, object)
    def _on_applied(self, tag: str, output: np.ndarray) -> None:
        if tag != "hand":  # a finished run being let go
            return
        self.hand_output = output[0]
        self.hand_output_view.show_image(self.hand_output)

    @QtCore.Slot(str, str)
    def _on_apply_failed(self, _tag: str, message: str) -> None:
        self.show_message(f"The network could not run: {message}")

    @QtCore.Slot()
    def _on_save_hand(self) -> None:
        ask_then(self, "Save result", "PNG (*.png)", self.save_hand_result)

    def save_hand_result(self, path: str | Path) -> bool:
        if self.hand_output is None:
            self.show_message("Train (or load) a network first.")
            return False
        pair = np.concatenate([self.hand_image, self.hand_output], axis=1)
        try:
            Image.fromarray(to_bytes(pair)).save(path)
        except (OSError, ValueError) as exc:
            self.show_message(f"Could not write {path}: {exc}")
            return False
        self.show_message(f"Saved {path}", error=False)
        return True

    # -- files ---------------------------------------------------------------------------------
    @QtCore.Slot(str)
    def _on_task_done(self, done_text: str) -> None:
        self.show_message(done_text, error=False)
        self._request_hand_output()

    def _need_trainer(self) -> bool:
        if self.trainer is None:
            self.show_message("Start (or start and stop) a run with this network first.")
            return False
        return True

    def save_model(self, path: str | Path) -> BackgroundTask | None:
        return self.tasks.start(functools.partial(self.trainer.save, path), f"Saved {path}") \
            if self._need_trainer() else None

    def load_model(self, path: str | Path) -> BackgroundTask | None:
        if not self._need_trainer():
            return None
        if self.controls.is_running():
            self.show_message("Stop training before loading a network.")
            return None
        return self.tasks.start(functools.partial(self.trainer.load_weights, path), f"Loaded {path}")

    def export_gif(self, path: str | Path) -> BackgroundTask | None:
        if not self._need_trainer():
            return None
        snaps = self.trainer.snapshots[::max(1, len(self.trainer.snapshots) // GIF_MAX_FRAMES)]
        view = self.trainer.view
        grids = [[view.corrupted, view.clean, s.outputs] for s in snaps]
        captions = [f"epoch {s.epoch:.2f}  step {s.step}  PSNR under the emoji "
                    f"{s.psnr.inside:.1f} dB" for s in snaps]
        return self.tasks.start(lambda: save_animation(captioned_grids(grids, captions, scale=2),
                                                       path), f"Saved {path}")

    # -- what the window's shortcuts and settings ask of a tab ------------------------------
    @QtCore.Slot()
    def ask_save(self) -> None:
        ask_then(self, "Save network", "Keras model (*.keras)", self.save_model)

    @QtCore.Slot()
    def ask_load(self) -> None:
        ask_then(self, "Load network", "Keras model (*.keras)", self.load_model, save=False)

    @QtCore.Slot()
    def ask_export(self) -> None:
        ask_then(self, "Export GIF", "GIF (*.gif);;WebP (*.webp)", self.export_gif)

    def settings_widgets(self) -> dict:
        return {"network": self.net_box, "pictures": self.images_box, "epochs": self.epochs_box,
                "learning_rate": self.lr_box, "fresh_emoji": self.fresh_box,
                "emoji_size": self.emoji_size}

    def settings_restored(self) -> None:
        pass

    def show_message(self, text: str, error: bool = True) -> None:
        self.message_label.setStyleSheet("color: #b00020;" if error else "color: #205020;")
        self.message_label.setText(text)

    def shutdown(self) -> None:
        """Stop every thread this tab owns; called when the window closes."""
        self.controls.stop_and_wait()
        self.tasks.wait_all()
        self.applier.stop_and_wait()
