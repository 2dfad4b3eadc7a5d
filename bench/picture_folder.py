"""Reading a large folder of one's own pictures: the time to the dataset and the memory it took.

Writes ``--count`` colour PNGs of ``--side`` pixels in ten class subfolders (random blobs, so
they compress like photos rather than like flat colour) into a temporary folder, then reads it
the way a run does (``load_dataset``) in a fresh process, at the shape a model would see
(``--read-side``, ``--read-channels``), timing it and reading the process's peak resident memory
before and after.

    python bench/picture_folder.py [--count 100000] [--side 64] [--read-side 64 --read-channels 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import ROOT, print_result
from PIL import Image

READ = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from engine.latent.datasets import load_dataset
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
start = time.perf_counter()
seen = []
ds = load_dataset({folder!r}, progress=lambda done, total: seen.append(done),
                  image_shape={shape!r})
seconds = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "pictures": len(ds.images), "classes": len(ds.class_names),
                  "peak_mb_before": before, "peak_mb_after": after,
                  "array_mb": ds.images.nbytes / 2**20, "progress_reports": len(seen)}}))
"""


def write_folder(root: Path, count: int, side: int) -> float:
    """``count`` PNGs in ten classes; returns the megabytes written."""
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:side, 0:side] / side
    for k in range(count):
        folder = root / f"class{k % 10}"
        folder.mkdir(exist_ok=True)
        cx, cy, r = rng.uniform(0.2, 0.8, 3)
        blob = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (0.05 + r * 0.1))
        rgb = (blob[..., None] * rng.uniform(80, 255, 3) + rng.normal(0, 12, (side, side, 3)))
        Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8)).save(folder / f"{k:06d}.png")
    return sum(p.stat().st_size for p in root.rglob("*.png")) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--side", type=int, default=64, help="the side of the PNGs written")
    parser.add_argument("--read-side", type=int, default=28, choices=(28, 32, 64))
    parser.add_argument("--read-channels", type=int, default=1, choices=(1, 3))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="latent-lab-pictures-") as tmp:
        root = Path(tmp) / "pictures"
        root.mkdir()
        start = time.perf_counter()
        megabytes = write_folder(root, args.count, args.side)
        print(f"wrote {args.count:,} PNGs of {args.side}x{args.side} ({megabytes:.0f} MB) in "
              f"{time.perf_counter() - start:.0f} s")
        shape = (args.read_side, args.read_side, args.read_channels)
        script = READ.format(root=str(ROOT), folder=str(root), shape=shape)
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                             check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"read {result['pictures']:,} pictures in {result['classes']} classes in "
          f"{result['seconds']:.1f} s ({result['pictures'] / result['seconds']:,.0f} a second); "
          f"peak memory {result['peak_mb_before']:.0f} MB before, {result['peak_mb_after']:.0f} MB "
          f"after (the {args.read_side}x{args.read_side}x{args.read_channels} array: "
          f"{result['array_mb']:.0f} MB); "
          f"{result['progress_reports']} progress reports")
    print_result({"count": args.count, "side": args.side, "folder_mb": round(megabytes),
                  "read_shape": f"{args.read_side}x{args.read_side}x{args.read_channels}",
                  **{k: round(v, 2) if isinstance(v, float) else v for k, v in result.items()}})


if __name__ == "__main__":
    main()
