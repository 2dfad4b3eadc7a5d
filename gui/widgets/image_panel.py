"""A greyscale image (or a tiled grid of them) drawn with fixed levels, so pixels mean the same
thing from frame to frame."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore

from engine.grids import image_grid


class ImagePanel(pg.GraphicsLayoutWidget):
    """Shows one image (grey or RGB) or rows of images; ``image`` holds what is drawn, for tests
    and export. A click on the picture emits the pixel under the cursor."""

    sig_clicked = QtCore.Signal(int, int)   # row, column of the clicked pixel

    def __init__(self, title: str = "", min_size: tuple[int, int] = (140, 140), parent=None):
        super().__init__(parent)
        self.setMinimumSize(*min_size)
        self.setBackground("w")
        self._view = self.addViewBox(lockAspect=True, enableMouse=False, invertY=True)
        self._item = pg.ImageItem(axisOrder="row-major")
        self._view.addItem(self._item)
        if title:
            self.setToolTip(title)
        self.image = np.zeros((28, 28), np.float32)
        self.scene().sigMouseClicked.connect(self._on_scene_clicked)

    def show_image(self, image: np.ndarray) -> None:
        self.image = np.asarray(image, np.float32)
        self._item.setImage(self.image, levels=(0.0, 1.0), autoLevels=False)
        self._view.autoRange(padding=0.02)

    def show_rows(self, rows: list[np.ndarray]) -> None:
        """Rows of equally sized images, e.g. originals above reconstructions."""
        self.show_image(np.asarray(image_grid(rows, scale=1), np.float32) / 255.0)

    @QtCore.Slot(object)
    def _on_scene_clicked(self, event) -> None:
        pos = self._item.mapFromScene(event.scenePos())
        row, col = int(np.floor(pos.y())), int(np.floor(pos.x()))
        if 0 <= row < self.image.shape[0] and 0 <= col < self.image.shape[1]:
            self.sig_clicked.emit(row, col)

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt name)
        return QtCore.QSize(280, 140)
