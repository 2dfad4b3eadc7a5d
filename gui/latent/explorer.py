"""Exploring a latent space: the clicked digit and its reconstruction, z sliders, a walk through
two or more picked digits (a filmstrip of decodes along it, the path drawn in the 3-D view), and
(for the VAE) samples of the prior, all decoded with the weights of the step on screen.

What is explored lives in an :class:`~gui.latent.view_state.ExplorationState` (``state``): the
panel's buttons and sliders change it, and the panel follows it, so a workspace that sets the
state sees the panel decode what it says. The panel holds no model: it asks its host to decode
codes (``host.decode(tag, z)``) and is told the answers (:meth:`ExplorerPanel.show_decoded`).
The host says which codes are on screen (``host.shown_codes()``), the latent box
(``host.extent()``), draws the walk (``host.show_walk(codes)``) and exports it
(``host.export_walk(kind)``). A click also lists the clicked digit's nearest neighbours in latent
space, by its full code.
"""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtWidgets

from engine.latent.neighbours import NEIGHBOURS, nearest_points
from gui.latent.decoded_grid import DecodedGridWindow
from gui.latent.view_state import ExplorationState
from gui.widgets.image_panel import ImagePanel

WALK_STEPS = 8          # decodes per leg of a walk
SLIDER_SPAN = 1000


class ExplorerPanel(QtWidgets.QGroupBox):
    """``sample_prior`` is shown for the VAE only. ``view`` is the 3-D scatter: which points it
    shows (the legend's classes: the nearest neighbours are chosen among them), and how codes
    map to its three axes, which the z sliders and the decoded grid move along."""

    def __init__(self, host, vae: bool, view, parent=None):
        super().__init__("Explore the latent space", parent)
        self.host = host
        self._view = view
        view.sig_extent_changed.connect(self._show_axis_names)
        self.state = ExplorationState()
        self.state.listeners.add(self._on_state_changed)
        self.walk_images: np.ndarray | None = None
        self._dragging = False   # the sliders are the source of the change: leave them be
        grid = QtWidgets.QGridLayout(self)
        self.selected_original = ImagePanel("The clicked digit", (80, 80))
        self.selected_decoded = ImagePanel("Its reconstruction, with the weights of the step shown",
                                           (80, 80))
        self.slider_decoded = ImagePanel("Decoded from the sliders' z (or a prior sample)", (80, 80))
        self.selected_label = QtWidgets.QLabel("Click a point in the 3-D view.")
        self.selected_label.setWordWrap(True)
        grid.addWidget(self.selected_original, 0, 0)
        grid.addWidget(self.selected_decoded, 0, 1)
        grid.addWidget(self.slider_decoded, 0, 2)
        grid.addWidget(self.selected_label, 1, 0, 1, 3)
        self.z_sliders, self.z_names = [], []
        for i in range(3):
            slider = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
            slider.setRange(-SLIDER_SPAN, SLIDER_SPAN)
            slider.setToolTip(f"z{i + 1}, across the latent box's extent on that axis; the "
                              "decoded digit follows as you drag.")
            slider.valueChanged.connect(self._on_slider_moved)
            self.z_names.append(QtWidgets.QLabel(f"z{i + 1}"))
            grid.addWidget(self.z_names[-1], 2 + i, 0)
            grid.addWidget(slider, 2 + i, 1, 1, 2)
            self.z_sliders.append(slider)
        self.z_label = QtWidgets.QLabel("")
        grid.addWidget(self.z_label, 5, 0, 1, 2)
        self.grid_window = DecodedGridWindow(self)
        self.grid_window.sig_changed.connect(self.request_grid)
        self.grid_button = QtWidgets.QPushButton("Decoded grid…")
        self.grid_button.setToolTip("The decoder across two axes of the latent box (the third at "
                                    "the sliders' value), live as the run trains.")
        self.grid_button.clicked.connect(self.show_grid)
        grid.addWidget(self.grid_button, 5, 2)
        self.walk_start = QtWidgets.QPushButton("Walk from here")
        self.walk_on = QtWidgets.QPushButton("…then to here")
        self.walk_start.setToolTip("Start a walk through latent space at the clicked digit's code.")
        self.walk_on.setToolTip("Walk on to the clicked digit's code (as many stops as you like); "
                                "the decodes along the way appear below, the path in the 3-D view.")
        self.walk_start.clicked.connect(self._on_walk_start)
        self.walk_on.clicked.connect(self._on_walk_on)
        grid.addWidget(self.walk_start, 6, 0)
        grid.addWidget(self.walk_on, 6, 1)
        self.sample_button = QtWidgets.QPushButton("Sample prior")
        self.sample_button.setToolTip("Draw z from N(0, I) and decode it (what a VAE generates).")
        self.sample_button.clicked.connect(self.sample_prior)
        self.sample_button.setVisible(vae)
        grid.addWidget(self.sample_button, 6, 2)
        self.walk = ImagePanel("Decodes along the walk from A to B", (300, 40))
        grid.addWidget(self.walk, 7, 0, 1, 3)
        self.neighbours = ImagePanel(f"The {NEIGHBOURS} nearest shown digits in latent space",
                                     (300, 40))
        self.neighbours_label = QtWidgets.QLabel("")
        self.neighbours_label.setWordWrap(True)
        self.neighbour_indices = np.zeros(0, np.int64)
        grid.addWidget(self.neighbours, 8, 0, 1, 3)
        grid.addWidget(self.neighbours_label, 9, 0, 1, 3)
        self._rng = np.random.default_rng()

    @property
    def selected(self) -> int | None:
        return self.state.selected

    @property
    def waypoints(self) -> list[np.ndarray]:
        return self.state.waypoints

    @property
    def slider_z(self) -> np.ndarray:
        return self.state.slider_z

    def _on_state_changed(self, aspect: str) -> None:
        if aspect == "selected":
            self._show_selected()
        elif aspect == "walk":
            self._show_walk()
        elif aspect == "slider":
            self._show_slider_z()

    # -- the clicked digit ---------------------------------------------------------------------
    def select(self, index: int | None) -> None:
        """Show digit ``index`` of the view (None: nothing selected) and decode its code."""
        self.state.select(index)

    def _show_selected(self) -> None:
        index = self.state.selected
        if index is None:
            self.selected_label.setText("Click a point in the 3-D view.")
            self._show_neighbours_of(None)
            return
        fixtures, codes = self.host.fixtures(), self.host.shown_codes()
        self.selected_original.show_image(fixtures.view_image(index))
        name = fixtures.class_names[fixtures.view_labels[index]]
        self.selected_label.setText(
            f"digit #{index} · label {name} · z = ({', '.join(f'{v:.2f}' for v in codes[index])})"
            f" · {self.host.weights_note()}")
        self.host.decode("selected", codes[index])
        self._show_neighbours_of(index)

    @QtCore.Slot(object)
    def on_classes_shown(self, _hidden) -> None:
        """The legend changed which classes are on show: choose the neighbours among them."""
        if self.host.run is not None and self.state.selected is not None:
            self._show_neighbours_of(self.state.selected)

    def _show_neighbours_of(self, index: int | None) -> None:
        """The clicked digit's nearest shown digits (by the full code), classes on show only."""
        picked, distances = np.zeros(0, np.int64), np.zeros(0)
        if index is not None:
            fixtures = self.host.fixtures()
            picked, distances = nearest_points(self.host.shown_codes(), index,
                                               among=self._view.shown_mask())
        self.neighbour_indices = picked
        if not len(picked):
            self.neighbours.show_image(np.ones_like(self.neighbours.image))
            self.neighbours_label.setText("")
            return
        self.neighbours.show_rows([np.stack([fixtures.view_image(int(i)) for i in picked])])
        self.neighbours_label.setText("nearest: " + ", ".join(
            f"#{i} {fixtures.class_names[fixtures.view_labels[i]]} ({d:.2f})"
            for i, d in zip(picked.tolist(), distances)))

    def refresh(self) -> None:
        """The step on screen changed: decode the selection with its weights again."""
        if self.state.selected is not None:
            self._show_selected()
        self.request_grid()

    @QtCore.Slot(object)
    def _show_axis_names(self, _extent) -> None:
        """The view's axes (z1… or PC1…) on the sliders."""
        for label, name in zip(self.z_names, self._view.axis_names()):
            label.setText(name)

    @QtCore.Slot()
    def show_grid(self) -> None:
        self.grid_window.show()
        self.grid_window.raise_()
        self.request_grid()

    @QtCore.Slot()
    def request_grid(self) -> None:
        """Decode the grid window's codes with the weights of the step on screen, if it is open."""
        if not self.grid_window.isVisible() or self.host.run is None:
            return
        lo, hi = self.host.extent()
        base = self._view.to_view(self.state.slider_z)[0]
        codes = self.grid_window.codes(lo, hi, base, self._view.axis_names())
        if codes is not None:
            self.host.decode("grid", self._view.from_view(codes))

    # -- sliders and the prior -------------------------------------------------------------------
    def _slider_latent(self) -> np.ndarray:
        """The code the sliders stand for: their place in the view's box, as a full code."""
        lo, hi = self.host.extent()
        t = np.array([s.value() for s in self.z_sliders], np.float64) / SLIDER_SPAN
        return self._view.from_view(lo + (t + 1) / 2 * (hi - lo))[0]

    @QtCore.Slot()
    def _on_slider_moved(self) -> None:
        self._dragging = True
        try:
            self.decode_z(self._slider_latent())
        finally:
            self._dragging = False

    def decode_z(self, z: np.ndarray) -> None:
        """Decode exactly ``z`` (the sliders show where it sits, clipped to the box)."""
        self.state.set_slider_z(z)

    def _show_slider_z(self) -> None:
        if not self._dragging:
            self.set_sliders(self.state.slider_z)
        self.z_label.setText("z = (" + ", ".join(f"{v:.3f}" for v in self.slider_z) + ")")
        self.host.decode("slider", self.slider_z)
        self.request_grid()

    def set_sliders(self, z: np.ndarray) -> None:
        lo, hi = self.host.extent()
        t = (self._view.to_view(z)[0] - lo) / np.maximum(hi - lo, 1e-9) * 2 - 1
        for slider, value in zip(self.z_sliders, t):
            slider.blockSignals(True)
            slider.setValue(int(np.clip(value, -1, 1) * SLIDER_SPAN))
            slider.blockSignals(False)

    @QtCore.Slot()
    def sample_prior(self) -> np.ndarray:
        """Decode z ~ N(0, I) as drawn: not clipped to the box, not rounded to a slider step."""
        dims = self._view.projection.dims if self._view.projection is not None else 3
        z = self._rng.standard_normal(dims).astype(np.float32)
        self.decode_z(z)
        return z

    # -- walks ------------------------------------------------------------------------------------
    @QtCore.Slot()
    def _on_walk_start(self) -> None:
        self.add_waypoint(restart=True)

    @QtCore.Slot()
    def _on_walk_on(self) -> None:
        self.add_waypoint(restart=False)

    def add_waypoint(self, restart: bool) -> bool:
        """Start a walk at (or walk on to) the clicked digit's code."""
        if self.state.selected is None:
            self.host.show_message("Click a point first, then walk from or to it.")
            return False
        stops = [] if restart else list(self.state.waypoints)
        self.set_waypoints([*stops, self.host.shown_codes()[self.state.selected].copy()])
        return True

    def set_waypoints(self, points) -> None:
        """Walk through ``points`` (codes): drawn in the view, decoded when there are two."""
        self.state.set_walk(points)

    def _show_walk(self) -> None:
        self.host.show_walk(self.walk_path() if len(self.waypoints) >= 2 else None)
        if len(self.waypoints) >= 2:
            self.host.decode("walk", self.walk_path())

    def walk_path(self) -> np.ndarray:
        """Codes along the walk: :data:`WALK_STEPS` per leg, straight lines between stops."""
        t = np.linspace(0, 1, WALK_STEPS, endpoint=False)[:, None]
        legs = [(1 - t) * a + t * b for a, b in zip(self.waypoints, self.waypoints[1:])]
        return np.concatenate(legs + [self.waypoints[-1][None]]).astype(np.float32)

    def clear(self) -> None:
        self.walk_images = None
        self.state.clear()

    # -- answers -----------------------------------------------------------------------------------
    def show_decoded(self, tag: str, images: np.ndarray) -> None:
        if tag == "selected":
            self.selected_decoded.show_image(images[0])
        elif tag == "slider":
            self.slider_decoded.show_image(images[0])
        elif tag == "grid":
            self.grid_window.show_images(images)
        elif tag == "walk":
            self.walk_images = images
            self.walk.show_rows([images])
