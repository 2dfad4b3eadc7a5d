"""Thumbnails as points: the shown pictures drawn at their points of the 3-D scatter (as the
Embedding Projector's sprites), for up to :data:`MAX_SPRITES` of those on screen: always, or
when zoomed in (the camera at most :data:`ZOOMED_DISTANCE` from the centre, half the start).

A GL item that paints with a QPainter over the frame (the way pyqtgraph's GLTextItem draws
text), at the view's cached screen positions, nearest to the camera last so it lies on top.
"""

from __future__ import annotations

import numpy as np
from pyqtgraph.opengl import GLGraphicsItem
from PySide6 import QtCore, QtGui

from gui.latent.camera import START_DISTANCE

MAX_SPRITES = 600      # thumbnails drawn at once; past it, a fixed choice of those on screen
ZOOMED_DISTANCE = START_DISTANCE / 2   # "when zoomed in": the camera at most this far away
SPRITE_PX = 30         # a thumbnail's side in logical pixels
SPRITE_MODES = {"zoomed": "Pictures when zoomed in", "always": "Pictures always",
                "never": "Pictures never"}


class PictureSprites(GLGraphicsItem.GLGraphicsItem):
    """Draws ``pictures`` (N, H, W, C) uint8 at the view's points as ``mode`` says (a key of
    :data:`SPRITE_MODES`); ``drawn`` holds the indices of the last frame's thumbnails."""

    def __init__(self):
        super().__init__()
        self.mode = "zoomed"
        self.drawn = np.zeros(0, np.int64)
        self._pictures: np.ndarray | None = None
        self._images: dict[int, QtGui.QImage] = {}
        self._rank = np.zeros(0, np.int64)

    def set_pictures(self, pictures: np.ndarray | None) -> None:
        self._pictures = pictures
        self._images.clear()
        n = 0 if pictures is None else len(pictures)
        self._rank = np.argsort(np.random.default_rng(0).permutation(n))   # a fixed order

    def _image(self, index: int) -> QtGui.QImage:
        image = self._images.get(index)
        if image is None:
            tile = np.ascontiguousarray(self._pictures[index])
            h, w, c = tile.shape
            fmt = QtGui.QImage.Format.Format_Grayscale8 if c == 1 else QtGui.QImage.Format.Format_RGB888
            image = QtGui.QImage(tile.data, w, h, w * c, fmt).copy()
            self._images[index] = image
        return image

    def chosen(self) -> np.ndarray:
        """The points to draw: shown and on screen, at most MAX_SPRITES of them, far to near."""
        view = self.view()
        if self._pictures is None or len(self._pictures) != len(view.positions):
            return np.zeros(0, np.int64)
        xy = view.screen_positions()
        on = np.flatnonzero(view.shown_mask() & (xy[:, 0] > -SPRITE_PX) & (xy[:, 1] > -SPRITE_PX)
                            & (xy[:, 0] < view.width() + SPRITE_PX)
                            & (xy[:, 1] < view.height() + SPRITE_PX))
        if len(on) > MAX_SPRITES:
            on = on[np.sort(np.argsort(self._rank[on])[:MAX_SPRITES])]
        return on[np.argsort(-view.camera_distances()[on], kind="stable")]

    def paint(self) -> None:
        self.drawn = np.zeros(0, np.int64)
        view = self.view()
        if self.mode == "never" or self.mode == "zoomed" and (
                view.opts["distance"] > ZOOMED_DISTANCE or view.cloud.partial):
            return      # (and while a large view turns, its pictures wait till it stops)
        self.setupGLState()
        self.drawn = self.chosen()
        if not len(self.drawn):
            return
        xy = view.screen_positions()
        painter = QtGui.QPainter(view)
        painter.setPen(QtGui.QPen(QtGui.QColor(120, 120, 120), 1))
        half = SPRITE_PX / 2
        for index in self.drawn:
            x, y = xy[index]
            target = QtCore.QRectF(x - half, y - half, SPRITE_PX, SPRITE_PX)
            painter.drawImage(target, self._image(int(index)))
            painter.drawRect(target)
        painter.end()
