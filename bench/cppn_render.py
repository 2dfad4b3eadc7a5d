"""CPPN rendering speed and memory: canvas repaints and an 8192x8192 export.

Repaint times are the median of several renders after a warm-up, for the Seed 2018 preset
(width 64, grey) and its RGB variant (width 32). The baseline is the 2018 code's way, in numpy:
every pixel's (x, y, r) flattened into columns and pushed through the layers. The export runs in
a child process so its peak resident memory is its own.

    python bench/cppn_render.py [--export-side 8192]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import print_result  # also puts the project on sys.path
import numpy as np

from engine.cppn.config import PRESETS
from engine.cppn.network import coordinate_axis, init_weights
from engine.cppn.paths import PathKind, ZPath
from engine.cppn.render import export_png, render


def median_ms(call, repeats: int = 7) -> float:
    call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return float(np.median(times) * 1000)


def numpy_seed_render(weights, z, side: int, scale: float) -> np.ndarray:
    """The 2018 structure, in numpy: flattened per-pixel inputs, one matmul per branch."""
    wz, wx, wy, wr, *rest = weights.arrays
    xs, ys = coordinate_axis(side, scale), coordinate_axis(side, scale)
    x = np.tile(xs, side)[:, None]
    y = np.repeat(ys, side)[:, None]
    r = np.sqrt(x * x + y * y)
    u = (np.arctan(z[None] @ wz) + np.arctan(x @ wx[None]) + np.tanh(y @ wy[None])
         + np.arctan(r @ wr[None]))
    for m in rest[:-1]:
        u = np.arctan(u @ m)
    return 1 / (1 + np.exp(-(u @ rest[-1])))


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def export_child(side: int) -> None:
    weights = init_weights(PRESETS[0].config)
    z = ZPath(PathKind.SWEEP, weights.config.z_dim).at(0.0)
    render(weights, z, 256, 256, 1.0)  # warm up: tracing happens before the baseline reading
    base = rss_mb()
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        path = export_png(weights, z, side, side, 1.0, "viridis", Path(folder) / "big.png")
        seconds = time.perf_counter() - start
        size_mb = path.stat().st_size / 1e6
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "baseline_mb": base,
                      "file_mb": size_mb}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--export-side", type=int, default=8192)
    parser.add_argument("--export-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_child:
        export_child(args.export_child)
        return
    result = {}
    for key, preset in (("seed", PRESETS[0]), ("seed_rgb", PRESETS[1])):
        weights = init_weights(preset.config)
        z = ZPath(PathKind.SWEEP, weights.config.z_dim).at(0.0)
        for side in (256, 512, 1024):
            ms = median_ms(lambda: render(weights, z, side, side, preset.scale))
            result[f"repaint_{side}_ms" if key == "seed" else f"rgb_repaint_{side}_ms"] = round(ms, 1)
            print(f"{preset.name:24s} {side:5d}²  {ms:7.1f} ms")
    weights = init_weights(PRESETS[0].config)
    z = ZPath(PathKind.SWEEP, weights.config.z_dim).at(0.0)
    numpy_ms = median_ms(lambda: numpy_seed_render(weights, z, 512, 1.0), repeats=3)
    agree = np.abs(numpy_seed_render(weights, z, 512, 1.0).reshape(512, 512, 1)
                   - render(weights, z, 512, 512, 1.0)).max()
    print(f"2018-style numpy render 512²: {numpy_ms:.1f} ms (max pixel difference {agree:.2e});"
          f" ours is {numpy_ms / result['repaint_512_ms']:.1f}x faster")
    child = subprocess.run([sys.executable, __file__, "--export-child", str(args.export_side)],
                           capture_output=True, text=True, check=True)
    export = json.loads(child.stdout.strip().splitlines()[-1])
    print(f"export {args.export_side}² PNG: {export['seconds']:.1f} s, peak RSS "
          f"{export['peak_mb']:.0f} MB ({export['peak_mb'] - export['baseline_mb']:.0f} MB above "
          f"the {export['baseline_mb']:.0f} MB of a loaded TensorFlow), file {export['file_mb']:.0f} MB")
    result.update(numpy_2018_style_512_ms=round(numpy_ms, 1),
                  speedup_vs_numpy=round(numpy_ms / result["repaint_512_ms"], 2),
                  export_8192_s=round(export["seconds"], 1),
                  export_8192_peak_mb=round(export["peak_mb"]),
                  export_8192_above_baseline_mb=round(export["peak_mb"] - export["baseline_mb"]),
                  export_side=args.export_side)
    print_result(result)


if __name__ == "__main__":
    main()
