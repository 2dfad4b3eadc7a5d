"""What a user of Clean a folder waits for with a 12-megapixel photo, in a fresh process.

A bundled photo upscaled to 4000 × 3000 with twelve held-out emoji pasted on it (40 to 200 pixels)
is written to a folder; ``clean_folder`` with the bundled networks (three, averaged) then cleans
it twice: the first call includes reading and compiling the networks, the second is warm. Both
times are the whole folder-mode work: reading the PNG, the three-scale search by each network,
the decision, the fill and writing the cleaned PNG.

    python bench/deemoji_12mp.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
from _common import print_result
from PIL import Image

import engine.tf_runtime  # noqa: F401  (TensorFlow loaded the GL-safe way, as the app does)
from engine.deemoji.data import emoji_split, load_emoji, paste
from engine.deemoji.evaluation import HELD_OUT_FRACTION, SPLIT_SEED, held_out_photo_paths
from engine.deemoji.folder import clean_folder
from engine.deemoji.networks import Cleaners, bundled_network

SIZE = (4000, 3000)


def photo_with_emoji(count: int = 12, seed: int = 5) -> np.ndarray:
    rng = np.random.default_rng(seed)
    photo = Image.open(held_out_photo_paths()[0]).convert("RGB").resize(SIZE, Image.BICUBIC)
    pixels = np.asarray(photo, np.float32)
    _, held = emoji_split(False, SPLIT_SEED, HELD_OUT_FRACTION)
    emoji = load_emoji(held)
    for k in range(count):
        side = int(rng.integers(40, 201))
        e = np.asarray(Image.fromarray(emoji[k % len(emoji)].astype(np.uint8), "RGBA")
                       .resize((side, side), Image.LANCZOS), np.float32)
        pixels, _ = paste(pixels, e, int(rng.integers(0, SIZE[1] - side)),
                          int(rng.integers(0, SIZE[0] - side)))
    return pixels.round().astype(np.uint8)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "photos"
        source.mkdir()
        Image.fromarray(photo_with_emoji()).save(source / "big.png")
        seconds = []
        for k in range(2):
            start = time.perf_counter()
            report = clean_folder(Cleaners().get(bundled_network()), source,
                                  Path(folder) / f"clean{k}")
            seconds.append(time.perf_counter() - start)
            assert len(report.written) == 1, report.skipped
            print(f"{'first' if k == 0 else 'warm'} clean of a 12-MP photo with 12 emoji: "
                  f"{seconds[-1]:.1f} s", flush=True)
    print_result({"first_s": round(seconds[0], 1), "warm_s": round(seconds[1], 1),
                  "megapixels": SIZE[0] * SIZE[1] / 1e6, "emoji": 12,
                  "networks": "bundled, three averaged"})


if __name__ == "__main__":
    main()
