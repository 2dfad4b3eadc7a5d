"""Masks the user controls: grown or shrunk by N pixels, feathered, read from a file (a mask
image, or a PNG's alpha) and written out.

Whatever the edit, the fill changes only pixels inside the (grown) mask: feathering blends the
fill into the photo over the mask's inner edge, never past it. A mask file is white (or opaque)
where to fill; one for a whole folder, or one per photo found by the photo's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from engine.files.images import IMAGE_SUFFIXES, ImageFileError, load_image, luma, save_png
from engine.validation import check_int

MAX_EDIT = 64              # pixels a mask may grow, shrink or feather by
MASK_SUFFIXES = ("", "-mask", "_mask", ".mask")   # photo.jpg's mask: photo.png, photo-mask.png …
FACE_MIN_PX = 24           # the least face side a detector looks for (OpenCV's cascades: 24)
FACE_MIN_SHARE = 0.05      # … and of the photo's shorter side: a face in a group photo
FACE_MIN_FILL = 0.4        # of its bounding box a region covers to hide a face (not a thin line)


@dataclass(frozen=True)
class MaskEdit:
    """How the decided mask is changed before the fill: ``grow`` pixels outwards (negative:
    shrink inwards) and ``feather`` pixels of blend inside its edge."""

    grow: int = 0
    feather: int = 0

    def __post_init__(self):
        check_int("grow", self.grow, -MAX_EDIT, MAX_EDIT)
        check_int("feather", self.feather, 0, MAX_EDIT)

    def applied(self, mask: np.ndarray) -> np.ndarray:
        """``mask`` grown (or shrunk) by ``grow`` pixels, a disc's worth in every direction."""
        mask = np.asarray(mask, bool)
        if self.grow == 0 or not mask.any():
            return mask
        n = abs(self.grow)
        offsets = np.arange(-n, n + 1)
        disc = (offsets[:, None] ** 2 + offsets[None, :] ** 2 <= n * n).astype(np.uint8)
        change = cv2.dilate if self.grow > 0 else cv2.erode
        return change(mask.astype(np.uint8), disc, borderValue=0).astype(bool)

    def blend(self, photo: np.ndarray, filled: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """``filled`` inside ``mask``, fading into ``photo`` over ``feather`` pixels inside its
        edge; ``photo`` exactly outside it."""
        mask = np.asarray(mask, bool)
        if self.feather == 0:
            weight = mask.astype(np.float32)
        else:
            inside = cv2.distanceTransform(mask.astype(np.uint8), cv2.DIST_L2, 5)
            weight = np.clip(inside / (self.feather + 1), 0, 1).astype(np.float32)
        weight = weight[..., None]
        out = weight * np.asarray(filled, np.float32) + (1 - weight) * photo
        return np.where(mask[..., None], out, photo).astype(np.float32)


def face_sized_regions(mask: np.ndarray) -> int:
    """How many connected regions of ``mask`` are large and solid enough to have hidden a face:
    both sides at least FACE_MIN_PX and FACE_MIN_SHARE of the photo's shorter side, their box at
    least FACE_MIN_FILL covered. A fill there invents what it paints."""
    mask = np.asarray(mask, bool)
    if not mask.any():
        return 0
    least = max(FACE_MIN_PX, FACE_MIN_SHARE * min(mask.shape))
    _, _, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    w, h = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    solid = stats[1:, cv2.CC_STAT_AREA] >= FACE_MIN_FILL * w * h
    return int(np.sum((w >= least) & (h >= least) & solid))


class MaskFileError(ValueError):
    """A mask file that cannot be used; the message names it and why."""


def read_mask(path: str | Path, shape: tuple[int, int]) -> np.ndarray:
    """The mask in ``path`` for a photo of ``shape`` (rows, cols): its alpha where it has a
    transparent part (opaque: fill), else its brightness (white: fill). A mask of another size
    is scaled to the photo's when the two have the same proportions, and refused otherwise."""
    path = Path(path)
    try:
        image = load_image(path, "RGBA")
    except ImageFileError as exc:
        raise MaskFileError(str(exc)) from None
    pixels = np.asarray(image)
    alpha = pixels[..., 3]
    values = alpha if alpha.min() < 255 else luma(pixels[..., :3])
    rows, cols = shape
    if values.shape != (rows, cols):
        h, w = values.shape
        if abs(w / h - cols / rows) > 0.01 * cols / rows:
            raise MaskFileError(f"{path}: a mask of {w}×{h} does not fit a photo of "
                                f"{cols}×{rows}")
        values = cv2.resize(np.asarray(values, np.float32), (cols, rows),
                            interpolation=cv2.INTER_NEAREST)
    return values >= 128


def write_mask(mask: np.ndarray, path: str | Path) -> Path:
    """``mask`` as a PNG, white where it fills, black elsewhere (atomically)."""
    return save_png(np.asarray(mask, np.float32), path)


def mask_path_for(photo: Path, folder: Path) -> Path | None:
    """The mask of ``photo`` in ``folder``: a picture named as the photo (any picture suffix),
    or with ``-mask``, ``_mask`` or ``.mask`` after its name; None when there is none."""
    for tail in MASK_SUFFIXES:
        for suffix in (photo.suffix, *IMAGE_SUFFIXES):
            candidate = folder / f"{photo.stem}{tail}{suffix}"
            if candidate.is_file():
                return candidate
    return None
