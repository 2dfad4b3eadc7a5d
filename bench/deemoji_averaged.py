"""De-emoji networks averaged in groups, as the app averages its bundled three, on the frozen
evaluation set (engine/deemoji/evaluation.py): each group averaged and each network alone, at
every Find level (``Eagerness``), with mean and spread over the groups and over the networks,
beside OpenCV's Telea and Navier–Stokes given the true mask. The networks are files, trained
beforehand as the bundled ones are (about 15 minutes each on 2 cores), so the figures describe
what the app ships rather than the short runs of bench/deemoji_psnr.py:

    python main.py deemoji train --out nets/s1.keras --seed 1        # and so on, seeds 1 to 9
    python bench/deemoji_averaged.py nets/s1.keras,nets/s2.keras,nets/s3.keras \\
                                     nets/s4.keras,nets/s5.keras,nets/s6.keras ...
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from _common import mean_sd_range, print_result

from engine.deemoji.cleaning import Eagerness
from engine.deemoji.evaluation import evaluate_cleaner, frozen_set
from engine.deemoji.networks import Cleaners, NetworkFiles

SHOWN = {"improved_psnr_inside": "inside", "improved_psnr_outside": "outside",
         "psnr_clean_native": "clean photos", "clean_native_changed": "clean changed",
         "left_whole": "left whole", "iou": "IoU"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("groups", nargs="+",
                        help="comma-separated .keras files, one argument per group averaged")
    parser.add_argument("--held-out", type=int, default=128)
    args = parser.parse_args()
    groups = [tuple(Path(p) for p in g.split(",")) for g in args.groups]
    frozen = frozen_set(args.held_out)
    levels = tuple(Eagerness)
    cleaners = Cleaners()
    figures: dict[str, dict[Eagerness, list[dict]]] = {"averaged": {}, "alone": {}}
    for group in groups:
        runs = [("averaged", group)] if len(group) > 1 else []
        runs += [("alone", (path,)) for path in group]
        for kind, paths in runs:
            at = evaluate_cleaner(cleaners.get(NetworkFiles(paths)), frozen, levels)
            for level in levels:
                figures[kind].setdefault(level, []).append(at[level])
            usual = at[Eagerness.USUAL]
            print(f"{kind:8s} {' + '.join(p.stem for p in paths)}: "
                  + ", ".join(f"{name} {usual[key]:.3f}" for key, name in SHOWN.items()),
                  flush=True)
    telea = figures["alone"][Eagerness.USUAL][0]["telea_true_psnr_inside"]
    ns = figures["alone"][Eagerness.USUAL][0]["ns_true_psnr_inside"]
    result = {"groups": [[p.name for p in g] for g in groups],
              "held_out": len(frozen.pictures.clean),
              "psnr_mask_telea_true": round(telea, 2), "psnr_mask_ns_true": round(ns, 2)}
    print(f"\n{len(frozen.pictures.clean)} frozen pictures; Telea told the true mask {telea:.2f} "
          f"dB, Navier–Stokes {ns:.2f}; mean ± std (min–max) over the "
          f"{len(figures['averaged'].get(Eagerness.USUAL, []))} groups averaged and the "
          f"{len(figures['alone'][Eagerness.USUAL])} networks alone")
    for kind, by_level in figures.items():
        for level, found in by_level.items():
            print(f"{kind:8s} {level.value:6s} "
                  + "; ".join(f"{name} {mean_sd_range([f[key] for f in found], 3)}"
                              for key, name in SHOWN.items()))
            for key in SHOWN:
                values = [round(float(f[key]), 4) for f in found]
                result[f"{kind}_{level.value}_{key}"] = values
                result[f"{kind}_{level.value}_{key}_mean"] = round(float(np.mean(values)), 3)
    print_result(result)


if __name__ == "__main__":
    main()
