"""The CPPN tab's "View" box: what is rendered from the network (the coordinate scale, where z
sits on its path, which path) and at what size. Changing these never rebuilds the weights."""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtWidgets

from engine.cppn.config import CPPNConfig
from engine.cppn.paths import PathKind, ZPath
from gui.cppn.network_panel import log_slider, log_value

RESOLUTIONS = (256, 512, 1024)
SCALE_RANGE = (0.1, 40.0)
PATHS = (("t · ones (2018)", PathKind.SWEEP), ("two random z, there and back", PathKind.THERE_AND_BACK),
         ("circle through z-space (seamless)", PathKind.CIRCLE),
         ("loop through keyframes (seamless)", PathKind.KEYFRAMES))


class ViewPanel(QtWidgets.QGroupBox):
    sig_changed = QtCore.Signal()
    sig_keyframe_wanted = QtCore.Signal()   # "Add keyframe": the tab adds the z on screen

    def __init__(self, parent=None):
        super().__init__("View", parent)
        self.z_seed = 1
        self.keyframes: list[tuple[float, ...]] = []
        form = QtWidgets.QFormLayout(self)
        self.scale_slider = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.scale_slider.setRange(0, 1000)
        self.scale_slider.setToolTip("The coordinate range: x and y run from -scale to +scale. "
                                     "Bigger is more zoomed out.")
        self.scale_slider.valueChanged.connect(self.sig_changed)
        self.scale_label = QtWidgets.QLabel()
        form.addRow(self.scale_label, self.scale_slider)
        self.t_slider = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.t_slider.setRange(0, 1000)
        self.t_slider.setToolTip("Where z sits between its two ends (the 2018 sweep: z = t·ones).")
        self.t_slider.valueChanged.connect(self.sig_changed)
        self.t_label = QtWidgets.QLabel()
        form.addRow(self.t_label, self.t_slider)
        self.z_path_box = QtWidgets.QComboBox()
        for text, kind in PATHS:
            self.z_path_box.addItem(text, kind)
        self.z_path_box.setToolTip("The path z follows as t goes from 0 to 1. The circle and the "
                                   "keyframe loop end where they start: their animations loop "
                                   "without a seam.")
        self.z_path_box.activated.connect(self.sig_changed)
        form.addRow("z path", self.z_path_box)
        z_row = QtWidgets.QHBoxLayout()
        new_z = QtWidgets.QPushButton("New z")
        new_z.setToolTip("Draw new random ends (there and back) or a new circle.")
        new_z.clicked.connect(self._on_new_z)
        add_key = QtWidgets.QPushButton("Add keyframe")
        add_key.setToolTip("Remember the z on screen as the next keyframe of the keyframe loop.")
        add_key.clicked.connect(self._on_add_keyframe)
        self.clear_keys = QtWidgets.QPushButton("Clear (0)")
        self.clear_keys.setToolTip("Forget every keyframe.")
        self.clear_keys.clicked.connect(self._on_clear_keyframes)
        for button in (new_z, add_key, self.clear_keys):
            z_row.addWidget(button)
        form.addRow(z_row)
        self.resolution_box = QtWidgets.QComboBox()
        for side in RESOLUTIONS:
            self.resolution_box.addItem(f"{side} × {side}", side)
        self.resolution_box.setCurrentIndex(1)
        self.resolution_box.setToolTip("Pixels rendered for the canvas (exports choose their own).")
        self.resolution_box.activated.connect(self.sig_changed)
        form.addRow("Canvas", self.resolution_box)

    def lockable(self) -> list[QtWidgets.QWidget]:
        """Controls that change what a fit learns to paint (its z and its coordinate scale)."""
        return [self.scale_slider, self.t_slider, self.z_path_box]

    def set_view(self, scale: float, t: float, kind: PathKind) -> None:
        for w in (self.scale_slider, self.t_slider, self.z_path_box):
            w.blockSignals(True)
        self.scale_slider.setValue(log_slider(*SCALE_RANGE, scale))
        self.t_slider.setValue(round(t * 1000))
        self.z_path_box.setCurrentIndex([k for _, k in PATHS].index(kind))
        for w in (self.scale_slider, self.t_slider, self.z_path_box):
            w.blockSignals(False)

    def set_t(self, t: float) -> None:
        """Move t without a signal (playback draws the frame itself)."""
        blocked = self.t_slider.blockSignals(True)
        self.t_slider.setValue(round(t * 1000))
        self.t_slider.blockSignals(blocked)

    def scale(self) -> float:
        return round(log_value(*SCALE_RANGE, self.scale_slider.value()), 3)

    def t(self) -> float:
        return self.t_slider.value() / 1000

    def kind(self) -> PathKind:
        return PathKind(self.z_path_box.currentData())   # Qt hands a str-based enum back as str

    def path(self, config: CPPNConfig) -> ZPath:
        """The z path on screen, for ``config``'s length of z (keyframes of another length are
        left out: the loop then falls back to a circle)."""
        keys = tuple(k for k in self.keyframes if len(k) == config.z_dim)
        kind = self.kind()
        if kind is PathKind.KEYFRAMES and len(keys) < 2:
            kind = PathKind.CIRCLE
        return ZPath(kind, config.z_dim, self.z_seed, keyframes=keys)

    def z(self, config: CPPNConfig) -> np.ndarray:
        return self.path(config).at(self.t())

    def side(self) -> int:
        return self.resolution_box.currentData()

    def show_labels(self) -> None:
        self.scale_label.setText(f"Scale {self.scale():.2f}")
        self.t_label.setText(f"t = {self.t():.3f}")

    @QtCore.Slot()
    def _on_new_z(self) -> None:
        self.z_seed += 1
        if self.kind() is PathKind.SWEEP:
            self.z_path_box.setCurrentIndex(1)
        self.sig_changed.emit()

    def add_keyframe(self, z: np.ndarray) -> None:
        self.keyframes.append(tuple(float(v) for v in z))
        self.clear_keys.setText(f"Clear ({len(self.keyframes)})")

    @QtCore.Slot()
    def _on_add_keyframe(self) -> None:
        self.sig_keyframe_wanted.emit()

    @QtCore.Slot()
    def _on_clear_keyframes(self) -> None:
        self.keyframes.clear()
        self.clear_keys.setText("Clear (0)")
        if self.kind() is PathKind.KEYFRAMES:
            self.sig_changed.emit()

    def settings_widgets(self) -> dict:
        return {"scale": self.scale_slider, "t": self.t_slider, "z_path": self.z_path_box,
                "canvas": self.resolution_box}
