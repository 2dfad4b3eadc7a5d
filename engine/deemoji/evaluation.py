"""The frozen evaluation set for de-emoji networks, and how one is measured on it.

Frozen on 2026-11-29, after all the tuning described in docs/deemoji.md, and never used for
tuning since: 96×96 crops of the held-out photos (the photos ``split_seed`` 6278 keeps out of
training, as every run does) cut with a seed no run uses (:data:`FROZEN_SEED`), each with one
held-out emoji pasted the 2018 way (40 pixels, mirrored or turned); and the held-out photos
whole, at their native size and without emoji, to check that a clean photo stays clean. A
user's stickers are scored on crops of the same held-out photos (:func:`score_stickers`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.deemoji.cleaning import Eagerness, PhotoCleaner
from engine.deemoji.config import DeEmojiConfig
from engine.deemoji.data import (
    CorruptedSet,
    bundled_photo_paths,
    corrupt,
    crops_from_photos,
    emoji_split,
    held_out_split,
    load_emoji,
)
from engine.deemoji.fills import Truth, compare_fills
from engine.deemoji.metrics import psnr_from_mse
from engine.deemoji.quality import judge
from engine.deemoji.trainer import HELD_OUT_FRACTION
from engine.files.images import image_to_array, load_image, luma

FROZEN_SEED = 20261129
SPLIT_SEED = DeEmojiConfig().split_seed
BRIGHTNESS_BINS = (("dark", 0.0, 0.45), ("mid", 0.45, 0.7), ("pale", 0.7, 1.01))
LEFT_WHOLE = 0.2     # an emoji with less than this share of its pixels found is left whole
STICKER_SEED = 20261206   # the crops and pastings a user's stickers are scored on; no run draws it
FOUND_SHARE = 0.5    # a sticker (or emoji) counts as found when this share of its pixels is marked


@dataclass(frozen=True)
class FrozenSet:
    pictures: CorruptedSet            # (N, 96, 96, 3) with emoji, originals, alpha masks
    emoji_brightness: np.ndarray      # (N,) mean luminance of each pasted emoji's opaque part
    clean_photos: list[np.ndarray]    # held-out photos at native size, no emoji


def held_out_photo_paths() -> list:
    """The bundled photos every run keeps out of training."""
    paths = bundled_photo_paths()
    _, held = held_out_split(len(paths), HELD_OUT_FRACTION, SPLIT_SEED)
    return [paths[i] for i in held]


def held_out_photos():
    return [load_image(p) for p in held_out_photo_paths()]


def frozen_set(count: int = 128) -> FrozenSet:
    photos = held_out_photos()
    crops = crops_from_photos(photos, count, FROZEN_SEED)
    _, held_emoji = emoji_split(False, SPLIT_SEED, HELD_OUT_FRACTION)
    pictures = corrupt(crops, load_emoji(held_emoji), FROZEN_SEED + 1)
    # how bright each pasted emoji is: the corrupted pixels where the emoji is opaque
    pixel_luma = luma(pictures.corrupted)
    opaque = pictures.mask > 0.9
    brightness = np.array([pixel_luma[i][opaque[i]].mean() if opaque[i].any() else 0.5
                           for i in range(count)])
    return FrozenSet(pictures, brightness, [image_to_array(p) for p in photos])


def mean_of(results: list[dict]) -> dict[str, float]:
    return {key: float(np.nanmean([r[key] for r in results])) for key in results[0]}


def evaluate_cleaner(cleaner: PhotoCleaner, frozen: FrozenSet,
                     levels: tuple[Eagerness, ...] = (Eagerness.USUAL,)
                     ) -> dict[Eagerness, dict[str, float]]:
    """For each of ``levels`` (how eagerly the cleaner decides): PSNR and SSIM inside and outside
    the emoji for the network's own cleaning and for OpenCV's Telea and Navier–Stokes given its
    mask and the true one (``improved_…``, ``telea_predicted_…``, ``ns_true_…``), mask IoU by
    emoji brightness, how many emoji are left whole (under a fifth of them found), and PSNR and
    the share of pixels changed of the clean native-size photos. Each picture is searched once;
    only the decision and the fill differ between levels."""
    pics = frozen.pictures
    scores: dict[Eagerness, dict[str, list[dict]]] = {level: {} for level in levels}
    ious: dict[Eagerness, list[float]] = {level: [] for level in levels}
    found: dict[Eagerness, list[float]] = {level: [] for level in levels}
    clean: dict[Eagerness, list[float]] = {level: [] for level in levels}
    changed: dict[Eagerness, list[float]] = {level: [] for level in levels}
    for x, y, m in zip(pics.corrupted, pics.clean, pics.mask):
        probability = cleaner.probability(x)
        truth = m > 0.5
        for level in levels:
            mask = cleaner.decide(probability, level)
            for fill in compare_fills(x, cleaner.fill(x, mask), mask, Truth(y, m)):
                scores[level].setdefault("improved" if fill.key == "network" else fill.key,
                                         []).append(fill.scores)
            hit, union = (mask & truth).sum(), (mask | truth).sum()
            ious[level].append(hit / union if union else 1.0)
            found[level].append(_found_share(mask, m))
    for photo in frozen.clean_photos:
        probability = cleaner.probability(photo)
        for level in levels:
            mask = cleaner.decide(probability, level)
            output = cleaner.fill(photo, mask)
            clean[level].append(float(psnr_from_mse(np.square(output - photo).mean())))
            changed[level].append(float(mask.mean()))
    return {level: _figures(scores[level], np.array(ious[level]), np.array(found[level]),
                            np.array(clean[level]), np.array(changed[level]),
                            frozen.emoji_brightness) for level in levels}


def _figures(scores: dict[str, list[dict]], ious: np.ndarray, found: np.ndarray,
             clean: np.ndarray, changed: np.ndarray, brightness: np.ndarray
             ) -> dict[str, float]:
    figures = {f"{key}_{k}": v for key, results in scores.items()
               for k, v in mean_of(results).items()}
    for name, lo, hi in BRIGHTNESS_BINS:
        chosen = (brightness >= lo) & (brightness < hi)
        figures[f"iou_{name}"] = float(ious[chosen].mean()) if chosen.any() else float("nan")
        figures[f"count_{name}"] = int(chosen.sum())
    figures["iou"] = float(ious.mean())
    figures["left_whole"] = int((found < LEFT_WHOLE).sum())
    figures["clean_native_changed"] = float(changed.mean())
    figures["psnr_clean_native"] = float(clean.mean())
    figures["psnr_clean_native_worst"] = float(clean.min())
    figures["clean_native_share_40db"] = float(np.mean(clean >= 40.0))
    return figures


def evaluate_network(runner, frozen: FrozenSet) -> dict[str, float]:
    """A network's own output for every picture (the 2018 network repaints all of it)."""
    pics = frozen.pictures
    outputs = runner.clean_up(pics.corrupted)
    return mean_of([judge(o, y, m) for o, y, m in zip(outputs, pics.clean, pics.mask)])


@dataclass(frozen=True)
class StickerScore:
    """How a cleaner does on held-out photos: the mean share of each pasted sticker's (and
    held-out emoji's) pixels it marks, the share of those it finds (half their pixels or more),
    and of the same crops without anything pasted, the share of pixels it changes and the share
    it leaves untouched (not one pixel changed), when it finds with ``eagerness``."""

    eagerness: str
    sticker_pixels_found: float
    stickers_found: float
    emoji_pixels_found: float
    emoji_found: float
    clean_pixels_changed: float
    clean_untouched: float
    pictures: int

    def lines(self) -> list[str]:
        return [f"finding {self.eagerness}: stickers found: {self.stickers_found:.0%} of "
                f"{self.pictures} "
                f"({self.sticker_pixels_found:.0%} of their pixels)",
                f"held-out emoji found: {self.emoji_found:.0%} "
                f"({self.emoji_pixels_found:.0%} of their pixels)",
                f"clean photos untouched: {self.clean_untouched:.0%} "
                f"({self.clean_pixels_changed:.2%} of their pixels changed)"]


def _probabilities(cleaner: PhotoCleaner, pictures: np.ndarray) -> list[np.ndarray]:
    return [cleaner.probability(x) for x in pictures]


def _found_share(mask: np.ndarray, alpha: np.ndarray) -> float:
    truth = alpha > 0.5
    return (mask & truth).sum() / max(truth.sum(), 1)


def score_stickers(cleaner: PhotoCleaner, stickers: np.ndarray, count: int = 48,
                   levels: tuple[Eagerness, ...] = (Eagerness.USUAL, Eagerness.MORE)
                   ) -> list[StickerScore]:
    """Score ``cleaner`` at each of ``levels`` on ``count`` crops of the held-out photos, cut
    with a seed of their own (:data:`STICKER_SEED`): one of ``stickers`` pasted on each, one
    held-out bundled emoji on each, and the crops as they are. Each picture is searched once."""
    crops = crops_from_photos(held_out_photos(), count, STICKER_SEED)
    with_stickers = corrupt(crops, stickers, STICKER_SEED + 1)
    _, held_emoji = emoji_split(False, SPLIT_SEED, HELD_OUT_FRACTION)
    with_emoji = corrupt(crops, load_emoji(held_emoji), STICKER_SEED + 2)
    searched = [(_probabilities(cleaner, pictures.corrupted), pictures.mask)
                for pictures in (with_stickers, with_emoji)]
    clean = _probabilities(cleaner, with_stickers.clean)
    scores = []
    for level in levels:
        found = [np.array([_found_share(cleaner.decide(p, level), m) for p, m in zip(*pair)])
                 for pair in searched]
        changed = np.array([cleaner.decide(p, level).mean() for p in clean])
        scores.append(StickerScore(Eagerness(level).value, float(found[0].mean()),
                                   float(np.mean(found[0] >= FOUND_SHARE)),
                                   float(found[1].mean()), float(np.mean(found[1] >= FOUND_SHARE)),
                                   float(changed.mean()), float(np.mean(changed == 0)), count))
    return scores
