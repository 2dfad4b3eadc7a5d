"""What a user did to one photo by hand: emoji pasted on it, and mask brushed in or erased over
the network's, each step undoable.

The pasted photo is recomposed from the original and the list of pastes (no copy of a full-size
picture per step); brush steps keep the layers they changed, bit-packed. The layers are kept
apart from the network's mask (the fill uses ``(network's | added) & ~erased``), so corrections
survive the network's mask changing under them after another paste.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from engine.deemoji.data import paste

MAX_UNDO = 100
PASTE_SIDES = (20, 200)       # pixels: the emoji sizes the cleaner is built to find
BRUSH_RADII = (1, 200)


@dataclass(frozen=True)
class Paste:
    emoji: np.ndarray          # (side, side, 4) float32 0..255, already resized
    row: int                   # top left
    col: int


def resized_emoji(emoji: np.ndarray, side: int) -> np.ndarray:
    """An emoji (h, w, 4, 0..255) resized to ``side`` pixels a side."""
    lo, hi = PASTE_SIDES
    if not lo <= side <= hi:
        raise ValueError(f"emoji are pasted {lo} to {hi} pixels wide, not {side}")
    image = Image.fromarray(np.asarray(emoji).astype(np.uint8), "RGBA")
    return np.asarray(image.resize((side, side), Image.LANCZOS), np.float32)


def disc_stamp(shape: tuple[int, int], points: list[tuple[float, float]], radius: int) -> np.ndarray:
    """A (H, W) bool layer with discs of ``radius`` at the ``points`` (row, col) and along the
    straight pieces between consecutive points (a brush stroke)."""
    h, w = shape
    layer = np.zeros(shape, bool)
    if not points:
        return layer
    dense = [points[0]]
    for (r0, c0), (r1, c1) in zip(points, points[1:]):
        steps = max(1, int(np.hypot(r1 - r0, c1 - c0) / max(radius / 2, 1)))
        dense += [(r0 + (r1 - r0) * t / steps, c0 + (c1 - c0) * t / steps)
                  for t in range(1, steps + 1)]
    for r, c in dense:
        r0, r1 = max(0, int(r - radius)), min(h, int(r + radius) + 1)
        c0, c1 = max(0, int(c - radius)), min(w, int(c + radius) + 1)
        if r0 >= r1 or c0 >= c1:
            continue
        rows, cols = np.ogrid[r0:r1, c0:c1]
        layer[r0:r1, c0:c1] |= (rows - r) ** 2 + (cols - c) ** 2 <= radius ** 2
    return layer


class HandEdits:
    """The pastes and brush strokes on one photo (``photo``: (H, W, 3) float32 in [0, 1])."""

    def __init__(self, photo: np.ndarray):
        self.photo = np.asarray(photo, np.float32)
        shape = self.photo.shape[:2]
        self.pastes: list[Paste] = []
        self.added = np.zeros(shape, bool)
        self.erased = np.zeros(shape, bool)
        self._undo: list[tuple] = []
        self._image: np.ndarray | None = None
        self._alpha: np.ndarray | None = None
        self.version = 0       # changes whenever the pasted photo does (the network's input)

    # -- steps -----------------------------------------------------------------------------------
    def paste(self, emoji: np.ndarray, side: int, row: int, col: int) -> None:
        """Paste ``emoji`` resized to ``side`` centred on pixel (row, col)."""
        self.pastes.append(Paste(resized_emoji(emoji, side), row - side // 2, col - side // 2))
        self._push(("paste",))
        self._changed_image()

    def brush(self, points: list[tuple[float, float]], radius: int, add: bool) -> None:
        """Brush mask in (``add``) or erase it along ``points`` (row, col)."""
        lo, hi = BRUSH_RADII
        if not lo <= radius <= hi:
            raise ValueError(f"the brush is {lo} to {hi} pixels in radius, not {radius}")
        stroke = disc_stamp(self.photo.shape[:2], points, radius)
        self._push_layers()
        # new arrays, never changed in place: a thread may be filling from the old ones
        if add:
            self.added, self.erased = self.added | stroke, self.erased & ~stroke
        else:
            self.added, self.erased = self.added & ~stroke, self.erased | stroke

    def clear_brush(self) -> None:
        """Back to the network's own mask."""
        if self.added.any() or self.erased.any():
            self._push_layers()
            self.added = np.zeros_like(self.added)
            self.erased = np.zeros_like(self.erased)

    def undo(self) -> bool:
        """Take back the last step; False when there is none."""
        if not self._undo:
            return False
        step = self._undo.pop()
        if step[0] == "paste":
            self.pastes.pop()
            self._changed_image()
        else:
            size = self.added.size
            shape = self.added.shape
            self.added = np.unpackbits(step[1], count=size).astype(bool).reshape(shape)
            self.erased = np.unpackbits(step[2], count=size).astype(bool).reshape(shape)
        return True

    def _push(self, step: tuple) -> None:
        self._undo.append(step)
        del self._undo[:-MAX_UNDO]

    def _push_layers(self) -> None:
        """Keep the brushed layers as they are now, for an undo."""
        self._push(("brush", np.packbits(self.added), np.packbits(self.erased)))

    def _changed_image(self) -> None:
        self._image = self._alpha = None
        self.version += 1

    # -- what the steps make ---------------------------------------------------------------------
    @property
    def image(self) -> np.ndarray:
        """The photo with the pastes, (H, W, 3) float32 in [0, 1]."""
        if self._image is None:
            image = self.photo * 255.0
            alpha = np.zeros(self.photo.shape[:2], np.float32)
            for p in self.pastes:
                image, where = paste(image, p.emoji, p.row, p.col)
                alpha = np.maximum(alpha, where)
            self._image, self._alpha = image / 255.0, alpha
        return self._image

    @property
    def alpha(self) -> np.ndarray | None:
        """Where the pasted emoji are (alpha 0..1), or None with nothing pasted."""
        if not self.pastes:
            return None
        self.image  # noqa: B018 (composes the alpha with the image)
        return self._alpha
