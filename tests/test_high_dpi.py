"""High-DPI screens: at a device pixel ratio of 2 the 3-D scatter renders at full resolution,
draws its points at the same on-screen size (four times the device pixels) and still picks them."""

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = Path(__file__).with_name("high_dpi_probe.py")


def probe(scale: str) -> dict:
    result = subprocess.run([sys.executable, str(PROBE)], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "xcb",
                                              "QT_SCALE_FACTOR": scale})
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_points_keep_their_size_and_stay_clickable_at_twice_the_pixels():
    normal, doubled = probe("1"), probe("2")
    assert normal["logical"] == doubled["logical"]
    assert doubled["frame"] == [2 * v for v in normal["frame"]]
    assert normal["point_area"] > 0
    assert 3.0 <= doubled["point_area"] / normal["point_area"] <= 5.0, (normal, doubled)
    assert normal["click_finds"] == doubled["click_finds"] == 1
