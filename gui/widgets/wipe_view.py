"""A before/after view: two pictures of the same size drawn one over the other, the "before"
left of a split line the user drags and the "after" right of it, with an optional mask overlay.

Presses away from the line are reported in picture coordinates (row, column), so a panel can
paste or brush where the user points.
"""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from engine.files.images import to_bytes
from gui.widgets.qimage import qimage_of

GRAB_PX = 8                 # how near the line a press grabs it
OVERLAY_RGBA = (255, 40, 40, 110)



class WipeView(QtWidgets.QWidget):
    """Shows ``before`` | ``after`` split at :attr:`split` (0 all after, 1 all before)."""

    sig_pressed = QtCore.Signal(float, float)    # row, column in the picture
    sig_dragged = QtCore.Signal(float, float)
    sig_released = QtCore.Signal()
    sig_split_changed = QtCore.Signal(float)

    def __init__(self, labels: tuple[str, str] = ("before", "after"), parent=None):
        super().__init__(parent)
        self.labels = labels
        self.split = 0.5
        self._before: QtGui.QImage | None = None
        self._after: QtGui.QImage | None = None
        self._overlay: QtGui.QImage | None = None
        self._dragging_split = False
        self._pressed = False
        self.setMinimumSize(320, 240)
        self.setMouseTracking(True)
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding,
                           QtWidgets.QSizePolicy.Policy.Expanding)

    # -- what is shown -------------------------------------------------------------------------
    def set_pictures(self, before: np.ndarray, after: np.ndarray | None = None,
                     labels: tuple[str, str] | None = None) -> None:
        """Two (H, W, 3) pictures in [0, 1] of one size (``after`` omitted: the same)."""
        self._before = qimage_of(to_bytes(before))
        self._after = self._before if after is None else qimage_of(to_bytes(after))
        if labels is not None:
            self.labels = labels
        self.update()

    def set_overlay(self, mask: np.ndarray | None) -> None:
        """Tint the (H, W) bool ``mask`` on both sides; None removes the tint."""
        if mask is None:
            self._overlay = None
        else:
            rgba = np.zeros(mask.shape + (4,), np.uint8)
            rgba[mask] = OVERLAY_RGBA
            self._overlay = qimage_of(rgba)
        self.update()

    def set_split(self, split: float) -> None:
        self.split = float(np.clip(split, 0.0, 1.0))
        self.sig_split_changed.emit(self.split)
        self.update()

    def picture_rect(self) -> QtCore.QRectF:
        """Where the picture is drawn: fitted to the widget, its shape kept, centred."""
        if self._before is None:
            return QtCore.QRectF()
        w, h = self._before.width(), self._before.height()
        scale = min(self.width() / w, self.height() / h)
        return QtCore.QRectF((self.width() - w * scale) / 2, (self.height() - h * scale) / 2,
                             w * scale, h * scale)

    def split_x(self) -> float:
        rect = self.picture_rect()
        return rect.left() + self.split * rect.width()

    def widget_point(self, row: float, col: float) -> QtCore.QPointF:
        """The widget position of the picture's pixel (row, col), at its centre."""
        rect = self.picture_rect()
        scale = rect.width() / self._before.width()
        return QtCore.QPointF(rect.left() + (col + 0.5) * scale, rect.top() + (row + 0.5) * scale)

    def picture_point(self, pos: QtCore.QPointF) -> tuple[float, float] | None:
        rect = self.picture_rect()
        if self._before is None or not rect.contains(pos):
            return None
        scale = rect.width() / self._before.width()
        return (pos.y() - rect.top()) / scale, (pos.x() - rect.left()) / scale

    # -- drawing ---------------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt name)
        painter = QtGui.QPainter(self)
        painter.fillRect(self.rect(), self.palette().color(QtGui.QPalette.ColorRole.Dark))
        if self._before is None:
            painter.end()
            return
        rect = self.picture_rect()
        x = self.split_x()
        painter.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform,
                              rect.width() < self._before.width())
        left = QtCore.QRectF(rect.left(), rect.top(), x - rect.left(), rect.height())
        right = QtCore.QRectF(x, rect.top(), rect.right() - x, rect.height())
        for image, clip in ((self._before, left), (self._after, right)):
            painter.save()
            painter.setClipRect(clip)
            painter.drawImage(rect, image)
            painter.restore()
        if self._overlay is not None:
            painter.drawImage(rect, self._overlay)
        painter.setPen(QtGui.QPen(QtGui.QColor(0, 0, 0, 160), 3))
        painter.drawLine(QtCore.QPointF(x, rect.top()), QtCore.QPointF(x, rect.bottom()))
        painter.setPen(QtGui.QPen(QtGui.QColor("white"), 1))
        painter.drawLine(QtCore.QPointF(x, rect.top()), QtCore.QPointF(x, rect.bottom()))
        painter.setBrush(QtGui.QColor("white"))
        painter.drawEllipse(QtCore.QPointF(x, rect.center().y()), 5, 5)
        painter.setPen(QtGui.QColor("white"))
        margin = 6
        if x - rect.left() > 60:
            painter.drawText(QtCore.QPointF(rect.left() + margin, rect.top() + 16), self.labels[0])
        if rect.right() - x > 60:
            width = painter.fontMetrics().horizontalAdvance(self.labels[1])
            painter.drawText(QtCore.QPointF(rect.right() - width - margin, rect.top() + 16),
                             self.labels[1])
        painter.end()

    # -- the mouse -------------------------------------------------------------------------------
    def _near_split(self, pos: QtCore.QPointF) -> bool:
        return self._before is not None and abs(pos.x() - self.split_x()) <= GRAB_PX

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.button() != QtCore.Qt.MouseButton.LeftButton:
            return
        pos = event.position()
        if self._near_split(pos):
            self._dragging_split = True
            return
        point = self.picture_point(pos)
        if point is not None:
            self._pressed = True
            self.sig_pressed.emit(*point)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt name)
        pos = event.position()
        if self._dragging_split:
            rect = self.picture_rect()
            self.set_split((pos.x() - rect.left()) / max(rect.width(), 1.0))
            return
        self.setCursor(QtCore.Qt.CursorShape.SplitHCursor if self._near_split(pos)
                       else QtCore.Qt.CursorShape.CrossCursor)
        if self._pressed:
            point = self.picture_point(pos)
            if point is not None:
                self.sig_dragged.emit(*point)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if self._dragging_split:
            self._dragging_split = False
        elif self._pressed:
            self._pressed = False
            self.sig_released.emit()
