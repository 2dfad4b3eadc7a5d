"""A private Xvfb display for runs without a screen (tests, benches): real GL through Mesa,
which Qt's ``offscreen`` platform cannot give."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path


def start_virtual_display(size: str = "1600x1000x24") -> None:
    """Start Xvfb on a free display and point ``DISPLAY`` at it (nothing if a display is set).

    The server outlives this process by a moment and is then stopped by a small watcher: Qt's
    last clean-up still talks to the display while the interpreter exits, and a server stopped
    before that makes Xlib abort the process. Raises RuntimeError when Xvfb is not installed.
    """
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    if os.environ.get("DISPLAY"):
        return
    if shutil.which("Xvfb") is None:
        raise RuntimeError("Xvfb is missing: install xvfb libgl1-mesa-dri (see README)")
    number = 90 + os.getpid() % 500
    while Path(f"/tmp/.X11-unix/X{number}").exists() or Path(f"/tmp/.X{number}-lock").exists():
        number += 1
    watcher = (f"Xvfb :{number} -screen 0 {size} -nolisten tcp >/dev/null 2>&1 & server=$!; "
               f"while kill -0 {os.getpid()} 2>/dev/null; do sleep 0.5; done; kill $server")
    # the outer shell returns at once, leaving the watcher running on its own
    subprocess.run(["sh", "-c", f"({watcher}) >/dev/null 2>&1 &"], start_new_session=True,
                   check=True)
    for _ in range(200):
        if Path(f"/tmp/.X11-unix/X{number}").exists():
            break
        time.sleep(0.05)
    os.environ["DISPLAY"] = f":{number}"
