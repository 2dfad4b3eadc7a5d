"""The CPPN tab's "Weights" page (a weight scan, as CPPN-X does): pick a layer, the unit a weight
feeds and where it comes from, drag the weight and watch the canvas, or scan it through a range
as an animation (played on the canvas, or exported); above, a small graph of the network, one
column per layer with a picture of each unit's output, where a click picks the unit.

The page changes the tab's weights through ``host.adopt_fit`` (the canvas repaints); the unit
pictures are drawn in the tab's render thread after each full repaint.
"""

from __future__ import annotations

import functools

import numpy as np
from PySide6 import QtCore, QtWidgets

from engine.cppn.network import CPPNWeights
from engine.cppn.render import export_frames
from engine.cppn.weight_scan import (
    MAX_SCAN_SPAN,
    UNITS_SHOWN,
    WeightRef,
    layer_names,
    scan_values,
    weight_value,
    with_weight,
)
from gui.cppn.breed_panel import pixmap_of
from gui.widgets.file_dialogs import ask_then, with_suffix

SLIDER_STEPS = 1000        # the slider's positions either side of the weight as it was
UNIT_THUMB = 28
CHECKED_STYLE = "QToolButton:checked { border: 3px solid #e0407a; }"


class WeightPanel(QtWidgets.QWidget):
    """``host`` is the CPPN tab: its ``weights``, ``adopt_fit``, ``current_genome``,
    ``render_units``, ``canvas_is_current``, ``playback`` (fps, frames, size) and ``tasks``."""

    def __init__(self, host, parent=None):
        super().__init__(parent)
        self.host = host
        self.base: CPPNWeights | None = None     # the weights before this page changed one
        self.base_value = 0.0
        self._applied: CPPNWeights | None = None
        self._scan: np.ndarray | None = None
        self._scan_step = 0
        self.graph = QtWidgets.QGridLayout()
        self.graph.setSpacing(2)
        self.unit_buttons: dict[tuple[int, int], QtWidgets.QToolButton] = {}
        self._headers: list[QtWidgets.QLabel] = []
        self.units_note = QtWidgets.QLabel(f"(the first {UNITS_SHOWN} units of each layer)")
        graph_box = QtWidgets.QGroupBox("Units (click one)")
        graph_box.setToolTip("What each unit outputs over the picture: the inputs mixed (in), "
                             "then each hidden layer (h1, h2 …).")
        graph_box.setLayout(self.graph)
        self.layer_box = QtWidgets.QComboBox()
        self.layer_box.setToolTip("The weights of the input branches (z, x, y, r), of a hidden "
                                  "layer, or of the output.")
        self.unit_box = QtWidgets.QSpinBox()
        self.unit_box.setToolTip("The unit the weight feeds (a colour channel for the output).")
        self.source_box = QtWidgets.QSpinBox()
        self.source_box.setToolTip("Where the weight comes from: a unit of the layer before, or "
                                   "z's entry (x, y and r have one weight per unit).")
        for box in (self.layer_box, self.unit_box, self.source_box):
            (box.currentIndexChanged if box is self.layer_box else box.valueChanged).connect(
                self._on_weight_chosen)
        self.span_box = QtWidgets.QDoubleSpinBox()
        self.span_box.setRange(0.1, MAX_SCAN_SPAN)
        self.span_box.setValue(3.0)
        self.span_box.setToolTip("How far the slider and the scan go either side of the weight.")
        self.slider = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.slider.setRange(-SLIDER_STEPS, SLIDER_STEPS)
        self.slider.setToolTip("Drag the weight; the canvas repaints as it moves.")
        self.slider.valueChanged.connect(self._on_slider)
        self.value_label = QtWidgets.QLabel("")
        self.scan_button = QtWidgets.QPushButton("Scan")
        self.scan_button.setCheckable(True)
        self.scan_button.setToolTip("Swing the weight to +span, −span and back, on the canvas "
                                    "(the Animate z box's frames and fps).")
        self.scan_button.toggled.connect(self.set_scanning)
        reset = QtWidgets.QPushButton("Reset")
        reset.setToolTip("Put the weight back as it was.")
        reset.clicked.connect(self.reset)
        export = QtWidgets.QPushButton("Export scan…")
        export.setToolTip("Save the scan as a GIF, WebP or MP4 (the Animate z box's frames, fps "
                          "and size).")
        export.clicked.connect(self.ask_export)
        form = QtWidgets.QFormLayout()
        form.addRow("Layer", self.layer_box)
        form.addRow("To unit", self.unit_box)
        form.addRow("From", self.source_box)
        form.addRow("± span", self.span_box)
        form.addRow(self.slider)
        form.addRow(self.value_label)
        buttons = QtWidgets.QHBoxLayout()
        for button in (self.scan_button, reset, export):
            buttons.addWidget(button)
        form.addRow(buttons)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(graph_box)
        layout.addLayout(form)
        layout.addStretch(1)
        self.timer = QtCore.QTimer(self)
        self.timer.timeout.connect(self._on_tick)

    def watch_pages(self, pages: QtWidgets.QTabWidget) -> None:
        """Follow the tab's network when this page comes to the front; stop scanning when it
        goes."""
        self._pages = pages
        pages.currentChanged.connect(self._on_page_changed)

    @QtCore.Slot(int)
    def _on_page_changed(self, _index: int) -> None:
        if self._pages.currentWidget() is self:
            self.follow_network()
            self.host.render_units()
        else:
            self.set_scanning(False)

    # -- which weight ------------------------------------------------------------------------------
    def ref(self) -> WeightRef:
        return WeightRef(self.layer_box.currentIndex(), self.source_box.value(),
                         self.unit_box.value())

    def follow_network(self) -> None:
        """The tab's network is another one (a preset, a child, a fit): list its layers and take
        its weights as they are."""
        weights = self.host.weights
        names = layer_names(weights)
        if [self.layer_box.itemText(i) for i in range(self.layer_box.count())] != names:
            blocked = self.layer_box.blockSignals(True)
            self.layer_box.clear()
            self.layer_box.addItems(names)
            self.layer_box.setCurrentIndex(min(4, len(names) - 1))     # hidden 1
            self.layer_box.blockSignals(blocked)
        self._on_weight_chosen()

    @QtCore.Slot()
    def _on_weight_chosen(self) -> None:
        weights = self.host.weights
        shape = weights.arrays[max(self.layer_box.currentIndex(), 0)].shape
        for box, top in ((self.unit_box, shape[-1] - 1),
                         (self.source_box, shape[0] - 1 if len(shape) == 2 else 0)):
            blocked = box.blockSignals(True)
            box.setMaximum(top)
            box.blockSignals(blocked)
        self.source_box.setEnabled(len(shape) == 2)
        self.set_scanning(False)
        self.base, self._applied = weights, None
        self.base_value = weight_value(weights, self.ref())
        blocked = self.slider.blockSignals(True)
        self.slider.setValue(0)
        self.slider.blockSignals(blocked)
        self._say_value(self.base_value)
        self._mark_unit()

    def pick_unit(self, column: int, unit: int) -> None:
        """A click on a unit's picture: column 0 is the inputs mixed (the z branch's weights
        feed it), column k hidden layer k."""
        self.layer_box.setCurrentIndex(0 if column == 0 else 3 + column)
        self.unit_box.setValue(unit)

    # -- changing it -------------------------------------------------------------------------------
    def set_value(self, value: float) -> None:
        """Put ``value`` in the chosen weight (from the weights as they were before) and repaint."""
        self._follow_if_changed()
        self._applied = with_weight(self.base, self.ref(), value)
        self._say_value(value)
        self.host.adopt_fit(self._applied)

    def _follow_if_changed(self) -> None:
        """The network was changed elsewhere (a preset, a child, a fit): start from it."""
        if self.host.weights is not self._applied and self.host.weights is not self.base:
            self.follow_network()

    @QtCore.Slot(int)
    def _on_slider(self, position: int) -> None:
        self._follow_if_changed()          # (which puts the slider back at the middle)
        blocked = self.slider.blockSignals(True)
        self.slider.setValue(position)
        self.slider.blockSignals(blocked)
        self.set_value(self.base_value + self.span_box.value() * position / SLIDER_STEPS)

    @QtCore.Slot()
    def reset(self) -> None:
        self.set_scanning(False)
        self.slider.setValue(0)
        self.set_value(self.base_value)

    def _say_value(self, value: float) -> None:
        self.value_label.setText(f"{self.ref().describe(self.host.weights)}: {value:+.3f} "
                                 f"(was {self.base_value:+.3f})")

    @QtCore.Slot(bool)
    def set_scanning(self, scanning: bool) -> None:
        blocked = self.scan_button.blockSignals(True)
        self.scan_button.setChecked(scanning)
        self.scan_button.blockSignals(blocked)
        if not scanning:
            self.timer.stop()
            return
        self._scan = scan_values(self.base_value, self.span_box.value(),
                                 self.host.playback.frames_box.value())
        self._scan_step = 0
        self.timer.start(round(1000 / self.host.playback.fps_box.value()))

    def scanning(self) -> bool:
        return self.timer.isActive()

    @QtCore.Slot()
    def _on_tick(self) -> None:
        if not self.host.canvas_is_current():
            return          # the last frame is still being drawn: skip rather than queue
        self._scan_step = (self._scan_step + 1) % len(self._scan)
        self.set_value(float(self._scan[self._scan_step]))

    # -- exporting ---------------------------------------------------------------------------------
    def ask_export(self) -> None:
        ask_then(self, "Export the weight scan", "GIF (*.gif);;WebP (*.webp);;MP4 video (*.mp4)",
                 self.export_scan)

    def export_scan(self, path):
        """The scan's frames rendered into an animation, in the tab's background tasks."""
        path = with_suffix(path, (".gif", ".webp", ".mp4"))
        self._follow_if_changed()
        playback, genome = self.host.playback, self.host.current_genome()
        base, ref = self.base, self.ref()
        values = scan_values(self.base_value, self.span_box.value(), playback.frames_box.value())
        pictures = ((with_weight(base, ref, float(v)), genome.z) for v in values)
        job = functools.partial(export_frames, pictures, len(values), playback.size_box.value(),
                                genome.scale, genome.colormap, path,
                                1000 / playback.fps_box.value())
        return self.host.tasks.start(job, f"Saved {path} ({len(values)} frames, "
                                          f"{ref.describe(base)} ± {self.span_box.value():g})",
                                     with_progress=True)

    # -- the graph of units ------------------------------------------------------------------------
    def show_units(self, pictures: list[np.ndarray]) -> None:
        """One column per layer (the inputs mixed, then each hidden layer), a picture per unit."""
        wanted = {(c, u) for c, layer in enumerate(pictures) for u in range(len(layer))}
        if set(self.unit_buttons) != wanted:
            for widget in [*self.unit_buttons.values(), *self._headers]:
                widget.deleteLater()
            self.unit_buttons = {}
            self._headers = [QtWidgets.QLabel("in" if c == 0 else f"h{c}")
                             for c in range(len(pictures))]
            for column, header in enumerate(self._headers):
                header.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
                self.graph.addWidget(header, 0, column)
            for column, unit in sorted(wanted):
                button = QtWidgets.QToolButton()
                button.setCheckable(True)
                button.setIconSize(QtCore.QSize(UNIT_THUMB, UNIT_THUMB))
                button.setToolTip(("inputs mixed" if column == 0 else f"hidden {column}")
                                  + f", unit {unit}")
                button.clicked.connect(functools.partial(self.pick_unit, column, unit))
                button.setStyleSheet(CHECKED_STYLE)
                self.graph.addWidget(button, unit + 1, column)
                self.unit_buttons[(column, unit)] = button
            self.graph.addWidget(self.units_note, UNITS_SHOWN + 1, 0, 1, max(1, len(pictures)))
        for (column, unit), button in self.unit_buttons.items():
            button.setIcon(pixmap_of(pictures[column][unit], UNIT_THUMB))
        self._mark_unit()

    def _mark_unit(self) -> None:
        layer = self.layer_box.currentIndex()
        column = 0 if layer == 0 else layer - 3 if 4 <= layer < self.layer_box.count() - 1 else -1
        for (c, u), button in self.unit_buttons.items():
            button.setChecked(c == column and u == self.unit_box.value())
