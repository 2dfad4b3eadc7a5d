"""Selection in the 3-D scatter: Shift+drag a rectangle, or Ctrl+Shift+drag a lasso, to select
the shown points inside it, and the strip that tells what was selected (how many of each class,
the first pictures).

An event filter on the view takes Shift+left drags (a plain drag still turns the view, Ctrl+drag
pans); a GL item paints the band or lasso while dragging and a ring round each selected point
(the first :data:`MARKED` of them) at every frame, so the marks follow the points as they train.
"""

from __future__ import annotations

import numpy as np
from pyqtgraph.opengl import GLGraphicsItem
from PySide6 import QtCore, QtGui, QtWidgets

from gui.widgets.image_panel import ImagePanel

STRIP_PICTURES = 16   # pictures of the selection shown in its strip
MARKED = 3_000   # selected points ringed in a frame; the selection itself has no limit
RING_PX = 9.0
HOW_TO_SELECT = "Shift+drag on the view to select a box of points, Ctrl+Shift+drag a lasso."
LASSO_CORNERS = 256   # a lasso's path, thinned to at most this many corners when selecting


class _SelectionMarks(GLGraphicsItem.GLGraphicsItem):
    """The rubber band and the rings, painted over the frame."""

    def __init__(self, selection: "BoxSelection"):
        super().__init__()
        self._selection = selection

    def paint(self) -> None:
        selection, view = self._selection, self.view()
        if selection.band is None and selection.lasso is None and not len(selection.selected):
            return
        self.setupGLState()
        painter = QtGui.QPainter(view)
        painter.setPen(QtGui.QPen(QtGui.QColor(230, 120, 0), 1.5))
        if len(selection.selected) and len(view.positions):
            xy = view.screen_positions()[selection.selected[:MARKED]]
            for x, y in xy[np.isfinite(xy).all(axis=1)]:
                painter.drawEllipse(QtCore.QPointF(x, y), RING_PX / 2, RING_PX / 2)
        painter.setBrush(QtGui.QColor(230, 120, 0, 40))
        if selection.band is not None:
            painter.drawRect(selection.band)
        if selection.lasso is not None:
            painter.drawPolygon(QtGui.QPolygonF(selection.lasso))
        painter.end()


class BoxSelection(QtCore.QObject):
    """The selection of one scatter view: ``selected`` holds indices of its points (sorted);
    ``sig_selected`` is emitted with them when it changes; ``band`` is the rectangle being
    dragged, ``lasso`` the points of the lasso being drawn (None when not)."""

    sig_selected = QtCore.Signal(object)

    def __init__(self, view):
        super().__init__(view)
        self.view = view
        self.selected = np.zeros(0, np.int64)
        self.band: QtCore.QRectF | None = None
        self.lasso: list[QtCore.QPointF] | None = None
        self._start: QtCore.QPointF | None = None
        view.addItem(_SelectionMarks(self))
        view.installEventFilter(self)

    def eventFilter(self, obj, ev) -> bool:  # noqa: N802 (Qt name)
        kind = ev.type()
        if kind == QtCore.QEvent.Type.MouseButtonPress and \
                ev.button() == QtCore.Qt.MouseButton.LeftButton and \
                ev.modifiers() & QtCore.Qt.KeyboardModifier.ShiftModifier:
            self._start = ev.position()
            if ev.modifiers() & QtCore.Qt.KeyboardModifier.ControlModifier:
                self.lasso = [self._start]
            else:
                self.band = QtCore.QRectF(self._start, self._start)
            return True
        if self._start is None:
            return False
        if kind == QtCore.QEvent.Type.MouseMove:
            if self.lasso is not None:
                self.lasso.append(ev.position())
            else:
                self.band = QtCore.QRectF(self._start, ev.position()).normalized()
            self.view.update()
            return True
        if kind == QtCore.QEvent.Type.MouseButtonRelease:
            lasso, rect = self.lasso, QtCore.QRectF(self._start, ev.position()).normalized()
            self._start = self.band = self.lasso = None
            if lasso is not None:
                self.select_polygon(np.array([(p.x(), p.y()) for p in lasso + [ev.position()]]))
            else:
                self.select_rect(rect)
            return True
        return False

    def select_rect(self, rect: QtCore.QRectF) -> None:
        """Select the shown points whose screen positions lie inside ``rect`` (widget pixels)."""
        xy = self.view.screen_positions()
        inside = ((xy[:, 0] >= rect.left()) & (xy[:, 0] <= rect.right()) &
                  (xy[:, 1] >= rect.top()) & (xy[:, 1] <= rect.bottom()))
        self.set_selected(np.flatnonzero(inside & self.view.shown_mask()))

    def select_polygon(self, corners: np.ndarray) -> None:
        """Select the shown points inside the polygon ``corners`` (K, 2) in widget pixels (the
        even-odd rule: a crossing count per point, over the polygon's edges; the lasso is thinned
        to :data:`LASSO_CORNERS` corners and the points taken in chunks, so memory stays small)."""
        corners = corners[::max(1, -(-len(corners) // LASSO_CORNERS))]
        a, b = corners[None], np.roll(corners, -1, axis=0)[None]
        xy = self.view.screen_positions()
        inside = np.zeros(len(xy), bool)
        for i in range(0, len(xy), 8_192):
            x, y = xy[i:i + 8_192, :1], xy[i:i + 8_192, 1:]
            spans = (a[..., 1] > y) != (b[..., 1] > y)
            with np.errstate(divide="ignore", invalid="ignore"):
                at = a[..., 0] + (y - a[..., 1]) * (b[..., 0] - a[..., 0]) / (b[..., 1] - a[..., 1])
            inside[i:i + 8_192] = np.count_nonzero(spans & (x < at), axis=1) % 2 == 1
        self.set_selected(np.flatnonzero(inside & self.view.shown_mask()))

    def set_selected(self, indices) -> None:
        self.selected = np.asarray(indices, np.int64)
        self.view.update()
        self.sig_selected.emit(self.selected)

    def clear(self) -> None:
        if len(self.selected):
            self.set_selected(np.zeros(0, np.int64))


class SelectionStrip(QtWidgets.QWidget):
    """What a :class:`BoxSelection` holds: a line with its count by class, its first pictures,
    and a Clear button; the pictures come from the run's fixtures (:meth:`set_fixtures`)."""

    def __init__(self, selection: BoxSelection, parent=None):
        super().__init__(parent)
        self.selection = selection
        self._fixtures = None
        self.label = QtWidgets.QLabel(HOW_TO_SELECT)
        self.label.setWordWrap(True)
        self.label.setToolTip("The selected points: how many, and of which classes.")
        self.pictures = ImagePanel("The first pictures of the selection", (200, 36))
        self.pictures.setMaximumHeight(56)
        self.pictures.setVisible(False)
        self.clear_button = QtWidgets.QPushButton("Clear")
        self.clear_button.setToolTip("Select nothing.")
        self.clear_button.setEnabled(False)
        self.clear_button.clicked.connect(selection.clear)
        selection.sig_selected.connect(self._on_selected)
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.pictures, 2)
        layout.addWidget(self.clear_button)

    def set_fixtures(self, fixtures) -> None:
        """A new run's pictures: the old selection no longer means anything."""
        self._fixtures = fixtures
        self.selection.clear()

    @QtCore.Slot(object)
    def _on_selected(self, indices) -> None:
        self.clear_button.setEnabled(bool(len(indices)))
        fixtures = self._fixtures
        if not len(indices) or fixtures is None:
            self.label.setText(HOW_TO_SELECT)
            self.pictures.setVisible(False)
            return
        counts = np.bincount(fixtures.view_labels[indices], minlength=len(fixtures.class_names))
        by_class = ", ".join(f"{fixtures.class_names[k]} × {counts[k]}"
                             for k in np.argsort(-counts, kind="stable") if counts[k])
        self.label.setText(f"{len(indices):,} selected: {by_class}")
        self.pictures.show_rows([np.stack([fixtures.view_image(int(i))
                                           for i in indices[:STRIP_PICTURES]])])
        self.pictures.setVisible(True)
