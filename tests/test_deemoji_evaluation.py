"""The frozen-set measurement behind bench/deemoji_psnr.py: with a cleaner whose scores are known,
the figures it reports (emoji left whole, mask IoU, clean photos changed) are the ones expected."""

import numpy as np

from engine.deemoji.cleaning import Eagerness, PhotoCleaner
from engine.deemoji.data import SIDE, CorruptedSet
from engine.deemoji.evaluation import FrozenSet, evaluate_cleaner


class ScriptedCleaner:
    """Scores each picture with the next map given; decides and fills as the app does."""

    averaged = False
    decide = PhotoCleaner.decide
    fill = staticmethod(PhotoCleaner.fill)

    def __init__(self, maps):
        self.maps = list(maps)

    def probability(self, picture):
        return self.maps.pop(0)


def test_the_figures_count_emoji_left_whole_and_clean_pixels_changed():
    ramp = np.linspace(0.2, 0.8, SIDE, dtype=np.float32)
    clean = np.repeat(np.stack([np.add.outer(ramp, ramp) / 2] * 3, axis=-1)[None], 2, axis=0)
    emoji = np.zeros((2, SIDE, SIDE), np.float32)
    emoji[:, 30:50, 30:50] = 1.0
    corrupted = clean.copy()
    corrupted[emoji > 0] = (1.0, 0.9, 0.0)
    photos = [np.full((64, 64, 3), 0.5, np.float32), np.full((64, 64, 3), 0.5, np.float32)]
    photos[1][10:20, 10:20] = 0.9                     # a bright square the cleaner takes
    found, missed = emoji[0].copy(), np.zeros((SIDE, SIDE), np.float32)
    taken = np.zeros((64, 64), np.float32)
    taken[10:20, 10:20] = 1.0
    frozen = FrozenSet(CorruptedSet(corrupted, clean, emoji), np.array([0.5, 0.8]), photos)
    maps = [found, missed, np.zeros((64, 64), np.float32), taken]
    figures = evaluate_cleaner(ScriptedCleaner(maps), frozen)[Eagerness.USUAL]
    assert figures["left_whole"] == 1
    assert figures["iou"] == 0.5 and figures["iou_mid"] == 1.0 and figures["iou_pale"] == 0.0
    assert figures["clean_native_changed"] == (0 + 100 / 64**2) / 2
    assert figures["psnr_clean_native_worst"] < 40 < figures["psnr_clean_native"]
    assert figures["improved_psnr_inside"] < figures["telea_true_psnr_inside"]
