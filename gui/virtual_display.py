"""A private Xvfb display for runs without a screen (tests, benches): real GL through Mesa,
which Qt's ``offscreen`` platform cannot give."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path


def start_virtual_display(size: str = "1600x1000x24") -> subprocess.Popen | None:
    """Start Xvfb on a free display and point ``DISPLAY`` at it; None if a display is already
    set. Raises RuntimeError when Xvfb is not installed."""
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    if os.environ.get("DISPLAY"):
        return None
    if shutil.which("Xvfb") is None:
        raise RuntimeError("Xvfb is missing: install xvfb libgl1-mesa-dri (see README)")
    number = 90 + os.getpid() % 500
    while Path(f"/tmp/.X11-unix/X{number}").exists() or Path(f"/tmp/.X{number}-lock").exists():
        number += 1
    process = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", size, "-nolisten", "tcp"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        if Path(f"/tmp/.X11-unix/X{number}").exists():
            break
        time.sleep(0.05)
    os.environ["DISPLAY"] = f":{number}"
    return process


def stop_virtual_display(process: subprocess.Popen | None) -> None:
    if process is not None:
        process.terminate()
        process.wait(10)
