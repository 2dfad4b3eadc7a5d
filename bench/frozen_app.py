"""The packaged app: its size on disk, the archive's size, and its start to a visible window.

Builds with .ci/package unless --dist points at an existing build; each start is timed under a
fresh Xvfb, from launch until xdotool sees a window titled "Latent Lab". The first start is
cold: the page cache is dropped where this process may (root), and every file of the bundle is
evicted from it in any case (``posix_fadvise(DONTNEED)``), so the app is read from disk as on a
first launch (``cold_start_first_s``); the starts after it are warm (median).

    python bench/frozen_app.py [--dist dist] [--starts 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import time
from pathlib import Path

from _common import ROOT, print_result


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def make_cold(bundle: Path) -> str:
    """Push the bundle's files out of the page cache; say how."""
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        method = "page cache dropped"
    except OSError:
        method = "bundle files evicted"
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as handle:
                os.posix_fadvise(handle.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
    return method


def start_s(app: Path) -> float:
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
    method = make_cold(dist / "LatentLab")
    cold = start_s(app)
    warm = [start_s(app) for _ in range(args.starts)]
    print(f"first start ({method}): {cold:.1f} s; then warm: "
          + ", ".join(f"{s:.1f} s" for s in warm))
    print_result({"bundle_mb": round(bundle), "archive_mb": round(archive),
                  "cold_start_first_s": round(cold, 2), "cold_start_method": method,
                  "warm_start_median_s": round(float(statistics.median(warm)), 2),
                  "warm_starts": [round(s, 2) for s in warm]})


if __name__ == "__main__":
    main()
