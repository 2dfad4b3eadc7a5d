"""Cleaning a photo of any size with the improved network: find the emoji at the scales the
network knows, decide the mask, fill it at full resolution, and leave every other pixel alone.

1. **Find.** The network learned on 96×96 views in which an emoji is 24 to 56 pixels wide, so
   the photo is searched at several scales (1, ½, ¼: emoji of about 20 to 220 pixels), each in
   fixed-size overlapping tiles (one compiled shape, bounded memory, a cancel between tiles);
   the finder's probabilities are brought back to full size and the largest kept. Given several
   networks (the bundled three), each searches so and their probabilities are averaged.
2. **Decide.** Pixels above 0.5 form regions. A region is an emoji when it is not a speck and a
   quarter of it is certain (above 0.995): the parts of photos a finder mistakes for emoji are
   mostly doubtful, with a few certain pixels. Pieces above 0.5 within a few pixels of an emoji
   join it whatever their size (a sun's rays, a balloon's string), and a rim covers the emoji's
   soft edge: the pixels up to two away that the finder does not rule out (above 0.02). A user
   may ask for fewer or more (:class:`Eagerness`; networks averaged are certain less often, so
   their levels are looser), add or erase mask by hand, grow, shrink or feather it, or give a
   mask of their own instead (:mod:`engine.deemoji.masks`); the fill follows.
3. **Fill.** Each region, in a window around it, is painted from the photo around it by the
   harmonic fill the network was trained with (Laplace's equation, neighbours from far to
   near), then solved to convergence at full resolution.

Pixels outside the mask are returned exactly as they came: a photo without emoji comes back
unchanged unless the finder is fooled. OpenCV's Telea and Navier–Stokes inpainting, given the
same mask (or the true one), are the classical baselines.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Callable

import cv2
import numpy as np

from engine.deemoji.masks import MaskEdit
from engine.deemoji.models import NetworkRunner
from engine.tf_runtime import keras, tf

SCALES = (1.0, 0.5, 0.25)
TILE = 256                 # the finder's fixed input side
OVERLAP = 32               # context each tile has beyond the part kept
THRESHOLD = 0.5
MIN_AREA = 24              # pixels; smaller regions are specks
NEAR = 4                   # pixels: pieces this close to an emoji are part of it
RIM = 2                    # pixels: how far past the decided regions the mask may reach,
RIM_FLOOR = 0.02           # into pixels scored above this (an emoji's soft, antialiased edge)
FILL_TOLERANCE = 1e-4     # the harmonic fill stops when no pixel moves more than this,
FILL_WORK = 40_000_000    # or after this many pixel updates (a hole the size of the photo)
MAX_SIDE = 6000
MAX_AVERAGED = 8           # networks whose findings one cleaner averages (each is a full search)


class Eagerness(str, Enum):
    """How readily a doubtful region counts as an emoji. Each level is (a pixel this sure is
    certain, the share of a region that must be certain); measured on training photos a network
    never saw, with emoji it never saw (docs/deemoji.md): FEWER marked a third of USUAL's clean
    pixels and found 83% of the emoji pixels against 90%; MORE found 95% and left 10 of 256
    emoji whole against 28, but marked six times as many clean pixels. Several networks
    averaged (the bundled three) are rarely all certain where one alone is wrong, so their
    levels are looser: at USUAL three averaged marked about as much of the clean photos as one
    network (23,500 pixels against 18,900) and left 8 of the 256 emoji whole against 22."""

    FEWER = "fewer"
    USUAL = "usual"
    MORE = "more"

    def certainty(self, averaged: bool = False) -> tuple[float, float]:
        """(certain, share) for one network, or for several networks' probabilities averaged."""
        if averaged:
            return {"fewer": (0.99, 0.25), "usual": (0.98, 0.25), "more": (0.95, 0.25)}[self.value]
        return {"fewer": (0.995, 0.4), "usual": (0.995, 0.25), "more": (0.95, 0.25)}[self.value]


class Cancelled(Exception):
    """Cleaning stopped by its caller."""


@dataclass(frozen=True)
class Cleaned:
    """A cleaned photo: the output, the finder's probability and the decided mask (full size)."""

    output: np.ndarray         # (H, W, 3) float32 in [0, 1]
    probability: np.ndarray    # (H, W) float32
    mask: np.ndarray           # (H, W) bool


def harmonic_fill(photo: np.ndarray, hole: np.ndarray) -> np.ndarray:
    """``photo`` with the ``hole`` pixels painted smoothly from the pixels around them: the
    solution of Laplace's equation, each hole pixel the mean of its four neighbours. A first
    guess comes from sweeps whose neighbours start about half the hole's size away (the network's
    HarmonicFill); red-black over-relaxation then solves it at full resolution until no pixel moves
    by more than :data:`FILL_TOLERANCE` (or :data:`FILL_WORK` is spent: a huge hole keeps more
    of the first guess). Pixels outside the hole are returned unchanged."""
    hole = hole.astype(bool)
    out = photo.astype(np.float32).copy()
    if not hole.any():
        return out
    rows, cols = np.nonzero(hole)
    extent = max(rows.max() - rows.min(), cols.max() - cols.min()) + 1
    distance = 1 << max(0, int(np.log2(max(extent // 2, 1))))
    hole3 = hole[..., None]
    kept = np.where(hole3, 0.0, out)
    fill = kept
    ones = np.ones(hole.shape + (1,), np.float32)
    while distance > 1:
        count = np.maximum(_neighbour_sum(ones, distance), 1)
        for _ in range(10):
            fill = np.where(hole3, _neighbour_sum(fill, distance) / count, kept)
        distance //= 2
    # over-relaxation where the hole is (and the ring around it its neighbours read)
    r0, r1 = max(rows.min() - 1, 0), min(rows.max() + 2, hole.shape[0])
    c0, c1 = max(cols.min() - 1, 0), min(cols.max() + 2, hole.shape[1])
    part, inside = fill[r0:r1, c0:c1].copy(), hole3[r0:r1, c0:c1]
    count = np.maximum(_neighbour_sum(ones[r0:r1, c0:c1], 1), 1)
    omega = np.float32(2 / (1 + np.sin(np.pi / (extent + 1))))     # the optimal one
    parity = np.add.outer(np.arange(r0, r1), np.arange(c0, c1)) % 2
    colours = [inside & (parity == k)[..., None] for k in (0, 1)]
    for _ in range(min(4 * extent + 50, max(10, FILL_WORK // part[..., 0].size))):
        largest = 0.0
        for where in colours:
            step = np.where(where, _neighbour_sum(part, 1) / count - part, np.float32(0))
            part += omega * step
            largest = max(largest, float(np.abs(step).max()))
        if largest < FILL_TOLERANCE:
            break
    fill[r0:r1, c0:c1] = part
    return np.where(hole3, fill, out).astype(np.float32)


def _neighbour_sum(t: np.ndarray, d: int) -> np.ndarray:
    """Sum of the four pixels ``d`` away (outside the picture counts as 0)."""
    p = np.pad(t, ((d, d), (d, d), (0, 0)))
    return p[:-2 * d, d:-d] + p[2 * d:, d:-d] + p[d:-d, :-2 * d] + p[d:-d, 2 * d:]


def decide_mask(probability: np.ndarray, certainty: tuple[float, float]) -> np.ndarray:
    """The pixels to fill: regions above :data:`THRESHOLD` of which the share ``certainty[1]``
    is at least ``certainty[0]`` sure, the pieces near them, and the rim of their soft edge."""
    confident, share = certainty
    above = (probability > THRESHOLD).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(above, connectivity=8)
    area = stats[:, cv2.CC_STAT_AREA]
    certain = np.bincount(labels[probability >= confident], minlength=count)
    emoji = (area >= MIN_AREA) & (certain >= share * area)
    emoji[0] = False                        # the background
    mask = emoji[labels].astype(np.uint8)
    if not emoji.any():
        return mask.astype(bool)
    near = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE,
                                                      (2 * NEAR + 1, 2 * NEAR + 1)))
    joined = np.zeros(count, bool)
    joined[labels[near.astype(bool)]] = True
    joined[0] = False
    mask = joined[labels].astype(np.uint8)
    reach = cv2.dilate(mask, np.ones((2 * RIM + 1, 2 * RIM + 1), np.uint8)).astype(bool)
    return mask.astype(bool) | (reach & (probability > RIM_FLOOR))


def inpaint_classical(photo: np.ndarray, mask: np.ndarray, method: str = "telea") -> np.ndarray:
    """OpenCV's Telea (2004) or Navier–Stokes (Bertalmio 2001) inpainting of ``mask``."""
    flag = {"telea": cv2.INPAINT_TELEA, "ns": cv2.INPAINT_NS}[method]
    pixels = (np.clip(photo, 0, 1) * 255 + 0.5).astype(np.uint8)
    filled = cv2.inpaint(pixels, mask.astype(np.uint8) * 255, 3, flag).astype(np.float32) / 255
    return np.where(mask[..., None], filled, photo).astype(np.float32)


class PhotoCleaner:
    """The improved network's finder applied to photos of any size; given several improved
    networks, their probabilities are averaged (a 2018 network, which has no finder, repaints
    the whole photo instead, and is used alone)."""

    def __init__(self, *runners: NetworkRunner):
        if not 1 <= len(runners) <= MAX_AVERAGED:
            raise ValueError(f"a cleaner averages 1 to {MAX_AVERAGED} networks, not {len(runners)}")
        finders = [r.model.name == "improved" for r in runners]
        if len(runners) > 1 and not all(finders):
            raise ValueError("only improved networks can be averaged; a 2018 network has no "
                             "finder")
        self.has_finder = all(finders)
        self.averaged = len(runners) > 1
        models = [keras.Model(r.model.input, r.model.get_layer("mask").output)
                  if self.has_finder else r.model for r in runners]
        spec = [tf.TensorSpec([None, TILE, TILE, 3], tf.float32)]
        self._finders = [tf.function(lambda x, m=model: m(x, training=False),
                                     input_signature=spec) for model in models]

    def _tiled(self, photo: np.ndarray, finder, cancelled) -> np.ndarray:
        """``finder``'s output over ``photo``, tile by tile: (H, W) probability, or (H, W, 3)
        pictures for a network without a finder."""
        h, w = photo.shape[:2]
        step = TILE - 2 * OVERLAP
        padded = np.pad(photo, ((OVERLAP, OVERLAP + step), (OVERLAP, OVERLAP + step), (0, 0)),
                        mode="reflect" if min(h, w) > OVERLAP + step else "edge")
        channels = 1 if self.has_finder else 3
        out = np.zeros((h, w, channels), np.float32)
        origins = [(r, c) for r in range(0, h, step) for c in range(0, w, step)]
        for i in range(0, len(origins), 4):
            if cancelled is not None and cancelled():
                raise Cancelled("cleaning cancelled")
            batch = np.stack([padded[r:r + TILE, c:c + TILE] for r, c in origins[i:i + 4]])
            result = finder(batch)
            result = (result[0] if isinstance(result, (list, tuple)) else result).numpy()
            for (r, c), tile in zip(origins[i:i + 4], result):
                core = tile[OVERLAP:OVERLAP + step, OVERLAP:OVERLAP + step]
                out[r:r + step, c:c + step] = core[:h - r, :w - c]
        return out[..., 0] if self.has_finder else out

    def probability(self, photo: np.ndarray, cancelled: Callable[[], bool] | None = None
                    ) -> np.ndarray:
        """The probability of "emoji" at every pixel: each network's largest over the scales,
        averaged over the networks."""
        h, w = photo.shape[:2]
        views = []
        for scale in SCALES:
            size = (max(1, round(w * scale)), max(1, round(h * scale)))
            if scale < 1 and min(size) < TILE // 2:
                continue
            view = photo if scale == 1 else cv2.resize(photo, size, interpolation=cv2.INTER_AREA)
            views.append((scale, np.ascontiguousarray(view, np.float32)))
        total = np.zeros((h, w), np.float32)
        for finder in self._finders:
            best = np.zeros((h, w), np.float32)
            for scale, view in views:
                found = self._tiled(view, finder, cancelled)
                if scale != 1:
                    found = cv2.resize(found, (w, h), interpolation=cv2.INTER_LINEAR)
                np.maximum(best, found, out=best)
            total += best
        return total / len(self._finders)

    def decide(self, probability: np.ndarray, eagerness: Eagerness = Eagerness.USUAL
               ) -> np.ndarray:
        """The pixels to fill at ``eagerness`` (for one network, or several averaged)."""
        return decide_mask(probability, Eagerness(eagerness).certainty(self.averaged))

    @staticmethod
    def fill(photo: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """``photo`` with each region of ``mask`` filled, in a window around it."""
        out = np.asarray(photo, np.float32).copy()
        count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
        h, w = mask.shape
        for label in range(1, count):
            x, y, bw, bh = stats[label, :4]
            margin = max(8, max(bw, bh) // 2)
            r0, r1 = max(0, y - margin), min(h, y + bh + margin)
            c0, c1 = max(0, x - margin), min(w, x + bw + margin)
            hole = mask[r0:r1, c0:c1]
            out[r0:r1, c0:c1] = harmonic_fill(out[r0:r1, c0:c1], hole)
        return out

    def find(self, photo: np.ndarray, cancelled: Callable[[], bool] | None = None,
             eagerness: Eagerness = Eagerness.USUAL, given: np.ndarray | None = None,
             edit: MaskEdit = MaskEdit()) -> tuple[np.ndarray, np.ndarray]:
        """(probability, mask to fill): the network's search decided at ``eagerness``, or the
        ``given`` mask instead (nothing searched); either changed by ``edit``."""
        photo = self._checked(photo)
        if given is not None:
            given = np.asarray(given, bool)
            if given.shape != photo.shape[:2]:
                raise ValueError(f"a mask of {given.shape[1]}x{given.shape[0]} does not fit a "
                                 f"photo of {photo.shape[1]}x{photo.shape[0]}")
            return given.astype(np.float32), edit.applied(given)
        if not self.has_finder:
            everything = np.ones(photo.shape[:2], bool)
            return everything.astype(np.float32), everything
        probability = self.probability(photo, cancelled)
        return probability, edit.applied(self.decide(probability, eagerness))

    def clean(self, photo: np.ndarray, cancelled: Callable[[], bool] | None = None,
              eagerness: Eagerness = Eagerness.USUAL, given: np.ndarray | None = None,
              edit: MaskEdit = MaskEdit()) -> Cleaned:
        """Find (or take the ``given`` mask), change the mask by ``edit``, and fill it; a
        network without a finder paints its own picture, kept inside the mask."""
        photo = self._checked(photo)
        probability, mask = self.find(photo, cancelled, eagerness, given, edit)
        if self.has_finder:
            filled = self.fill(photo, mask)
        else:
            filled = np.clip(self._tiled(photo, self._finders[0], cancelled), 0, 1)
        return Cleaned(edit.blend(photo, filled, mask), probability, mask)

    @staticmethod
    def _checked(photo: np.ndarray) -> np.ndarray:
        photo = np.asarray(photo, np.float32)
        if max(photo.shape[:2]) > MAX_SIDE:
            raise ValueError(f"photos up to {MAX_SIDE} pixels a side are cleaned, not "
                             f"{photo.shape[1]}x{photo.shape[0]}")
        return photo
