"""Teaching de-emoji new stickers, measured on stickers no choice was tuned on.

Draws four stickers the recipe (engine.deemoji.config.sticker_preset) was never tried with (a
dark text watermark, a grey hexagon nut, a black-and-white roundel, a thin red heart), then for
each seed trains a sticker run from the bundled network of that seed, as ``main.py deemoji
train --stickers`` does, and scores the network it started from and the one it made on held-out
photos (engine.deemoji.evaluation.score_stickers), finding as usual and finding more. Prints per
seed and mean ± sd (min–max) over seeds: the wall time of the run (data, training, not the
scoring), the share of the stickers found, of held-out emoji found and of clean crops untouched.

    python bench/sticker_training.py [--seeds 1,2,3] [--epochs 5]
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from pathlib import Path

from _common import mean_sd_range, print_result
from PIL import Image, ImageDraw, ImageFont

from engine.deemoji.cleaning import PhotoCleaner
from engine.deemoji.config import sticker_preset
from engine.deemoji.evaluation import score_stickers
from engine.deemoji.networks import Cleaners, NetworkFiles, bundled_start
from engine.deemoji.stickers import load_stickers
from engine.deemoji.trainer import DeEmojiTrainer, prepare_data

SIDE = 160
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


def draw_unseen_stickers(folder: Path) -> Path:
    """Four stickers unlike the example ones, as PNGs with a transparent background."""
    def canvas():
        image = Image.new("RGBA", (SIDE, SIDE), (0, 0, 0, 0))
        return image, ImageDraw.Draw(image)

    image, draw = canvas()
    font = ImageFont.truetype(str(FONT), 40) if FONT.is_file() else ImageFont.load_default()
    draw.text((8, 30), "PHO", font=font, fill=(20, 30, 90, 210))
    draw.text((8, 80), "TO", font=font, fill=(20, 30, 90, 210))
    image.save(folder / "watermark-text.png")
    image, draw = canvas()
    hexagon = [(80 + 70 * math.cos(math.pi / 3 * k), 80 + 70 * math.sin(math.pi / 3 * k))
               for k in range(6)]
    draw.polygon(hexagon, fill=(150, 150, 150, 255), outline=(90, 90, 90, 255), width=6)
    draw.ellipse((50, 50, 110, 110), fill=(0, 0, 0, 0))
    image.save(folder / "nut.png")
    image, draw = canvas()
    for k, radius in enumerate(range(75, 0, -15)):
        shade = 0 if k % 2 == 0 else 255
        draw.ellipse((80 - radius, 80 - radius, 80 + radius, 80 + radius),
                     fill=(shade, shade, shade, 255))
    image.save(folder / "roundel.png")
    image, draw = canvas()
    heart = [(80 + 64 * math.sin(t) ** 3,
              70 - 52 * math.cos(t) + 20 * math.cos(2 * t) + 8 * math.cos(3 * t) + 4 * math.cos(4 * t))
             for t in [k * 2 * math.pi / 90 for k in range(90)]]
    draw.line(heart + heart[:1], fill=(210, 20, 40, 255), width=7)
    image.save(folder / "heart-outline.png")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    folder = draw_unseen_stickers(Path(tempfile.mkdtemp(prefix="stickers-")))
    stickers, _ = load_stickers(folder)
    rows: dict[str, list[float]] = {}
    cleaners = Cleaners()
    for seed in seeds:
        start = bundled_start(seed)
        config = sticker_preset(folder, start, seed=seed, epochs=args.epochs)
        began = time.perf_counter()
        trainer = DeEmojiTrainer(config, prepare_data(config))
        for step in range(trainer.total_steps):
            trainer.train(1, step / trainer.total_steps)
        seconds = time.perf_counter() - began
        rows.setdefault("run_s", []).append(seconds)
        for name, cleaner in (("before", cleaners.get(NetworkFiles((start,)))),
                              ("after", PhotoCleaner(trainer.runner))):
            for score in score_stickers(cleaner, stickers):
                key = f"{name}_{score.eagerness}"
                for figure in ("stickers_found", "emoji_found", "clean_untouched"):
                    rows.setdefault(f"{key}_{figure}", []).append(getattr(score, figure))
                print(f"seed {seed} {name} ({start.name if name == 'before' else 'this run'}), "
                      + "; ".join(score.lines()), flush=True)
        print(f"seed {seed}: {trainer.total_steps} steps in {seconds:.0f} s", flush=True)
    for key, values in rows.items():
        print(f"{key}: {mean_sd_range(values, 0 if key == 'run_s' else 2)}")
    print_result({key: sum(v) / len(v) for key, v in rows.items()} | {"seeds": seeds})


if __name__ == "__main__":
    main()
