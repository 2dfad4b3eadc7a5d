"""The CPPN tab's "Network" box: preset, width, depth, one activation per layer, channels, colour
map, weight spread, seed and the length of z. It says when the network changed; the tab draws."""

from __future__ import annotations

import math

import numpy as np
from PySide6 import QtCore, QtWidgets

from engine.cppn.breeding import MAX_DEPTH, MAX_WIDTH
from engine.cppn.colormaps import COLORMAPS
from engine.cppn.config import ACTIVATIONS, CHANNELS, PRESETS, CPPNConfig
from gui.widgets.spin_box import spin_box

WEIGHT_SCALE_RANGE = (0.05, 8.0)


def log_slider(lo: float, hi: float, value: float) -> int:
    """A 0..1000 slider position for ``value`` on a log scale from ``lo`` to ``hi``."""
    return round(1000 * math.log(value / lo) / math.log(hi / lo))


def log_value(lo: float, hi: float, position: int) -> float:
    return lo * (hi / lo) ** (position / 1000)


class NetworkPanel(QtWidgets.QGroupBox):
    sig_changed = QtCore.Signal()           # the network (so its weights) changed
    sig_colormap_changed = QtCore.Signal()
    sig_preset_chosen = QtCore.Signal(int)

    def __init__(self, parent=None):
        super().__init__("Network", parent)
        form = QtWidgets.QFormLayout(self)
        self.preset_box = QtWidgets.QComboBox()
        for preset in PRESETS:
            self.preset_box.addItem(preset.name)
        self.preset_box.setToolTip("2018 original: the post's network (x, y, r and z each through "
                                   "their own activation, summed, four atan layers). "
                                   "cppn-tensorflow: hardmaru's 2016 network (tanh stack).")
        self.preset_box.activated.connect(self.sig_preset_chosen)
        form.addRow("Preset", self.preset_box)
        self.width_box = spin_box(1, MAX_WIDTH, "Hidden units per layer: wider networks paint "
                                  "finer detail and render slower.", tracking=False)
        form.addRow("Width", self.width_box)
        self.depth_box = spin_box(1, MAX_DEPTH, "Hidden layers after the inputs are summed.",
                                  tracking=False)
        form.addRow("Depth", self.depth_box)
        self.activation_boxes = []
        grid = QtWidgets.QGridLayout()
        for i in range(MAX_DEPTH):
            combo = QtWidgets.QComboBox()
            combo.addItems(ACTIVATIONS)
            combo.setToolTip(f"Activation of hidden layer {i + 1}.")
            combo.activated.connect(self._on_changed)
            grid.addWidget(combo, i // 2, i % 2)
            self.activation_boxes.append(combo)
        form.addRow("Activations", grid)
        self.channels_box = QtWidgets.QComboBox()
        for text, channels in zip(("1 · grey", "3 · RGB", "4 · RGBA"), CHANNELS):
            self.channels_box.addItem(text, channels)
        self.channels_box.setToolTip("Output channels: one through a colour map, RGB, or RGBA "
                                     "(transparency shows a checkerboard).")
        self.channels_box.activated.connect(self._on_changed)
        form.addRow("Channels", self.channels_box)
        self.colormap_box = QtWidgets.QComboBox()
        self.colormap_box.addItems(COLORMAPS)
        self.colormap_box.setToolTip("How one channel is coloured (the 2018 frames used viridis).")
        self.colormap_box.activated.connect(self.sig_colormap_changed)
        form.addRow("Colour map", self.colormap_box)
        self.weight_scale = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.weight_scale.setRange(0, 1000)
        self.weight_scale.setToolTip("Multiplies the spread of every random weight: small is "
                                     "smooth and soft, large is busy and sharp.")
        self.weight_scale.valueChanged.connect(self._on_changed)
        self.weight_scale_label = QtWidgets.QLabel()
        form.addRow(self.weight_scale_label, self.weight_scale)
        seed_row = QtWidgets.QHBoxLayout()
        self.seed_box = spin_box(0, 2**31 - 1, "The random seed of the weights: the same seed "
                                 "always paints the same picture.", tracking=False)
        new_seed = QtWidgets.QPushButton("New")
        new_seed.setToolTip("Draw new random weights.")
        new_seed.clicked.connect(self._on_new_seed)
        seed_row.addWidget(self.seed_box, 1)
        seed_row.addWidget(new_seed)
        form.addRow("Seed", seed_row)
        self.z_dim_box = spin_box(1, 256, "Length of the z vector.", tracking=False)
        form.addRow("z size", self.z_dim_box)
        for box in (self.width_box, self.depth_box, self.seed_box, self.z_dim_box):
            box.valueChanged.connect(self._on_changed)
        self.style = PRESETS[0].config.style

    def lockable(self) -> list[QtWidgets.QWidget]:
        """Controls that change the network (locked while a fit trains it)."""
        return [self.preset_box, self.width_box, self.depth_box, self.channels_box, self.seed_box,
                self.weight_scale, self.z_dim_box, *self.activation_boxes]

    def set_config(self, config: CPPNConfig, preset_index: int | None = None,
                   announce: bool = True) -> None:
        """Show ``config`` without a signal per control; one ``sig_changed`` follows (none with
        ``announce=False``: the tab already holds weights for it, e.g. a bred network's)."""
        widgets = [self.width_box, self.depth_box, self.seed_box, self.z_dim_box,
                   self.weight_scale, self.channels_box, *self.activation_boxes]
        for w in widgets:
            w.blockSignals(True)
        if preset_index is not None:
            self.preset_box.setCurrentIndex(preset_index)
        self.style = config.style
        self.width_box.setValue(config.width)
        self.depth_box.setValue(config.depth)
        self.seed_box.setValue(config.seed)
        self.z_dim_box.setValue(config.z_dim)
        self.weight_scale.setValue(log_slider(*WEIGHT_SCALE_RANGE, config.weight_scale))
        self.channels_box.setCurrentIndex(CHANNELS.index(config.channels))
        for combo, name in zip(self.activation_boxes, config.activations):
            combo.setCurrentText(name)
        for w in widgets:
            w.blockSignals(False)
        if announce:
            self._on_changed()
        else:
            self._show_labels()

    def weight_scale_value(self) -> float:
        return round(log_value(*WEIGHT_SCALE_RANGE, self.weight_scale.value()), 3)

    def config(self) -> CPPNConfig:
        """The network the controls describe; ValueError names a bad combination."""
        depth = self.depth_box.value()
        return CPPNConfig(
            style=self.style, width=self.width_box.value(), depth=depth,
            activations=tuple(c.currentText() for c in self.activation_boxes[:depth]),
            channels=self.channels_box.currentData(), z_dim=self.z_dim_box.value(),
            weight_scale=self.weight_scale_value(), seed=self.seed_box.value())

    def colormap(self) -> str:
        return self.colormap_box.currentText()

    @QtCore.Slot()
    def _on_changed(self) -> None:
        self._show_labels()
        self.sig_changed.emit()

    def _show_labels(self) -> None:
        depth = self.depth_box.value()
        for i, combo in enumerate(self.activation_boxes):
            combo.setVisible(i < depth)
        self.weight_scale_label.setText(f"Weights ×{self.weight_scale_value():.2f}")

    @QtCore.Slot()
    def _on_new_seed(self) -> None:
        self.seed_box.setValue(int(np.random.default_rng().integers(0, 2**31 - 1)))

    def settings_widgets(self) -> dict:
        widgets = {"preset": self.preset_box, "width": self.width_box, "depth": self.depth_box,
                   "channels": self.channels_box, "colormap": self.colormap_box,
                   "weight_scale": self.weight_scale, "seed": self.seed_box,
                   "z_dim": self.z_dim_box}
        widgets.update({f"activation{i}": c for i, c in enumerate(self.activation_boxes)})
        return widgets
