"""The packaged app: its size on disk, the archive's size, and its cold start to a visible window.

Builds with .ci/package unless --dist points at an existing build; the start is timed under a
fresh Xvfb, from launch until xdotool sees a window titled "Latent Lab".

    python bench/frozen_app.py [--dist dist] [--starts 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import time
from pathlib import Path

from _common import ROOT, print_result


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def cold_start_s(app: Path) -> float:
    env = dict(os.environ)
    env.pop("DISPLAY", None)
    display = f":{200 + os.getpid() % 300}"
    server = subprocess.Popen(["Xvfb", display, "-screen", "0", "1400x920x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env["DISPLAY"] = display
    time.sleep(1.0)
    try:
        start = time.perf_counter()
        process = subprocess.Popen([str(app)], env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        while subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "Latent Lab"],
                             env=env, capture_output=True).returncode != 0:
            if time.perf_counter() - start > 120:
                raise TimeoutError("no window within 120 s")
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        process.terminate()
        process.wait(30)
        return seconds
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=None, help="an existing build's dist folder")
    parser.add_argument("--starts", type=int, default=3)
    args = parser.parse_args()
    dist = args.dist or ROOT / "dist"
    if args.dist is None:
        subprocess.run(["bash", str(ROOT / ".ci" / "package")], check=True, cwd=ROOT)
    app = dist / "LatentLab" / "LatentLab"
    archives = sorted(dist.glob("LatentLab-*.tar.gz"))
    bundle = folder_mb(dist / "LatentLab")
    archive = archives[0].stat().st_size / 1e6 if archives else float("nan")
    print(f"bundle {bundle:.0f} MB on disk, archive {archive:.0f} MB")
    if shutil.which("xdotool") is None:
        raise SystemExit("cold start needs xdotool (apt-get install xdotool)")
    starts = [cold_start_s(app) for _ in range(args.starts)]
    print("cold start to a visible window: " + ", ".join(f"{s:.1f} s" for s in starts))
    print_result({"bundle_mb": round(bundle), "archive_mb": round(archive),
                  "cold_start_s": round(min(starts), 2), "starts": [round(s, 2) for s in starts]})


if __name__ == "__main__":
    main()
