"""TensorFlow and Mesa's GL in one process: fine with engine/tf_runtime's workaround, a crash
without it (so this test would catch the workaround breaking)."""

import os
import signal
import subprocess
import sys
from pathlib import Path

PROBE = Path(__file__).with_name("gl_and_tf_probe.py")


def run_probe(**env):
    return subprocess.run([sys.executable, str(PROBE)], capture_output=True, text=True,
                          timeout=180, env={**os.environ, "QT_QPA_PLATFORM": "xcb", **env})


def test_gl_paint_and_tf_step_share_a_process():
    result = run_probe()
    assert result.returncode == 0, result.stderr[-2000:]
    line = result.stdout.strip().splitlines()[-1]
    assert line.startswith("local=True grad=4.0 painted=")
    assert int(line.split("painted=")[1]) > 1000


def test_without_the_workaround_the_first_paint_crashes():
    result = run_probe(LATENT_LAB_TF_GLOBAL_FLAGS="1")
    assert result.returncode != 0, "loading TF with RTLD_GLOBAL no longer crashes Mesa: " \
        "re-check whether engine/tf_runtime.py's workaround is still needed"
    # killed by a signal in the driver, not a Python error (an ImportError would also exit != 0)
    assert -result.returncode in (signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS), \
        (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr and "local=" not in result.stdout
