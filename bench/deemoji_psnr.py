"""De-emoji: how well each network removes emoji *and* fills the hole, on held-out photos with
held-out emoji, each network trained for the same wall-clock budget on this machine.

Prints PSNR (dB) over the whole picture, inside the emoji's mask and outside it, for the
corrupted input itself (the identity baseline), the Seed 2018 network (full width) and
the improved network; saves the improved net's best and worst held-out examples as a PNG.

    python bench/deemoji_psnr.py [--budget 240] [--out bench-out]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from _common import print_result  # also puts the project on sys.path
import numpy as np
from PIL import Image

from engine.deemoji.config import DeEmojiNet, preset
from engine.deemoji.metrics import psnr
from engine.deemoji.trainer import DeEmojiTrainer, prepare_data
from engine.runs.loop import run_loop


def train_for(net: DeEmojiNet, data, budget_s: float) -> tuple[DeEmojiTrainer, int]:
    config = preset(net, train_images=len(data.train_photos), epochs=10_000)
    trainer = DeEmojiTrainer(config, data)
    step = 0
    for update in run_loop(trainer, time_budget_s=budget_s, update_interval_s=5.0,
                           live_snapshots=False, pins_per_epoch=0):
        step = update.step
    return trainer, step


def per_image_inside(cleaned, held) -> np.ndarray:
    return np.array([psnr(cleaned[i:i + 1], held.clean[i:i + 1], held.mask[i:i + 1])["inside"]
                     for i in range(len(cleaned))])


def save_examples(path: Path, held, seed_out, improved_out, order) -> None:
    """Rows: with emoji, original, Seed 2018's output, the improved net's output."""
    columns = [np.concatenate([held.corrupted[i], held.clean[i], seed_out[i], improved_out[i]], 0)
               for i in order]
    grid = np.concatenate(columns, 1)
    Image.fromarray((np.clip(grid, 0, 1) * 255 + 0.5).astype(np.uint8)).resize(
        (grid.shape[1] * 2, grid.shape[0] * 2), Image.NEAREST).save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=240.0, help="training seconds per network")
    parser.add_argument("--train-images", type=int, default=2000)
    parser.add_argument("--held-out", type=int, default=128)
    parser.add_argument("--out", type=Path, default=Path("bench-out"))
    args = parser.parse_args()
    data = prepare_data(preset(DeEmojiNet.IMPROVED, train_images=args.train_images,
                               held_out_images=args.held_out))
    held = data.held_out
    rows = {"input (identity)": psnr(held.corrupted, held.clean, held.mask)}
    outputs, steps, precision = {}, {}, {}
    for net in (DeEmojiNet.SEED, DeEmojiNet.IMPROVED):
        trainer, step = train_for(net, data, args.budget)
        outputs[net] = trainer.clean_up(held.corrupted)
        rows[net.value] = psnr(outputs[net], held.clean, held.mask)
        steps[net] = step * trainer.config.batch_size
        precision[net] = "bfloat16" if trainer.config.bfloat16 else "float32"
        print(f"{net.value} ({precision[net]}): {steps[net]:,} training images seen in "
              f"{args.budget:.0f} s")
    print(f"\n{len(held.clean)} held-out photos with held-out emoji, PSNR in dB")
    print(f"{'':22s} {'whole':>7s} {'inside':>7s} {'outside':>8s}")
    for name, p in rows.items():
        print(f"{name:22s} {p['whole']:7.2f} {p['inside']:7.2f} {p['outside']:8.2f}")
    inside = per_image_inside(outputs[DeEmojiNet.IMPROVED], held)
    order = np.argsort(inside)
    args.out.mkdir(parents=True, exist_ok=True)
    save_examples(args.out / "deemoji_best.png", held, outputs[DeEmojiNet.SEED],
                  outputs[DeEmojiNet.IMPROVED], order[::-1][:6])
    save_examples(args.out / "deemoji_worst.png", held, outputs[DeEmojiNet.SEED],
                  outputs[DeEmojiNet.IMPROVED], order[:6])
    print(f"improved, inside the mask: best {inside.max():.1f} dB, worst {inside.min():.1f} dB; "
          f"examples in {args.out}/deemoji_best.png and deemoji_worst.png")
    seed, improved, identity = rows["seed-2018"], rows["improved"], rows["input (identity)"]
    print_result({"psnr_mask_input": round(identity["inside"], 2),
                  "psnr_mask_seed": round(seed["inside"], 2),
                  "psnr_mask_improved": round(improved["inside"], 2),
                  "psnr_outside_seed": round(seed["outside"], 2),
                  "psnr_outside_improved": round(improved["outside"], 2),
                  "psnr_whole_input": round(identity["whole"], 2),
                  "psnr_whole_seed": round(seed["whole"], 2),
                  "psnr_whole_improved": round(improved["whole"], 2),
                  "budget_s": args.budget, "images_seen_seed": steps[DeEmojiNet.SEED],
                  "images_seen_improved": steps[DeEmojiNet.IMPROVED],
                  "improved_precision": precision[DeEmojiNet.IMPROVED]})


if __name__ == "__main__":
    main()
