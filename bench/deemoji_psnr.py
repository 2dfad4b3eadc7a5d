"""De-emoji on the frozen evaluation set (engine/deemoji/evaluation.py): each network trained with
several seeds for the same wall-clock budget on this machine, then measured.

- PSNR and SSIM inside the emoji's mask and outside it: the 2018 network (full width, its own
  output), the improved network (finding the emoji itself, filling at full resolution), OpenCV's
  Telea and Navier–Stokes inpainting given the improved network's mask, and given the true mask.
- Clean photos stay clean: the held-out photos at native size without emoji, PSNR of the
  improved network's output against them, and the share of their pixels it changes.
- The improved network's mask IoU by the pasted emoji's brightness (pale ones were the misses),
  and how many emoji it leaves whole (under a fifth of their pixels found).
- The seeds' improved networks averaged, as the app averages its bundled three (one average, so
  no spread).
- The same figures for the bundled networks (resources/deemoji/improved-seed{1,2,3}.keras, 8,000
  steps each, averaged: what a user gets without training), one average, so no spread; its main
  figures when the user asks it to find fewer or more emoji (``Eagerness``). Each of the three
  alone, and three averages at that length: bench/deemoji_averaged.py.
- (The 12-megapixel cleaning time, first call included: bench/deemoji_12mp.py.)
- Training speed behind two README claims: the 2018 network at ¼ width against full width, and
  the improved network in bfloat16 against float32 (where the CPU has native bfloat16).

Means over the seeds with their spread (standard deviation, min-max).

    python bench/deemoji_psnr.py [--budget 240] [--seeds 1,2,3] [--out bench-out]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from _common import mean_sd_range, print_result
from PIL import Image

from engine.deemoji.cleaning import Eagerness, PhotoCleaner
from engine.deemoji.config import DeEmojiNet, preset
from engine.deemoji.evaluation import BRIGHTNESS_BINS, evaluate_cleaner, evaluate_network, frozen_set
from engine.deemoji.models import build_runner
from engine.deemoji.networks import Cleaners, bundled_network
from engine.deemoji.trainer import DeEmojiTrainer, prepare_data
from engine.files.images import to_bytes
from engine.runs.loop import run_loop
from engine.tf_runtime import fast_bfloat16


def train(config, budget_s: float) -> tuple[DeEmojiTrainer, int]:
    trainer = DeEmojiTrainer.for_run(config, prepare_data(config))
    step = 0
    for update in run_loop(trainer, time_budget_s=budget_s, update_interval_s=5.0,
                           live_snapshots=False, pins_per_epoch=0):
        step = update.step
    return trainer, step * config.batch_size


def pictures_per_second(config, seconds: float) -> float:
    trainer, seen = train(config.replace(train_images=200, epochs=10_000), seconds)
    trainer.release()
    return seen / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=240.0, help="training seconds per run")
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--train-images", type=int, default=2000)
    parser.add_argument("--held-out", type=int, default=128)
    parser.add_argument("--speed-s", type=float, default=30.0, help="seconds per speed check")
    parser.add_argument("--out", type=Path, default=Path("bench-out"))
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    frozen = frozen_set(args.held_out)
    figures = {"original": [], "improved": []}
    seen = {"original": [], "improved": []}
    trained = []     # the improved networks, kept to average them
    for seed in seeds:
        for net, key in ((DeEmojiNet.ORIGINAL_2018, "original"), (DeEmojiNet.IMPROVED, "improved")):
            config = preset(net, train_images=args.train_images, epochs=10_000, seed=seed)
            trainer, images = train(config, args.budget)
            seen[key].append(images)
            if key == "original":
                figures[key].append(evaluate_network(trainer.runner, frozen))
            else:
                figures[key].append(evaluate_cleaner(PhotoCleaner(trainer.runner),
                                                      frozen)[Eagerness.USUAL])
                trained.append(build_runner(config))
                trained[-1].set_weights(trainer.runner.get_weights())
            print(f"seed {seed}, {net.value}: {images:,} pictures in {args.budget:.0f} s; "
                  + ", ".join(f"{k} {v:.3f}" for k, v in figures[key][-1].items()
                              if k.endswith(("psnr_inside", "psnr_outside")) or
                              k in ("psnr_inside", "psnr_outside", "iou", "psnr_clean_native",
                                    "left_whole")),
                  flush=True)
            trainer.release()
    mean = {k: {m: float(np.mean([f[m] for f in fs])) for m in fs[0]} for k, fs in figures.items()}
    imp, sd = mean["improved"], mean["original"]
    averaged = evaluate_cleaner(PhotoCleaner(*trained), frozen)[Eagerness.USUAL]
    print(f"the {len(trained)} networks averaged: inside {averaged['improved_psnr_inside']:.2f}, "
          f"outside {averaged['improved_psnr_outside']:.2f}, clean photos "
          f"{averaged['psnr_clean_native']:.2f}, left whole {averaged['left_whole']}")
    bundled = Cleaners().get(bundled_network())
    at_level = evaluate_cleaner(bundled, frozen, tuple(Eagerness))
    shipped = at_level[Eagerness.USUAL]
    print("bundled networks: " + ", ".join(f"{k} {v:.3f}" for k, v in shipped.items()
                                           if k.startswith("improved_") or k.startswith("psnr")
                                           or k.startswith("iou")))
    levels = {}
    for level in (Eagerness.FEWER, Eagerness.MORE):
        found = at_level[level]
        levels.update({f"bundled_{level.value}_psnr_mask": round(found["improved_psnr_inside"], 2),
                       f"bundled_{level.value}_psnr_outside": round(found["improved_psnr_outside"], 2),
                       f"bundled_{level.value}_psnr_clean_native": round(found["psnr_clean_native"], 2),
                       f"bundled_{level.value}_iou": round(found["iou"], 3),
                       f"bundled_{level.value}_left_whole": found["left_whole"],
                       f"bundled_{level.value}_clean_native_changed":
                           round(found["clean_native_changed"], 4)})
    print(f"bundled networks, fewer or more emoji: {levels}")

    args.out.mkdir(parents=True, exist_ok=True)
    shown = [frozen.pictures.corrupted[:8], frozen.pictures.clean[:8]]
    shown.append(np.stack([bundled.clean(x).output for x in frozen.pictures.corrupted[:8]]))
    Image.fromarray(to_bytes(np.concatenate([np.concatenate(list(r), 1) for r in shown], 0))) \
        .resize((8 * 96 * 2, 3 * 96 * 2), Image.NEAREST).save(args.out / "deemoji_frozen.png")

    quarter = pictures_per_second(preset(DeEmojiNet.ORIGINAL_2018, width_scale=0.25), args.speed_s)
    full = pictures_per_second(preset(DeEmojiNet.ORIGINAL_2018, width_scale=1.0), args.speed_s)
    speeds = {"original_quarter_width_pictures_per_s": round(quarter, 1),
              "original_full_width_pictures_per_s": round(full, 1)}
    if fast_bfloat16():
        speeds["improved_bfloat16_pictures_per_s"] = round(pictures_per_second(
            preset(DeEmojiNet.IMPROVED, bfloat16=True), args.speed_s), 1)
        speeds["improved_float32_pictures_per_s"] = round(pictures_per_second(
            preset(DeEmojiNet.IMPROVED, bfloat16=False), args.speed_s), 1)

    print(f"\n{len(frozen.pictures.clean)} frozen held-out pictures, {len(seeds)} seeds, "
          f"{args.budget:.0f} s of training each; mean ± std (min–max)")
    rows = [("2018 network", [f["psnr_inside"] for f in figures["original"]],
             [f["psnr_outside"] for f in figures["original"]]),
            ("improved", [f["improved_psnr_inside"] for f in figures["improved"]],
             [f["improved_psnr_outside"] for f in figures["improved"]]),
            ("Telea, its mask", [f["telea_predicted_psnr_inside"] for f in figures["improved"]],
             [f["telea_predicted_psnr_outside"] for f in figures["improved"]])]
    print(f"{'PSNR (dB)':18s} {'inside':>30s} {'outside':>30s}")
    for name, inside, outside in rows:
        print(f"{name:18s} {mean_sd_range(inside):>30s} {mean_sd_range(outside):>30s}")
    for method in ("telea", "ns"):
        print(f"{method + ', true mask':18s} {imp[method + '_true_psnr_inside']:6.2f}")
    print("clean native photos: " + mean_sd_range([f["psnr_clean_native"] for f in figures["improved"]])
          + " dB; mask IoU " + ", ".join(
              f"{name} {mean['improved'][f'iou_{name}']:.2f} (n={mean['improved'][f'count_{name}']:.0f})"
              for name, _, _ in BRIGHTNESS_BINS))
    print(f"speeds: {speeds}")
    print_result({
        "seeds": seeds, "budget_s": args.budget, "held_out": len(frozen.pictures.clean),
        "psnr_mask_improved": round(imp["improved_psnr_inside"], 2),
        "psnr_mask_improved_std": round(float(np.std([f["improved_psnr_inside"]
                                                      for f in figures["improved"]])), 2),
        "psnr_mask_original": round(sd["psnr_inside"], 2),
        "psnr_outside_improved": round(imp["improved_psnr_outside"], 2),
        "psnr_outside_original": round(sd["psnr_outside"], 2),
        "psnr_mask_telea_true": round(imp["telea_true_psnr_inside"], 2),
        "psnr_mask_ns_true": round(imp["ns_true_psnr_inside"], 2),
        "psnr_mask_telea_predicted": round(imp["telea_predicted_psnr_inside"], 2),
        "psnr_mask_ns_predicted": round(imp["ns_predicted_psnr_inside"], 2),
        "ssim_mask_improved": round(imp["improved_ssim_inside"], 3),
        "ssim_mask_original": round(sd["ssim_inside"], 3),
        "ssim_mask_telea_true": round(imp["telea_true_ssim_inside"], 3),
        "ssim_mask_ns_true": round(imp["ns_true_ssim_inside"], 3),
        "ssim_mask_telea_predicted": round(imp["telea_predicted_ssim_inside"], 3),
        "psnr_clean_native": round(imp["psnr_clean_native"], 2),
        "psnr_clean_native_worst": round(min(f["psnr_clean_native_worst"]
                                             for f in figures["improved"]), 2),
        **{f"iou_{name}": round(imp[f"iou_{name}"], 3) for name, _, _ in BRIGHTNESS_BINS},
        "left_whole_improved": [f["left_whole"] for f in figures["improved"]],
        "averaged_psnr_mask": round(averaged["improved_psnr_inside"], 2),
        "averaged_psnr_outside": round(averaged["improved_psnr_outside"], 2),
        "averaged_psnr_clean_native": round(averaged["psnr_clean_native"], 2),
        "averaged_left_whole": averaged["left_whole"],
        "bundled_psnr_mask": round(shipped["improved_psnr_inside"], 2),
        "bundled_ssim_mask": round(shipped["improved_ssim_inside"], 3),
        "bundled_psnr_outside": round(shipped["improved_psnr_outside"], 2),
        "bundled_psnr_clean_native": round(shipped["psnr_clean_native"], 2),
        "bundled_psnr_clean_native_worst": round(shipped["psnr_clean_native_worst"], 2),
        "bundled_iou": round(shipped["iou"], 3),
        "bundled_left_whole": shipped["left_whole"],
        "bundled_clean_native_changed": round(shipped["clean_native_changed"], 4),
        **{f"bundled_iou_{name}": round(shipped[f"iou_{name}"], 3) for name, _, _ in BRIGHTNESS_BINS},
        **levels,
        "pictures_seen_original": seen["original"], "pictures_seen_improved": seen["improved"],
        **speeds})


if __name__ == "__main__":
    main()
