"""A window that goes away while its threads still run (deleted, or its Python wrapper collected
before its close stopped them) must not take the process with it: the threads are asked to stop
and end on their own."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = Path(__file__).with_name("owner_gone_probe.py")


@pytest.mark.parametrize("how", ["delete", "collect"])
def test_threads_stop_when_their_owner_goes(how):
    result = subprocess.run([sys.executable, str(PROBE), how], capture_output=True, text=True,
                            timeout=60, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr[-2000:]
    line = result.stdout.strip().splitlines()[-1]
    assert line.startswith("ended=2 ")
    assert float(line.split("after_s=")[1]) < 1.0      # stopped, not run to its 3 s end
