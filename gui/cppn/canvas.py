"""The CPPN canvas: a rendered picture drawn pixel for pixel, RGBA over a checkerboard."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore

CHECKER = 16  # checkerboard square, in picture pixels


def checkerboard(rows: int, cols: int) -> np.ndarray:
    """Light and mid grey squares, (rows, cols, 3) uint8: what shows through transparency."""
    squares = ((np.arange(rows)[:, None] // CHECKER + np.arange(cols)[None, :] // CHECKER) % 2)
    return np.where(squares[..., None] == 0, 230, 180).astype(np.uint8).repeat(3, -1)


class CPPNCanvas(pg.GraphicsLayoutWidget):
    """Shows uint8 pixels (rows, cols, 1|3|4); ``pixels`` holds what is on screen (composited)."""

    sig_painted = QtCore.Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumSize(360, 360)
        self.setBackground((40, 40, 40))
        self._view = self.addViewBox(lockAspect=True, enableMouse=False, invertY=True)
        self._item = pg.ImageItem(axisOrder="row-major")
        self._view.addItem(self._item)
        self.pixels = np.zeros((1, 1, 3), np.uint8)

    def show_pixels(self, pixels: np.ndarray) -> None:
        pixels = np.asarray(pixels, np.uint8)
        if pixels.ndim == 2:
            pixels = pixels[..., None]
        if pixels.shape[-1] == 1:
            shown = np.repeat(pixels, 3, -1)
        elif pixels.shape[-1] == 4:
            alpha = pixels[..., 3:4].astype(np.float32) / 255.0
            under = checkerboard(*pixels.shape[:2]).astype(np.float32)
            shown = (pixels[..., :3] * alpha + under * (1 - alpha) + 0.5).astype(np.uint8)
        else:
            shown = pixels
        resized = shown.shape != self.pixels.shape
        self.pixels = shown
        self._item.setImage(shown, levels=(0, 255), autoLevels=False)
        if resized:
            self._view.autoRange(padding=0.0)
        self.sig_painted.emit()
