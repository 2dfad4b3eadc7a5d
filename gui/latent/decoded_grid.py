"""A window of the decoder over a 2-D slice of the latent space: two axes across the box, the
third at the sliders' value, redrawn with the weights of the step on screen (live while a run
trains). The explorer asks for its decodes and hands them back (:meth:`show_images`)."""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtWidgets

from engine.latent.latent_grid import DEFAULT_SIDE, GRID_SIDES, grid_codes
from gui.widgets.image_panel import ImagePanel


class DecodedGridWindow(QtWidgets.QWidget):
    """``sig_changed``: its axes or size changed, so it wants new decodes."""

    sig_changed = QtCore.Signal()

    def __init__(self, parent=None):
        super().__init__(parent, QtCore.Qt.WindowType.Window)
        self.setWindowTitle("Decoded grid")
        self.x_box, self.y_box = QtWidgets.QComboBox(), QtWidgets.QComboBox()
        for box, default in ((self.x_box, 0), (self.y_box, 1)):
            for axis in range(3):
                box.addItem(f"z{axis + 1}", axis)
            box.setCurrentIndex(default)
            box.currentIndexChanged.connect(self.sig_changed)
        self.x_box.setToolTip("The view's axis that runs across the grid, left to right.")
        self.y_box.setToolTip("The view's axis that runs up the grid, bottom to top.")
        self.side_box = QtWidgets.QSpinBox()
        self.side_box.setRange(*GRID_SIDES)
        self.side_box.setValue(DEFAULT_SIDE)
        self.side_box.setSuffix(" a side")
        self.side_box.setToolTip("How many decoded pictures along each side of the grid.")
        self.side_box.valueChanged.connect(self.sig_changed)
        self.panel = ImagePanel("The decoder across the latent box", (420, 420))
        self.label = QtWidgets.QLabel("")
        row = QtWidgets.QHBoxLayout()
        for text, widget in (("across", self.x_box), ("up", self.y_box), ("", self.side_box)):
            if text:
                row.addWidget(QtWidgets.QLabel(text))
            row.addWidget(widget)
        row.addStretch(1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.panel, 1)
        layout.addWidget(self.label)

    def axes(self) -> tuple[int, int]:
        return self.x_box.currentData(), self.y_box.currentData()

    def codes(self, lo, hi, base, names=("z1", "z2", "z3")) -> np.ndarray | None:
        """The grid's points in the view's coordinates, over its box (lo, hi) with ``base`` on
        the third axis; None (and a word on the window) when both axes are the same."""
        x_axis, y_axis = self.axes()
        for box in (self.x_box, self.y_box):
            for axis, name in enumerate(names):
                box.setItemText(axis, name)
        if x_axis == y_axis:
            self.label.setText("Choose two different axes.")
            return None
        rest = [f"{names[a]} = {base[a]:.2f}" for a in range(3) if a not in (x_axis, y_axis)]
        self.label.setText(f"{names[x_axis]} from {lo[x_axis]:.2f} to {hi[x_axis]:.2f} across, "
                           f"{names[y_axis]} from {lo[y_axis]:.2f} to {hi[y_axis]:.2f} up"
                           + (f"; {', '.join(rest)} (the sliders)" if rest else ""))
        return grid_codes(lo, hi, base, (x_axis, y_axis), self.side_box.value())

    def show_images(self, images: np.ndarray) -> None:
        side = int(round(np.sqrt(len(images))))
        self.panel.show_rows([images[r * side:(r + 1) * side] for r in range(side)])
