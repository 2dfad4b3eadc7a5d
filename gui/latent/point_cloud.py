"""The 3-D view's points: pyqtgraph's scatter item drawing the shown classes only, and, while the
camera moves, fewer of them when drawing them all would make turning the view stutter (level of
detail).

A software GL (Mesa's llvmpipe, on machines without a GPU) spends about 0.7 µs a point on a
frame whatever the point's size, so 70,000 points take some 50 ms, the more so while training
shares the cores. While the camera moves, this item draws the first ``k`` points of a fixed
random order of the shown ones, ``k`` learnt from the frames before: the points' measured draw
time and the rest of each frame's time, so that whole frames come every ``FRAME_MS``.
``STILL_MS`` after the camera stops it draws every point again, as it does in a grabbed frame.
It never draws fewer than ``MIN_MOVING_POINTS``, so a view of up to 10,000 points, or one that a
GPU draws quickly, is always drawn whole.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph.opengl as gl
from OpenGL import GL
from PySide6 import QtCore
from shiboken6 import isValid

FRAME_MS = 30.0           # the frame time aimed at while the camera moves (33 fps)
STILL_MS = 200            # how long after the last camera move every point is drawn again
MIN_MOVING_POINTS = 10_000
CONTINUOUS_MS = 120.0     # frames closer than this are one continuous turn of the camera


class PointCloud(gl.GLScatterPlotItem):
    """Points at view positions (N, 3) with colours (N, 4), of which the ``shown`` are drawn.

    ``level_of_detail`` False draws every shown point in every frame; ``frame_ms`` is the frame
    time aimed at while the camera moves. ``drawn`` is how many points the last frame drew.
    """

    _painting = False   # a class default: pyqtgraph's __init__ already asks for updates

    def __init__(self, size: float):
        super().__init__(pos=np.zeros((0, 3), np.float32), size=size, color=(0, 0, 0, 0),
                         pxMode=True)
        self.setGLOptions("translucent")
        self._level_of_detail = True
        self.frame_ms = FRAME_MS
        self.drawn = 0
        self._positions = np.zeros((0, 3), np.float32)
        self._colours = np.zeros((0, 4), np.float32)
        self._order = np.zeros(0, np.int64)       # the shown points, in a fixed random order
        self._ordered: tuple[np.ndarray, np.ndarray] | None = None  # positions, colours so
        self._uploaded = -1                       # how many the buffers hold (-1: stale)
        self._budget = 0                          # points to draw while moving (0: not learnt)
        self._camera: bytes | None = None
        self._moving = False
        self._last_frame: tuple[float, float] | None = None   # (start, points' draw ms)
        self._other_ms = 0.0                      # the rest of a frame, beside the points
        self._still = QtCore.QTimer(singleShot=True, interval=STILL_MS)
        self._still.timeout.connect(self.settle)

    @property
    def level_of_detail(self) -> bool:
        return self._level_of_detail

    @level_of_detail.setter
    def level_of_detail(self, on: bool) -> None:
        self._level_of_detail = on
        if not on:
            self.settle()

    @property
    def moving(self) -> bool:
        return self._moving

    @property
    def partial(self) -> bool:
        """Whether the last frame drew fewer than the shown points (the camera is moving)."""
        return self.drawn < len(self._order)

    def set_positions(self, positions: np.ndarray) -> None:
        """New positions (N, 3); nothing is drawn while the colours are for another number."""
        self._positions = np.ascontiguousarray(positions, np.float32)
        self._refresh()

    def set_colours(self, colours: np.ndarray, shown: np.ndarray) -> None:
        """Each point's colour (N, 4), and which points are drawn at all (N,) bool; nothing is
        drawn while the positions are for another number."""
        self._colours = np.ascontiguousarray(colours, np.float32)
        self._order = self._random_order(np.asarray(shown, bool))
        self._refresh()

    def settle(self) -> bool:
        """Draw every shown point from the next frame on (the camera has stopped); whether the
        last frame drew fewer."""
        self._still.stop()
        if self.view() is not None and isValid(self.view()):   # (the timer may outlive it)
            self._camera = self._camera_now()   # moves are counted from where it stopped
        self._moving = False
        if self.drawn == len(self._order):
            return False
        self._uploaded = -1
        self.update()
        return True

    def draw_all_now(self, timeout_s: float) -> None:
        """Settle, and if the last frame drew fewer points, wait for a frame of all of them."""
        if self.settle():
            drawn = QtCore.QEventLoop()
            self.view().frameSwapped.connect(drawn.quit)
            QtCore.QTimer.singleShot(int(timeout_s * 1000), drawn.quit)
            drawn.exec()
            self.view().frameSwapped.disconnect(drawn.quit)

    def update(self) -> None:
        if not self._painting:     # what a frame changes in itself needs no second frame
            super().update()

    def paint(self) -> None:
        self._painting = True
        try:
            start = time.perf_counter()
            self._notice_camera()
            count = self._count_to_draw()
            if count != self._uploaded:
                self._upload(count)
            self.drawn = count
            if not count:
                return
            super().paint()
            if self.level_of_detail and len(self._order) > MIN_MOVING_POINTS:
                GL.glFinish()        # the draw's real cost: a software GL draws on the CPU here
                self._learn(start, (time.perf_counter() - start) * 1000.0, count)
        finally:
            self._painting = False

    @staticmethod
    def _random_order(shown: np.ndarray) -> np.ndarray:
        permutation = np.random.default_rng(len(shown)).permutation(len(shown))
        return permutation[shown[permutation]]

    def _refresh(self) -> None:
        self._ordered = None
        self._uploaded = -1
        self.update()

    def _camera_now(self) -> bytes:
        view = self.view()
        return np.array(view.viewMatrix().data(), np.float32).tobytes() + \
            bytes(f"{view.width()}x{view.height()}", "ascii")

    def _notice_camera(self) -> None:
        camera = self._camera_now()
        if self._camera is not None and camera != self._camera and self.level_of_detail:
            self._moving = True
            self._still.start()
        self._camera = camera

    def _count_to_draw(self) -> int:
        shown = len(self._order)
        if len(self._positions) != len(self._colours):
            return 0                  # between new points' positions and their colours
        if not (self._moving and self.level_of_detail and self._budget):
            return shown
        wanted = min(shown, max(self._budget, MIN_MOVING_POINTS))
        if 0.8 * self._uploaded <= wanted <= 1.25 * self._uploaded:
            return self._uploaded     # near enough: keep the points already in the buffers
        return wanted

    def _upload(self, count: int) -> None:
        if self._ordered is None:     # in the random order, so any count is a prefix
            self._ordered = (self._positions[self._order], self._colours[self._order])
        positions, colours = self._ordered
        self.setData(pos=positions[:count], color=colours[:count])
        self._uploaded = count

    def _learn(self, start: float, draw_ms: float, count: int) -> None:
        if self._moving and self._last_frame is not None:
            gap_ms = (start - self._last_frame[0]) * 1000.0
            if gap_ms < CONTINUOUS_MS:     # the rest of the last frame: its gap less its points
                other = max(gap_ms - self._last_frame[1], 0.0)
                self._other_ms = 0.5 * (self._other_ms + other)
        self._last_frame = (start, draw_ms)
        allowed = max(self.frame_ms - self._other_ms, 0.25 * self.frame_ms)
        affordable = allowed * count / max(draw_ms, 1e-3)
        smoothed = np.sqrt(affordable * (self._budget or affordable))
        self._budget = max(int(smoothed), 1)
