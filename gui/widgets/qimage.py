"""uint8 pixels (rows, cols, 1|3|4) as a QImage that owns its bytes: grey is shown as RGB."""

from __future__ import annotations

import numpy as np
from PySide6 import QtGui


def qimage_of(pixels: np.ndarray) -> QtGui.QImage:
    data = np.asarray(pixels, np.uint8)
    if data.ndim == 2:
        data = data[..., None]
    if data.shape[-1] == 1:
        data = np.repeat(data, 3, -1)
    data = np.ascontiguousarray(data)
    fmt = QtGui.QImage.Format.Format_RGBA8888 if data.shape[-1] == 4 else \
        QtGui.QImage.Format.Format_RGB888
    return QtGui.QImage(data.data, data.shape[1], data.shape[0], data.strides[0], fmt).copy()
