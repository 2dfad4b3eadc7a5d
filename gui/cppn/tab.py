"""The CPPN tab (case a): a canvas that repaints as any parameter is dragged, z-sweep animations,
exports at any size, and fitting the network to a target picture.

Every render runs in a :class:`LatestRequestWorker`: while a control moves, a quick preview of
the newest state goes first, then the full resolution; stale requests are replaced, never
queued, and a generation counter drops results older than what is on screen.
"""

from __future__ import annotations

import functools
import math
import time
from pathlib import Path

import numpy as np
from PySide6 import QtCore, QtWidgets

from engine.files.animations import save_animation
from engine.latent.config import Backprop
from engine.cppn.colormaps import COLORMAPS
from engine.cppn.config import ACTIVATIONS, PRESETS, CPPNConfig
from engine.cppn.fit import CPPNFitConfig, CPPNFitter, FitLoss
from engine.cppn.network import init_weights
from engine.cppn.render import (MAX_SIDE, export_png, random_z_pair, render_pixels, seed_z_pair,
                                sweep_frames, sweep_times, z_between)
from engine.latent.datasets import load_bundled
from engine.files.images import fit_within, image_to_array, load_image
from engine.files.resources import resource_path
from gui.workers.background_task import BackgroundTask, BackgroundTasks
from gui.cppn.canvas import CPPNCanvas
from gui.widgets.file_dialogs import PICTURE_FILTER, ask_path, ask_then
from gui.widgets.image_panel import ImagePanel
from gui.workers.latest_request_worker import LatestRequestWorker
from gui.widgets.loss_plot import LossPlot
from gui.workers.training_worker import TrainingWorker

RESOLUTIONS = (256, 512, 1024)
MAX_LAYERS = 8
PREVIEW_SIDE = 192        # the quick first paint while a control moves
FIT_MAX_SIDE = 64         # targets are shrunk to this before fitting
SCALE_RANGE = (0.1, 40.0)
WEIGHT_SCALE_RANGE = (0.05, 8.0)


def _log_slider(lo: float, hi: float, value: float) -> int:
    return round(1000 * math.log(value / lo) / math.log(hi / lo))


def _log_value(lo: float, hi: float, position: int) -> float:
    return lo * (hi / lo) ** (position / 1000)


class CPPNTab(QtWidgets.QWidget):
    """Tab a."""

    sig_rendered = QtCore.Signal(str, float)   # tag (preview, full, frame), milliseconds

    def __init__(self, parent=None):
        super().__init__(parent)
        self.config = PRESETS[0].config
        self.weights = init_weights(self.config)
        self.z_seed = 1
        self.fitted = None   # the latest FitSnapshot of a fit
        self.fitter_z = np.zeros(self.config.z_dim, np.float32)
        self.fitter_scale = 1.0
        self.fit_worker: TrainingWorker | None = None
        self._generation = 0
        self._shown_generation = -1
        self.tasks = BackgroundTasks(self)
        self.tasks.sig_done.connect(self._on_task_done)
        self.tasks.sig_failed.connect(self.show_message)
        self.tasks.sig_progress.connect(self._on_export_progress)
        self.tasks.sig_started.connect(self._on_export_started)
        self._play_step = 0
        self.renderer = LatestRequestWorker(self)
        self.renderer.sig_done.connect(self._on_rendered)
        self.renderer.sig_failed.connect(self._on_render_failed)
        self.renderer.start()
        self.play_timer = QtCore.QTimer(self)
        self.play_timer.timeout.connect(self._on_play_tick)
        self._build()
        self.apply_preset(0)

    # -- layout --------------------------------------------------------------------------------
    def _build(self) -> None:
        self.canvas = CPPNCanvas()
        self.info_label = QtWidgets.QLabel("")
        self.message_label = QtWidgets.QLabel("")
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("color: #b00020;")
        centre = QtWidgets.QVBoxLayout()
        centre.addWidget(self.canvas, 1)
        centre.addWidget(self.info_label)
        centre.addWidget(self.message_label)

        controls = QtWidgets.QVBoxLayout()
        controls.addWidget(self._build_network_box())
        controls.addWidget(self._build_view_box())
        controls.addWidget(self._build_animation_box())
        controls.addWidget(self._build_export_box())
        controls.addStretch(1)
        holder = QtWidgets.QWidget()
        holder.setLayout(controls)
        scroll = QtWidgets.QScrollArea()
        scroll.setWidget(holder)
        scroll.setWidgetResizable(True)
        scroll.setFixedWidth(340)

        right = QtWidgets.QVBoxLayout()
        right.addWidget(self._build_fit_box())
        right_box = QtWidgets.QWidget()
        right_box.setLayout(right)
        right_box.setFixedWidth(330)

        layout = QtWidgets.QHBoxLayout(self)
        layout.addWidget(scroll)
        layout.addLayout(centre, 1)
        layout.addWidget(right_box)

    def _build_network_box(self) -> QtWidgets.QGroupBox:
        box = QtWidgets.QGroupBox("Network")
        form = QtWidgets.QFormLayout(box)
        self.preset_box = QtWidgets.QComboBox()
        for preset in PRESETS:
            self.preset_box.addItem(preset.name)
        self.preset_box.setToolTip("Seed 2018: the post's network (x, y, r and z each through "
                                   "their own activation, summed, four atan layers). "
                                   "cppn-tensorflow: hardmaru's 2016 network (tanh stack).")
        self.preset_box.activated.connect(self.apply_preset)
        form.addRow("Preset", self.preset_box)
        self.width_box = self._spin(1, 256, "Hidden units per layer: wider networks paint "
                                    "finer detail and render slower.")
        form.addRow("Width", self.width_box)
        self.depth_box = self._spin(1, MAX_LAYERS, "Hidden layers after the inputs are summed.")
        form.addRow("Depth", self.depth_box)
        self.activation_boxes = []
        acts = QtWidgets.QGridLayout()
        for i in range(MAX_LAYERS):
            combo = QtWidgets.QComboBox()
            combo.addItems(ACTIVATIONS)
            combo.setToolTip(f"Activation of hidden layer {i + 1}.")
            combo.activated.connect(self._on_network_changed)
            acts.addWidget(combo, i // 2, i % 2)
            self.activation_boxes.append(combo)
        form.addRow("Activations", acts)
        self.channels_box = QtWidgets.QComboBox()
        for text, channels in (("1 · grey", 1), ("3 · RGB", 3), ("4 · RGBA", 4)):
            self.channels_box.addItem(text, channels)
        self.channels_box.setToolTip("Output channels: one through a colour map, RGB, or RGBA "
                                     "(transparency shows a checkerboard).")
        self.channels_box.activated.connect(self._on_network_changed)
        form.addRow("Channels", self.channels_box)
        self.colormap_box = QtWidgets.QComboBox()
        self.colormap_box.addItems(COLORMAPS)
        self.colormap_box.setToolTip("How one channel is coloured (the 2018 frames used viridis).")
        self.colormap_box.activated.connect(self.request_render)
        form.addRow("Colour map", self.colormap_box)
        self.weight_scale = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.weight_scale.setRange(0, 1000)
        self.weight_scale.setToolTip("Multiplies the spread of every random weight: small is "
                                     "smooth and soft, large is busy and sharp.")
        self.weight_scale.valueChanged.connect(self._on_network_changed)
        self.weight_scale_label = QtWidgets.QLabel()
        form.addRow(self.weight_scale_label, self.weight_scale)
        seed_row = QtWidgets.QHBoxLayout()
        self.seed_box = self._spin(0, 2**31 - 1, "The random seed of the weights: the same "
                                   "seed always paints the same picture.")
        new_seed = QtWidgets.QPushButton("New")
        new_seed.setToolTip("Draw new random weights.")
        new_seed.clicked.connect(self._on_new_seed)
        seed_row.addWidget(self.seed_box, 1)
        seed_row.addWidget(new_seed)
        form.addRow("Seed", seed_row)
        for spin in (self.width_box, self.depth_box, self.seed_box):
            spin.valueChanged.connect(self._on_network_changed)
        return box

    def _build_view_box(self) -> QtWidgets.QGroupBox:
        box = QtWidgets.QGroupBox("View")
        form = QtWidgets.QFormLayout(box)
        self.scale_slider = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.scale_slider.setRange(0, 1000)
        self.scale_slider.setToolTip("The coordinate range: x and y run from -scale to +scale. "
                                     "Bigger is more zoomed out.")
        self.scale_slider.valueChanged.connect(self._on_view_changed)
        self.scale_label = QtWidgets.QLabel()
        form.addRow(self.scale_label, self.scale_slider)
        self.t_slider = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.t_slider.setRange(0, 1000)
        self.t_slider.setToolTip("Where z sits between its two ends (the 2018 sweep: z = t·ones).")
        self.t_slider.valueChanged.connect(self._on_view_changed)
        self.t_label = QtWidgets.QLabel()
        form.addRow(self.t_label, self.t_slider)
        self.z_path_box = QtWidgets.QComboBox()
        self.z_path_box.addItem("t · ones (2018)", True)
        self.z_path_box.addItem("between two random z", False)
        self.z_path_box.setToolTip("The path z follows as t goes from 0 to 1.")
        self.z_path_box.activated.connect(self._on_view_changed)
        form.addRow("z path", self.z_path_box)
        z_row = QtWidgets.QHBoxLayout()
        self.z_dim_box = self._spin(1, 256, "Length of the z vector.")
        self.z_dim_box.valueChanged.connect(self._on_network_changed)
        new_z = QtWidgets.QPushButton("New z")
        new_z.setToolTip("Draw a new pair of random z's (for the random path).")
        new_z.clicked.connect(self._on_new_z)
        z_row.addWidget(self.z_dim_box, 1)
        z_row.addWidget(new_z)
        form.addRow("z size", z_row)
        self.resolution_box = QtWidgets.QComboBox()
        for side in RESOLUTIONS:
            self.resolution_box.addItem(f"{side} × {side}", side)
        self.resolution_box.setCurrentIndex(1)
        self.resolution_box.setToolTip("Pixels rendered for the canvas (exports choose their own).")
        self.resolution_box.activated.connect(self.request_render)
        form.addRow("Canvas", self.resolution_box)
        return box

    def _build_animation_box(self) -> QtWidgets.QGroupBox:
        box = QtWidgets.QGroupBox("Animate z")
        form = QtWidgets.QFormLayout(box)
        self.play_button = QtWidgets.QPushButton("Play")
        self.play_button.setCheckable(True)
        self.play_button.setToolTip("Sweep t and watch the picture morph.")
        self.play_button.toggled.connect(self.set_playing)
        form.addRow(self.play_button)
        self.fps_box = self._spin(1, 60, "Frames per second, when playing and in the export.")
        self.fps_box.setValue(12)
        self.fps_box.valueChanged.connect(self._on_fps_changed)
        form.addRow("fps", self.fps_box)
        self.frames_box = self._spin(2, 2000, "Frames in one sweep (the 2018 runs used 100 and 500).")
        self.frames_box.setValue(60)
        form.addRow("Frames", self.frames_box)
        self.animation_side = self._spin(16, 1024, "Side of the exported animation, in pixels.")
        self.animation_side.setValue(256)
        form.addRow("Size", self.animation_side)
        export = QtWidgets.QPushButton("Export GIF / WebP…")
        export.setToolTip("Render the sweep and save it as an animated GIF or WebP.")
        export.clicked.connect(self.ask_export)
        form.addRow(export)
        return box

    def _build_export_box(self) -> QtWidgets.QGroupBox:
        box = QtWidgets.QGroupBox("Export a still")
        form = QtWidgets.QFormLayout(box)
        size_row = QtWidgets.QHBoxLayout()
        self.export_width = self._spin(1, MAX_SIDE, "Width of the exported PNG (up to 8192).")
        self.export_height = self._spin(1, MAX_SIDE, "Height of the exported PNG (up to 8192).")
        self.export_width.setValue(2048)
        self.export_height.setValue(2048)
        size_row.addWidget(self.export_width)
        size_row.addWidget(QtWidgets.QLabel("×"))
        size_row.addWidget(self.export_height)
        form.addRow("Size", size_row)
        buttons = QtWidgets.QHBoxLayout()
        export = QtWidgets.QPushButton("Export PNG…")
        export.setToolTip("Render at this size in bands (bounded memory) and save a PNG.")
        export.clicked.connect(self.ask_save)
        self.cancel_export = QtWidgets.QPushButton("Cancel")
        self.tasks.sig_busy_changed.connect(self.cancel_export.setEnabled)
        self.cancel_export.setToolTip("Stop the export; nothing is written.")
        self.cancel_export.setEnabled(False)
        self.cancel_export.clicked.connect(self._on_cancel_export)
        buttons.addWidget(export)
        buttons.addWidget(self.cancel_export)
        form.addRow(buttons)
        self.export_progress = QtWidgets.QProgressBar()
        form.addRow(self.export_progress)
        return box

    def _build_fit_box(self) -> QtWidgets.QGroupBox:
        box = QtWidgets.QGroupBox("Fit a target picture")
        form = QtWidgets.QFormLayout(box)
        self.target_box = QtWidgets.QComboBox()
        self.target_box.addItem("MNIST digit", "digit")
        for photo in sorted(resource_path("photos").glob("*.jpg")):
            self.target_box.addItem(f"Photo: {photo.stem}", str(photo))
        self.target_box.addItem("Choose a picture…", "")
        self.target_box.setToolTip("What the network learns to paint (shrunk to 64 pixels).")
        self.target_box.activated.connect(self._on_target_chosen)
        form.addRow("Target", self.target_box)
        self.digit_box = self._spin(0, 59_999, "Which MNIST training digit to fit.")
        form.addRow("Digit #", self.digit_box)
        self.fit_loss_box = QtWidgets.QComboBox()
        self.fit_loss_box.addItem("Log loss (per channel)", FitLoss.BCE)
        self.fit_loss_box.addItem("MSE", FitLoss.MSE)
        self.fit_loss_box.setToolTip("What the fit minimises, averaged over pixels and channels.")
        form.addRow("Loss", self.fit_loss_box)
        self.backprop_box = QtWidgets.QComboBox()
        self.backprop_box.addItem("TensorFlow autodiff", Backprop.AUTODIFF)
        self.backprop_box.addItem("Hand-written gradients", Backprop.MANUAL)
        self.backprop_box.setToolTip("Hand-written: the backward pass spelled out layer by layer "
                                     "(atan' = 1/(1+x²)), as the post derived it.")
        form.addRow("Gradients", self.backprop_box)
        self.fit_steps = self._spin(1, 100_000, "Adam steps, each on the whole target.")
        self.fit_steps.setValue(1500)
        form.addRow("Steps", self.fit_steps)
        self.fit_lr = QtWidgets.QDoubleSpinBox()
        self.fit_lr.setDecimals(5)
        self.fit_lr.setRange(1e-5, 1.0)
        self.fit_lr.setSingleStep(1e-3)
        self.fit_lr.setValue(3e-3)
        self.fit_lr.setToolTip("Adam's step size.")
        form.addRow("Learning rate", self.fit_lr)
        buttons = QtWidgets.QHBoxLayout()
        self.fit_button = QtWidgets.QPushButton("Start fit")
        self.fit_button.setToolTip("Train this network's weights to paint the target.")
        self.fit_button.clicked.connect(self.start_fit)
        self.fit_stop = QtWidgets.QPushButton("Stop")
        self.fit_stop.setToolTip("Stop fitting; the canvas keeps what was learned.")
        self.fit_stop.clicked.connect(self.stop_fit)
        self.fit_stop.setEnabled(False)
        buttons.addWidget(self.fit_button)
        buttons.addWidget(self.fit_stop)
        form.addRow(buttons)
        pictures = QtWidgets.QHBoxLayout()
        self.target_view = ImagePanel("The target", (100, 100))
        self.fit_view = ImagePanel("What the network paints at the target's size", (100, 100))
        pictures.addWidget(self.target_view)
        pictures.addWidget(self.fit_view)
        form.addRow(pictures)
        self.fit_status = QtWidgets.QLabel("")
        form.addRow(self.fit_status)
        self.fit_plot = LossPlot(("total",), x_label="step")
        form.addRow(self.fit_plot)
        render8 = QtWidgets.QPushButton("Export at 8× the target…")
        render8.setToolTip("Render the learned function at eight times the target's resolution.")
        render8.clicked.connect(lambda: ask_then(self, "Export PNG", "PNG (*.png)", self.export_fit_8x))
        form.addRow(render8)
        return box

    @staticmethod
    def _spin(lo: int, hi: int, tip: str) -> QtWidgets.QSpinBox:
        spin = QtWidgets.QSpinBox()
        spin.setRange(lo, hi)
        spin.setToolTip(tip)
        spin.setKeyboardTracking(False)
        return spin

    # -- parameters ----------------------------------------------------------------------------
    @QtCore.Slot(int)
    def apply_preset(self, index: int) -> None:
        preset = PRESETS[index]
        cfg = preset.config
        widgets = [self.width_box, self.depth_box, self.seed_box, self.z_dim_box, self.weight_scale,
                   self.scale_slider, self.t_slider, *self.activation_boxes]
        for w in widgets:
            w.blockSignals(True)
        self.preset_box.setCurrentIndex(index)
        self.width_box.setValue(cfg.width)
        self.depth_box.setValue(cfg.depth)
        self.seed_box.setValue(cfg.seed)
        self.z_dim_box.setValue(cfg.z_dim)
        self.weight_scale.setValue(_log_slider(*WEIGHT_SCALE_RANGE, cfg.weight_scale))
        self.scale_slider.setValue(_log_slider(*SCALE_RANGE, preset.scale))
        self.t_slider.setValue(0 if preset.seed_z else 500)  # the 2018 sweep starts at t = 0
        for combo, name in zip(self.activation_boxes, cfg.activations):
            combo.setCurrentText(name)
        for w in widgets:
            w.blockSignals(False)
        self.channels_box.setCurrentIndex([1, 3, 4].index(cfg.channels))
        self.z_path_box.setCurrentIndex(0 if preset.seed_z else 1)
        self._on_network_changed()

    def network_config(self) -> CPPNConfig:
        depth = self.depth_box.value()
        return CPPNConfig(
            style=PRESETS[self.preset_box.currentIndex()].config.style,
            width=self.width_box.value(), depth=depth,
            activations=tuple(c.currentText() for c in self.activation_boxes[:depth]),
            channels=self.channels_box.currentData(), z_dim=self.z_dim_box.value(),
            weight_scale=self.weight_scale_value(), seed=self.seed_box.value())

    def weight_scale_value(self) -> float:
        return round(_log_value(*WEIGHT_SCALE_RANGE, self.weight_scale.value()), 3)

    def scale_value(self) -> float:
        return round(_log_value(*SCALE_RANGE, self.scale_slider.value()), 3)

    def t_value(self) -> float:
        return self.t_slider.value() / 1000

    def z_pair(self) -> tuple[np.ndarray, np.ndarray]:
        if self.z_path_box.currentData():
            return seed_z_pair(self.config)
        return random_z_pair(self.config, self.z_seed)

    def current_z(self) -> np.ndarray:
        return z_between(self.z_pair(), self.t_value())

    @QtCore.Slot()
    def _on_network_changed(self) -> None:
        depth = self.depth_box.value()
        for i, combo in enumerate(self.activation_boxes):
            combo.setVisible(i < depth)
        self.weight_scale_label.setText(f"Weights ×{self.weight_scale_value():.2f}")
        try:
            self.config = self.network_config()
        except ValueError as exc:
            self.show_message(str(exc))
            return
        self.weights = init_weights(self.config)
        self.request_render()

    @QtCore.Slot()
    def _on_view_changed(self) -> None:
        self.request_render()

    @QtCore.Slot()
    def _on_new_seed(self) -> None:
        self.seed_box.setValue(int(np.random.default_rng().integers(0, 2**31 - 1)))

    @QtCore.Slot()
    def _on_new_z(self) -> None:
        self.z_seed += 1
        self.z_path_box.setCurrentIndex(1)
        self.request_render()

    # -- rendering -----------------------------------------------------------------------------
    @QtCore.Slot()
    def request_render(self, preview: bool = True) -> None:
        """Render the current state: a quick preview first (if the canvas is big), then in full."""
        self.scale_label.setText(f"Scale {self.scale_value():.2f}")
        self.t_label.setText(f"t = {self.t_value():.3f}")
        self._generation += 1
        side = self.resolution_box.currentData()
        args = (self.weights, self.current_z(), self.scale_value(), self.colormap_box.currentText())
        if preview and side > PREVIEW_SIDE:
            self.renderer.request("preview", self._render_job(self._generation, PREVIEW_SIDE, *args), 0)
        self.renderer.request("full", self._render_job(self._generation, side, *args), 1)

    @staticmethod
    def _render_job(generation: int, side: int, weights, z, scale: float, colormap: str):
        def job():
            start = time.perf_counter()
            pixels = render_pixels(weights, z, side, side, scale, colormap)
            return generation, pixels, (time.perf_counter() - start) * 1000
        return job

    @QtCore.Slot(str, object)
    def _on_rendered(self, tag: str, result) -> None:
        generation, pixels, ms = result
        if generation < self._shown_generation or (
                generation == self._shown_generation and tag == "preview"):
            return  # older than what is on screen
        self._shown_generation = generation
        self.canvas.show_pixels(pixels)
        self.info_label.setText(f"{pixels.shape[1]} × {pixels.shape[0]} rendered in {ms:.0f} ms"
                                f" · {self.config.style.value}, {self.config.width} wide, "
                                f"{self.config.depth} deep, {self.config.channels} channel(s)")
        self.sig_rendered.emit(tag, ms)

    @QtCore.Slot(str, str)
    def _on_render_failed(self, _tag: str, message: str) -> None:
        self.show_message(f"Rendering failed: {message}")

    # -- animation -----------------------------------------------------------------------------
    @QtCore.Slot(bool)
    def set_playing(self, playing: bool) -> None:
        self.play_button.setChecked(playing)
        self.play_button.setText("Pause" if playing else "Play")
        if playing:
            self._play_step = round(self.t_value() * self.frames_box.value())
            self.play_timer.start(round(1000 / self.fps_box.value()))
        else:
            self.play_timer.stop()

    @QtCore.Slot()
    def _on_fps_changed(self) -> None:
        if self.play_timer.isActive():
            self.play_timer.start(round(1000 / self.fps_box.value()))

    @QtCore.Slot()
    def _on_play_tick(self) -> None:
        if not self.renderer.is_idle():
            return  # the last frame is still being drawn: skip rather than queue
        frames = self.frames_box.value()
        self._play_step = (self._play_step + 1) % frames
        loop = not self.z_path_box.currentData()
        t = float(sweep_times(frames, loop)[self._play_step])
        self.t_slider.blockSignals(True)
        self.t_slider.setValue(round(t * 1000))
        self.t_slider.blockSignals(False)
        self.request_render(preview=False)

    # -- exports -------------------------------------------------------------------------------
    @QtCore.Slot(str)
    def _on_task_done(self, done_text: str) -> None:
        self.export_progress.setValue(100)
        self.show_message(done_text, error=False)

    @QtCore.Slot(float)
    def _on_export_progress(self, fraction: float) -> None:
        self.export_progress.setValue(round(fraction * 100))

    @QtCore.Slot()
    def _on_export_started(self) -> None:
        self.export_progress.setValue(0)

    @QtCore.Slot()
    def _on_cancel_export(self) -> None:
        self.tasks.cancel_all()

    def export_still(self, path: str | Path) -> BackgroundTask:
        """Render the canvas's picture at the export size into a PNG, in the background."""
        width, height = self.export_width.value(), self.export_height.value()
        job = functools.partial(export_png, self.weights, self.current_z(), width, height,
                                self.scale_value(), self.colormap_box.currentText(), path)
        return self.tasks.start(job, f"Saved {path} ({width} × {height})", with_progress=True)

    def export_animation(self, path: str | Path) -> BackgroundTask:
        """Render the z sweep and save it as an animated GIF or WebP, in the background."""
        side, frames = self.animation_side.value(), self.frames_box.value()
        weights, pair, scale = self.weights, self.z_pair(), self.scale_value()
        colormap, loop, fps = self.colormap_box.currentText(), not self.z_path_box.currentData(), \
            self.fps_box.value()

        def job(progress, cancelled):
            images = sweep_frames(weights, pair, frames, side, side, scale, colormap, loop, progress)
            return save_animation(images, path, frame_ms=round(1000 / fps), last_frame_ms=None)

        return self.tasks.start(job, f"Saved {path} ({frames} frames)", with_progress=True)

    def export_fit_8x(self, path: str | Path) -> BackgroundTask | None:
        if self.fitted is None:
            self.show_message("Fit a target first.")
            return None
        rows, cols = self.fitted.picture.shape[:2]
        weights, z, scale = self.fitted.weights, self.fitter_z, self.fitter_scale
        job = functools.partial(export_png, weights, z, cols * 8, rows * 8, scale,
                                self.colormap_box.currentText(), path)
        return self.tasks.start(job, f"Saved {path} ({cols * 8} × {rows * 8})", with_progress=True)

    # -- what the window's shortcuts and settings ask of a tab ------------------------------
    def toggle_pause(self) -> None:
        """Space: play or pause the z sweep."""
        self.set_playing(not self.play_timer.isActive())

    def ask_save(self) -> None:
        ask_then(self, "Export PNG", "PNG (*.png)", self.export_still)

    def ask_export(self) -> None:
        ask_then(self, "Export animation", "GIF (*.gif);;WebP (*.webp)", self.export_animation)

    def settings_widgets(self) -> dict:
        widgets = {"preset": self.preset_box, "width": self.width_box, "depth": self.depth_box,
                   "channels": self.channels_box, "colormap": self.colormap_box,
                   "weight_scale": self.weight_scale, "seed": self.seed_box,
                   "scale": self.scale_slider, "t": self.t_slider, "z_path": self.z_path_box,
                   "z_dim": self.z_dim_box, "canvas": self.resolution_box, "fps": self.fps_box,
                   "frames": self.frames_box, "export_width": self.export_width,
                   "export_height": self.export_height}
        widgets.update({f"activation{i}": c for i, c in enumerate(self.activation_boxes)})
        return widgets

    def settings_restored(self) -> None:
        self._on_network_changed()

    # -- fitting -------------------------------------------------------------------------------
    def load_target(self) -> np.ndarray:
        """The chosen target as floats (rows, cols, C), shrunk to at most 64 pixels a side."""
        source = self.target_box.currentData()
        if source == "digit":
            dataset = load_bundled("mnist")
            return dataset.images[self.digit_box.value()].astype(np.float32)[..., None] / 255.0
        if not source:
            raise ValueError("choose a picture first")
        return image_to_array(fit_within(load_image(source, "RGBA"), FIT_MAX_SIDE))

    @QtCore.Slot(int)
    def _on_target_chosen(self, index: int) -> None:
        if self.target_box.itemData(index) == "":
            path = ask_path(self, "Choose a target picture", PICTURE_FILTER, save=False)
            if path:
                self.target_box.insertItem(index, f"File: {Path(path).name}", path)
                self.target_box.setCurrentIndex(index)
            else:
                self.target_box.setCurrentIndex(0)
        self.digit_box.setEnabled(self.target_box.currentData() == "digit")

    @QtCore.Slot()
    def start_fit(self) -> bool:
        if self.fit_worker is not None and self.fit_worker.isRunning():
            self.show_message("A fit is already going: stop it first.")
            return False
        try:
            target = self.load_target()
            fit_config = CPPNFitConfig(self.fit_loss_box.currentData(),
                                       self.backprop_box.currentData(), self.fit_steps.value(),
                                       self.fit_lr.value())
        except ValueError as exc:  # bad picture or setting: say so, keep everything else
            self.show_message(str(exc))
            return False
        self.fitter_z, self.fitter_scale = self.current_z(), self.scale_value()
        weights, z, scale = self.weights, self.fitter_z, self.fitter_scale
        self.target_view.show_image(target[..., :3] if target.shape[-1] >= 3 else target[..., 0])
        self.fit_plot.clear_points()
        self.show_message("", error=False)
        self.fit_worker = TrainingWorker(lambda: CPPNFitter(weights, z, scale, target, fit_config),
                                         self)
        self.fit_worker.sig_update.connect(self._on_fit_update)
        self.fit_worker.sig_failed.connect(self.show_message)
        self.fit_worker.finished.connect(self._on_fit_finished)
        self._set_fitting(True)
        self.fit_worker.start()
        return True

    @QtCore.Slot()
    def stop_fit(self) -> None:
        if self.fit_worker is not None:
            self.fit_worker.control.stop()

    def _set_fitting(self, fitting: bool) -> None:
        self.fit_button.setEnabled(not fitting)
        self.fit_stop.setEnabled(fitting)
        for w in (self.preset_box, self.width_box, self.depth_box, self.channels_box,
                  self.seed_box, self.weight_scale, self.z_dim_box, *self.activation_boxes):
            w.setEnabled(not fitting)

    @QtCore.Slot(object)
    def _on_fit_update(self, update) -> None:
        self.fit_plot.append(update.loss_points, 1)
        self.fitted = update.snapshot
        picture = self.fitted.picture
        self.fit_view.show_image(picture[..., :3] if picture.shape[-1] >= 3 else picture[..., 0])
        last = update.loss_points[-1].total if update.loss_points else float("nan")
        self.fit_status.setText(f"step {update.step}/{update.total_steps} · loss {last:.4f}"
                                f" · ETA {update.eta_s:.0f} s")
        if update.done:
            if update.message:
                self.show_message(update.message)
            self.weights = self.fitted.weights
            self.request_render()

    @QtCore.Slot()
    def _on_fit_finished(self) -> None:
        self._set_fitting(False)

    # -- housekeeping --------------------------------------------------------------------------
    def show_message(self, text: str, error: bool = True) -> None:
        self.message_label.setStyleSheet("color: #b00020;" if error else "color: #205020;")
        self.message_label.setText(text)

    def shutdown(self) -> None:
        """Stop every thread this tab owns; called when the window closes."""
        self.play_timer.stop()
        if self.fit_worker is not None:
            self.fit_worker.stop_and_wait()
        self.tasks.cancel_all()
        self.tasks.wait_all()
        self.renderer.stop_and_wait()
