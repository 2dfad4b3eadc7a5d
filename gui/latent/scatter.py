"""The live OpenGL 3-D scatter of latent codes, coloured by label (classes can be hidden).

Codes of any size reach the view through a :class:`~engine.latent.projection.ViewProjection`:
their first three axes, or their principal components (refitted only when asked, at the run's
newest snapshot, so scrubbing the timeline does not move the axes).

The view is a ``QOpenGLWindow`` (pyqtgraph's GLViewMixin), a native window of its own that the
tab embeds with :meth:`LatentScatterView.container`. A ``QOpenGLWidget`` would instead make Qt
compose the *whole* main window through OpenGL on every repaint of any widget, which on a
software GL (llvmpipe) starved the GUI thread and halved training speed (bench/gui_live.py).
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph.opengl as gl
from pyqtgraph.opengl.GLViewWidget import GLViewMixin
from PySide6 import QtCore, QtGui, QtOpenGL, QtWidgets

from engine.latent.palette import label_colours
from engine.latent.projection import ViewProjection, axes_projection, pca_projection
from gui.latent.camera import START_DISTANCE, BoxCamera
from gui.latent.point_cloud import PointCloud

MIN_SIZE = QtCore.QSize(320, 280)  # a GL view without a minimum collapses to nothing
POINT_PX = 6.0    # sizes in logical pixels; GL draws in device pixels (x2 on a high-DPI screen)
MIN_POINT_PX = 3.0   # points shrink past 10,000 of them (as 1/√N), so 70,000 do not paint a blob
RING_PX = 16.0


class LatentScatterView(BoxCamera, GLViewMixin, QtOpenGL.QOpenGLWindow):
    """Points (N, 3) coloured by their labels inside a box sized to the data's extents (emitted
    with ``sig_extent_changed`` for a read-out beside the view).

    ``fit_to_data`` rescales the view as the codes spread; otherwise the axes stay fixed at the
    largest extent seen, so growth is visible as points moving outwards.
    """

    sig_point_clicked = QtCore.Signal(int)   # index into the shown points
    sig_extent_changed = QtCore.Signal(object)  # (lo, hi) arrays
    sig_camera_changed = QtCore.Signal()     # the user turned or zoomed the view

    def __init__(self):
        super().__init__()
        self.setMinimumSize(MIN_SIZE)
        self.setBackgroundColor(QtGui.QColor(255, 255, 255))
        self.fit_to_data = True
        self._positions = np.zeros((0, 3), np.float32)   # view coordinates of the codes
        self.projection: ViewProjection | None = None
        self.pca = False
        self._codes: np.ndarray | None = None
        self._labels = np.zeros(0, np.int64)
        self._hidden: frozenset[int] = frozenset()   # classes not drawn nor picked
        self._version = 0                              # counts changes of what is drawn where
        self._screen_cache: tuple | None = None
        self._extent = (np.full(3, -1.0), np.full(3, 1.0))
        self._box = gl.GLBoxItem(color=(120, 120, 120, 255))
        self._box.setGLOptions("translucent")
        self.addItem(self._box)
        self.cloud = PointCloud(POINT_PX)   # fewer points while the camera moves, if slow
        self.addItem(self.cloud)
        self._highlight = gl.GLScatterPlotItem(pos=np.zeros((1, 3), np.float32), size=RING_PX,
                                               color=(0, 0, 0, 0), pxMode=True)
        self._highlight.setGLOptions("translucent")
        self.addItem(self._highlight)
        self.highlighted: int | None = None
        self._path = gl.GLLinePlotItem(pos=np.zeros((2, 3), np.float32), color=(0, 0, 0, 0),
                                       width=2.0, mode="line_strip")
        self._path.setGLOptions("translucent")
        self.addItem(self._path)
        self._path_codes: np.ndarray | None = None
        self.fixed_extent: tuple[np.ndarray, np.ndarray] | None = None
        self._pixel_ratio = 1.0
        self._press_pos: QtCore.QPointF | None = None
        self.setCameraPosition(distance=START_DISTANCE, elevation=22, azimuth=40)

    def container(self, parent: QtWidgets.QWidget | None = None) -> QtWidgets.QWidget:
        """A widget holding this window, to put in a layout."""
        holder = QtWidgets.QWidget.createWindowContainer(self, parent)
        holder.setMinimumSize(MIN_SIZE)
        holder.setFocusPolicy(QtCore.Qt.FocusPolicy.ClickFocus)
        return holder

    def devicePixelRatioF(self) -> float:  # noqa: N802 (what GLViewMixin asks a widget for)
        return float(self.devicePixelRatio())

    def grab_frame(self, timeout_s: float = 10.0) -> QtGui.QImage:
        """A freshly drawn frame, once the window is on screen (a grab before that is empty)."""
        deadline = time.monotonic() + timeout_s
        while not self.isExposed() and time.monotonic() < deadline:
            QtCore.QCoreApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 10)
        self.cloud.draw_all_now(timeout_s)   # even just after a turn
        frame = self.grabFramebuffer()
        if frame.isNull():
            raise RuntimeError(f"the 3-D scatter drew no frame within {timeout_s:g} s "
                               f"(exposed: {self.isExposed()})")
        return frame

    def paintGL(self) -> None:  # noqa: N802 (Qt name)
        ratio = self.devicePixelRatioF()
        if ratio != self._pixel_ratio:  # a high-DPI screen (sizes start at 1x), or a move
            self._pixel_ratio = ratio
            self.cloud.setData(size=self.point_px() * ratio)
            self._highlight.setData(size=RING_PX * ratio)
        super().paintGL()

    def point_px(self) -> float:
        """A point's size in logical pixels for the number shown."""
        n = max(len(self._positions), 1)
        return float(np.clip(POINT_PX * np.sqrt(10_000 / n), MIN_POINT_PX, POINT_PX))

    @property
    def positions(self) -> np.ndarray:
        return self._positions

    @property
    def extent(self) -> tuple[np.ndarray, np.ndarray]:
        return self._extent

    def set_projection_mode(self, pca: bool) -> None:
        """Principal components (fitted on the codes shown now) or the first three axes."""
        self.pca = pca
        if self._codes is not None:
            self.set_points(self._codes, self._labels, refit=True)

    def to_view(self, codes: np.ndarray) -> np.ndarray:
        """Codes (N, D) in the view's coordinates (N, 3)."""
        codes = np.asarray(codes, np.float32)
        if self.projection is None or self.projection.dims != codes.shape[-1]:
            return axes_projection(codes.shape[-1]).to_view(codes)
        return self.projection.to_view(codes)

    def from_view(self, view: np.ndarray) -> np.ndarray:
        """View coordinates (N, 3) back to the codes (N, D) they stand for."""
        if self.projection is None:
            return np.asarray(view, np.float32).reshape(-1, 3)
        return self.projection.from_view(view)

    def axis_names(self) -> tuple[str, str, str]:
        return self.projection.names if self.projection is not None else ("z1", "z2", "z3")

    def set_points(self, codes: np.ndarray, labels: np.ndarray, refit: bool = True) -> None:
        """Show new latent codes (N, D); cheap enough to call at 30 Hz for 10,000 points.
        ``refit``: fit the principal components again on these codes (in PCA mode)."""
        codes = np.asarray(codes, np.float32)
        self._codes = codes
        if self.projection is None or self.projection.dims != codes.shape[1] or refit:
            self.projection = pca_projection(codes) if self.pca and len(codes) > 1 else \
                axes_projection(codes.shape[1])
        positions = np.ascontiguousarray(self.projection.to_view(codes), np.float32)
        if len(labels) != len(self._labels) or not np.array_equal(labels, self._labels):
            self._labels = np.asarray(labels).copy()
            self._colour_points()
        resized = len(positions) != len(self._positions)
        self._positions = positions
        if resized:
            self.cloud.setData(size=self.point_px() * self._pixel_ratio)
        lo, hi = positions.min(axis=0), positions.max(axis=0)
        if self.fixed_extent is not None:
            lo, hi = self.fixed_extent
        elif not self.fit_to_data:
            lo, hi = np.minimum(lo, self._extent[0]), np.maximum(hi, self._extent[1])
        self._extent = (np.asarray(lo, np.float32), np.asarray(hi, np.float32))
        self._version += 1
        self.cloud.set_positions(self._normalised(positions))
        self._place_box()
        if self.highlighted is not None:
            self.highlight(self.highlighted)
        self.set_path(self._path_codes)
        self.sig_extent_changed.emit(self._extent)
        self.update()

    def set_hidden_labels(self, hidden) -> None:
        """Leave the points of these classes out of the picture and out of picking."""
        self._hidden = frozenset(int(k) for k in hidden)
        self._colour_points()
        if self.highlighted is not None and self.highlighted < len(self._labels) and \
                int(self._labels[self.highlighted]) in self._hidden:
            self.highlight(None)
        self.update()

    @property
    def hidden_labels(self) -> frozenset[int]:
        return self._hidden

    def shown_mask(self) -> np.ndarray:
        """Which points are drawn (their class is not hidden)."""
        return ~np.isin(self._labels, list(self._hidden))

    def _colour_points(self) -> None:
        self.cloud.set_colours(label_colours(self._labels), self.shown_mask())

    def set_fit_to_data(self, fit: bool) -> None:
        self.fit_to_data = fit
        if self._codes is not None:
            self.set_points(self._codes, self._labels, refit=False)

    def set_fixed_extent(self, extent: tuple[np.ndarray, np.ndarray] | None) -> None:
        """Draw in this box (lo, hi) whatever the codes (a comparison's common scale), or None
        to fit the codes again."""
        self.fixed_extent = extent
        if self._codes is not None:
            self.set_points(self._codes, self._labels, refit=False)

    def set_path(self, codes: np.ndarray | None) -> None:
        """Draw a line through latent codes (K, D) (a walk between digits), or none."""
        self._path_codes = None if codes is None else np.asarray(codes, np.float32)
        if self._path_codes is None or len(self._path_codes) < 2:
            self._path.setData(color=(0, 0, 0, 0))
        else:
            self._path.setData(pos=self._normalised(self.to_view(self._path_codes)),
                               color=(0.1, 0.1, 0.1, 0.9))
        self.update()

    def highlight(self, index: int | None) -> None:
        """Ring one point (or none) with a large marker."""
        self.highlighted = index
        if index is None or index >= len(self._positions):
            self._highlight.setData(color=(0, 0, 0, 0))
        else:
            pos = self._normalised(self._positions[index:index + 1])
            self._highlight.setData(pos=pos, color=(0.0, 0.0, 0.0, 0.55))
        self.update()

    # -- picking -------------------------------------------------------------------------------
    def screen_positions(self) -> np.ndarray:
        """Each point's position in widget pixels (N, 2), from the current camera, NaN behind
        it; kept until the points, the box or the camera change (hovering asks often)."""
        viewport = self.getViewport()
        mvp = self.projectionMatrix(viewport, viewport) * self.viewMatrix()
        m = np.array(mvp.data(), np.float32).reshape(4, 4).T  # QMatrix4x4.data() is column-major
        key = (self._version, m.tobytes(), self.width(), self.height())
        if self._screen_cache is None or self._screen_cache[0] != key:
            rows = m[[0, 1, 3]]                       # clip x, y and w; z is not needed
            xyw = self._normalised(self._positions) @ rows[:, :3].T + rows[:, 3]
            w = np.where(xyw[:, 2] > 0, xyw[:, 2], np.nan)   # behind the camera: nowhere
            xy = np.stack([(xyw[:, 0] / w + 1) / 2 * self.width(),
                           (1 - xyw[:, 1] / w) / 2 * self.height()], axis=1)
            self._screen_cache = (key, xy)
        return self._screen_cache[1]

    def point_at(self, x: float, y: float, tolerance_px: float = 7.0) -> int | None:
        """The point nearest to widget pixel (x, y), if within ``tolerance_px``; nearest to the
        camera wins among points drawn on top of each other."""
        if not len(self._positions):
            return None
        xy = self.screen_positions()
        d = np.hypot(xy[:, 0] - x, xy[:, 1] - y)
        close = np.flatnonzero((d <= tolerance_px) & self.shown_mask())
        if not len(close):
            return None
        return int(close[np.argmin(d[close])])

    def mousePressEvent(self, ev) -> None:  # noqa: N802 (Qt name)
        self._press_pos = ev.position()
        super().mousePressEvent(ev)

    def mouseReleaseEvent(self, ev) -> None:  # noqa: N802
        press, self._press_pos = self._press_pos, None
        if press is not None and (ev.position() - press).manhattanLength() <= 3:
            index = self.point_at(ev.position().x(), ev.position().y())
            if index is not None:
                self.highlight(index)
                self.sig_point_clicked.emit(index)
        super().mouseReleaseEvent(ev)

    def wheelEvent(self, ev) -> None:  # noqa: N802
        super().wheelEvent(ev)
        self.sig_camera_changed.emit()

    def mouseMoveEvent(self, ev) -> None:  # noqa: N802
        super().mouseMoveEvent(ev)
        if ev.buttons() != QtCore.Qt.MouseButton.NoButton:
            self.sig_camera_changed.emit()
        else:
            index = self.point_at(ev.position().x(), ev.position().y())
            tip = "" if index is None else self.describe_point(index)
            QtWidgets.QToolTip.showText(ev.globalPosition().toPoint(), tip)

    def camera_distances(self) -> np.ndarray:
        """Each point's distance from the camera, in the box's [-1, 1] cube."""
        eye = self.cameraPosition()
        return np.linalg.norm(self._normalised(self._positions) - [eye.x(), eye.y(), eye.z()], axis=1)

    def describe_point(self, index: int) -> str:
        code = ", ".join(f"{v:.2f}" for v in self._positions[index])
        return f"#{index}: label {self._labels[index]}  z = ({code})"

    def _normalised(self, positions: np.ndarray) -> np.ndarray:
        """Codes mapped so the extent box is the cube [-1, 1]^3 (each axis scaled on its own)."""
        lo, hi = self._extent
        return ((positions - lo) / np.maximum(hi - lo, 1e-9) * 2.0 - 1.0).astype(np.float32)

    def _place_box(self) -> None:
        self._box.setSize(2.0, 2.0, 2.0)
        self._box.resetTransform()
        self._box.translate(-1.0, -1.0, -1.0)
