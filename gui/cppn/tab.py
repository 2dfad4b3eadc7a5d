"""The CPPN tab (case a): a canvas that repaints as any parameter is dragged, z-sweep animations,
exports at any size, breeding pictures by clicking, fitting the network to a target picture, and
scanning one weight (the Weights page).

The picture on the canvas is a genome (engine/cppn/genome.py): the network's weights, z, scale
and colour map. Where OpenGL is a real GPU the canvas is drawn by a fragment shader made from the
genome (gui/cppn/shader_renderer.py); otherwise every render runs in a
:class:`LatestRequestWorker`: while a control moves, a quick preview of the newest state goes
first, then the full resolution; stale requests are replaced, never queued, a generation
counter drops results older than what is on screen, and a render stops between bands when the
tab closes.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6 import QtCore, QtWidgets

from engine.cppn.breeding import MAX_DEPTH, MAX_WIDTH
from engine.cppn.config import PRESETS
from engine.cppn.genome import Genome
from engine.cppn.network import CPPNWeights, init_weights
from engine.cppn.paths import PathKind
from engine.cppn.render import render_pixels, render_small
from engine.cppn.weight_scan import unit_pictures
from gui.cppn.breed_panel import BreedPanel
from gui.cppn.canvas import CPPNCanvas
from gui.cppn.canvas_drawing import CanvasDrawing
from gui.cppn.export_panel import ExportPanel
from gui.cppn.files import CPPNFiles
from gui.cppn.fit_panel import FitPanel
from gui.cppn.network_panel import NetworkPanel
from gui.cppn.playback import PlaybackPanel
from gui.cppn.view_panel import ViewPanel
from gui.cppn.weight_panel import WeightPanel
from gui.workers.background_task import BackgroundTasks
from gui.workers.latest_request_worker import LatestRequestWorker

PREVIEW_SIDE = 192        # the quick first paint while a control moves


class CPPNTab(CPPNFiles, QtWidgets.QWidget):
    """Tab a."""

    sig_rendered = QtCore.Signal(str, float)   # tag (preview, full), milliseconds

    def __init__(self, parent=None):
        super().__init__(parent)
        self.weights: CPPNWeights = init_weights(PRESETS[0].config)
        self.pinned: tuple[np.ndarray, float] | None = None   # z and scale of an adopted genome
        self._children_done = None
        self._generation = 0
        self._shown_generation = -1
        self._full_generation = -1      # the newest state drawn at full size
        self.tasks = BackgroundTasks(self)
        self.tasks.sig_done.connect(self.show_done)
        self.tasks.sig_failed.connect(self.show_message)
        self.renderer = LatestRequestWorker(self)
        self.renderer.sig_done.connect(self._on_rendered)
        self.renderer.sig_failed.connect(self._on_render_failed)
        self.renderer.start()
        self.network = NetworkPanel()
        self.view = ViewPanel()
        self.playback = PlaybackPanel(self)
        self.export = ExportPanel(self, self.tasks)
        self.fit = FitPanel(self)
        self.breeder = BreedPanel(self)
        self.weights_page = WeightPanel(self)
        self.drawing = CanvasDrawing()
        self.drawing.checkbox.toggled.connect(self.request_render)
        self.network.sig_changed.connect(self._on_network_changed)
        self.network.sig_colormap_changed.connect(self.request_render)
        self.network.sig_preset_chosen.connect(self.apply_preset)
        self.view.sig_changed.connect(self._on_view_changed)
        self.view.sig_keyframe_wanted.connect(self._on_keyframe_wanted)
        self._build()
        self.apply_preset(0)

    def _build(self) -> None:
        self.canvas = CPPNCanvas()
        self.info_label = QtWidgets.QLabel("")
        self.info_label.setWordWrap(True)
        self.info_label.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored,
                                      QtWidgets.QSizePolicy.Policy.Preferred)
        self.message_label = QtWidgets.QLabel("")
        self.message_label.setWordWrap(True)
        centre = QtWidgets.QVBoxLayout()
        centre.addWidget(self.canvas, 1)
        info = QtWidgets.QHBoxLayout()
        info.addWidget(self.info_label, 1)
        info.addWidget(self.drawing.checkbox)
        centre.addLayout(info)
        centre.addWidget(self.message_label)
        controls = QtWidgets.QVBoxLayout()
        for box in (self.network, self.view, self.playback, self.export):
            controls.addWidget(box)
        controls.addStretch(1)
        holder = QtWidgets.QWidget()
        holder.setLayout(controls)
        scroll = QtWidgets.QScrollArea()
        scroll.setWidget(holder)
        scroll.setWidgetResizable(True)
        scroll.setFixedWidth(340)
        self.side_pages = QtWidgets.QTabWidget()
        self.side_pages.addTab(self.breeder, "Breed")
        fit_page = QtWidgets.QWidget()
        fit_layout = QtWidgets.QVBoxLayout(fit_page)
        fit_layout.addWidget(self.fit)
        fit_layout.addStretch(1)
        self.side_pages.addTab(fit_page, "Fit a picture")
        self.side_pages.addTab(self.weights_page, "Weights")
        self.side_pages.setTabToolTip(2, "Drag or scan one weight and watch the canvas; a picture "
                                         "of each unit's output.")
        self.weights_page.watch_pages(self.side_pages)
        self.side_pages.setFixedWidth(340)
        layout = QtWidgets.QHBoxLayout(self)
        layout.addWidget(scroll)
        layout.addLayout(centre, 1)
        layout.addWidget(self.side_pages)

    # -- the network and the view ------------------------------------------------------------------
    @QtCore.Slot(int)
    def apply_preset(self, index: int) -> None:
        preset = PRESETS[index]
        self.view.set_view(preset.scale, 0.0 if preset.path is PathKind.SWEEP else 0.25,
                           preset.path)
        self.network.set_config(preset.config, index)   # draws once

    @property
    def config(self):
        return self.weights.config

    @QtCore.Slot()
    def _on_network_changed(self) -> None:
        try:
            config = self.network.config()
        except ValueError as exc:
            self.show_message(str(exc))
            return
        self.weights = init_weights(config)
        self.request_render()

    @QtCore.Slot()
    def _on_view_changed(self) -> None:
        self.pinned = None      # the view's own z and scale again
        self.request_render()

    def current_genome(self) -> Genome:
        """The picture on the canvas."""
        z, scale = self.pinned or (self.view.z(self.config), self.view.scale())
        return Genome(self.weights, z, scale, self.network.colormap())

    def adopt_genome(self, genome: Genome) -> bool:
        """Put ``genome`` on the canvas: its weights, z, scale and colour map (the controls show
        its design; moving t, the path or the scale goes back to the view's own z)."""
        config = genome.config
        if config.width > MAX_WIDTH or config.depth > MAX_DEPTH:
            self.show_message(f"This genome's network is {config.width} wide and {config.depth} "
                              f"deep; the tab shows up to {MAX_WIDTH} wide and {MAX_DEPTH} deep.")
            return False
        self.weights = genome.weights
        self.pinned = (genome.z, genome.scale)
        self.network.set_config(config, announce=False)
        blocked = self.network.colormap_box.blockSignals(True)
        self.network.colormap_box.setCurrentText(genome.colormap)
        self.network.colormap_box.blockSignals(blocked)
        self.view.set_view(genome.scale, self.view.t(), self.view.kind())
        self.request_render()
        return True

    def render_children(self, genomes: list[Genome], side: int, done) -> None:
        """Render breeding previews in the render thread; ``done(pixels)`` in the GUI thread."""
        self._children_done = done

        def job():
            return [render_small(g.weights, g.z, side, g.scale, g.colormap) for g in genomes]
        self.renderer.request("children", job, 0)

    @QtCore.Slot()
    def _on_keyframe_wanted(self) -> None:
        self.view.add_keyframe(self.view.z(self.config))
        self.show_done(f"{len(self.view.keyframes)} keyframe(s): choose \"loop through "
                       "keyframes\" to animate through them.")

    def fit_locks(self) -> list[QtWidgets.QWidget]:
        return [*self.network.lockable(), *self.view.lockable()]

    def fit_start(self):
        """What a new fit starts from: these weights, at this z and scale."""
        return self.weights, self.view.z(self.config), self.view.scale()

    def adopt_fit(self, weights: CPPNWeights) -> None:
        """A fit ended: the canvas paints what it learned."""
        self.weights = weights
        self.request_render()

    # -- rendering ---------------------------------------------------------------------------------
    @QtCore.Slot()
    def request_render(self, preview: bool = True) -> None:
        """Render the current state: by the shader at once, or a quick preview first (if the
        canvas is big), then in full."""
        self.view.show_labels()
        self._generation += 1
        side = self.view.side()
        genome = self.current_genome()
        if self.drawing.active:
            start = time.perf_counter()
            try:
                pixels = self.drawing.draw(genome, side)
            except Exception as exc:  # noqa: BLE001 (any GL failure: the CPU draws instead)
                self.drawing.failed(exc)
            else:
                self._on_rendered("full", (self._generation, pixels,
                                           (time.perf_counter() - start) * 1000))
                return
        args = (self.weights, genome.z, genome.scale, genome.colormap)
        if preview and side > PREVIEW_SIDE:
            self.renderer.request("preview", self._render_job(PREVIEW_SIDE, *args), 0)
        self.renderer.request("full", self._render_job(side, *args), 1)

    def _render_job(self, side: int, weights, z, scale: float, colormap: str):
        generation, stopping = self._generation, self.renderer.stopping

        def job():
            start = time.perf_counter()
            pixels = render_pixels(weights, z, side, side, scale, colormap, cancelled=stopping)
            return generation, pixels, (time.perf_counter() - start) * 1000
        return job

    @QtCore.Slot(str, object)
    def _on_rendered(self, tag: str, result) -> None:
        if tag == "children":
            if self._children_done is not None:
                self._children_done(result)
            return
        if tag == "units":
            self.weights_page.show_units(result)
            return
        generation, pixels, ms = result
        if generation < self._shown_generation or (
                generation == self._shown_generation and tag == "preview"):
            return  # older than what is on screen
        self._shown_generation = generation
        if tag == "full":
            self._full_generation = generation
            if self.weights_page.isVisible():
                self.render_units()
        self.canvas.show_pixels(pixels)
        config = self.config
        self.info_label.setText(f"{pixels.shape[1]} × {pixels.shape[0]} in {ms:.0f} ms, "
                                f"{self.drawing.who()} · {config.style.value}, {config.width} "
                                f"wide, {config.depth} deep, {config.channels} channel(s)")
        self.sig_rendered.emit(tag, ms)

    def render_units(self) -> None:
        """The Weights page's unit pictures of the canvas's picture, in the render thread."""
        genome = self.current_genome()
        self.renderer.request("units", lambda: unit_pictures(genome.weights, genome.z,
                                                             genome.scale), 0)

    @QtCore.Slot(str, str)
    def _on_render_failed(self, _tag: str, message: str) -> None:
        if not self.renderer.stopping():
            self.show_message(f"Rendering failed: {message}")

    def canvas_is_current(self) -> bool:
        """The canvas shows the newest state at full size, and nothing is left to render."""
        return self._full_generation == self._generation and self.renderer.is_idle()

    def show_frame(self, t: float) -> None:
        """Playback: show the frame at ``t`` (full size, no preview)."""
        self.pinned = None
        self.view.set_t(t)
        self.request_render(preview=False)

    # -- what the window's shortcuts, settings and closing ask of a tab -------------------------
    def toggle_pause(self) -> None:
        """Space: play or pause the z sweep."""
        self.playback.set_playing(not self.playback.playing())

    def settings_widgets(self) -> dict:
        return {**self.network.settings_widgets(), **self.view.settings_widgets(),
                **self.playback.settings_widgets(), **self.export.settings_widgets(),
                **self.fit.settings_widgets(), **self.breeder.settings_widgets()}

    def settings_restored(self) -> None:
        self.network.style = PRESETS[self.network.preset_box.currentIndex()].config.style
        self.network.sig_changed.emit()

    def show_message(self, text: str, error: bool = True) -> None:
        self.message_label.setStyleSheet("color: #b00020;" if error else "color: #205020;")
        self.message_label.setText(text)

    def show_done(self, text: str) -> None:
        self.show_message(text, error=False)

    def request_stop(self) -> None:
        self.playback.set_playing(False)
        self.weights_page.set_scanning(False)
        self.fit.controls.request_stop()
        self.tasks.cancel_all()
        self.renderer.request_stop()

    def threads(self) -> list[QtCore.QThread]:
        return [*self.fit.controls.threads(), *self.tasks.threads(), self.renderer]
