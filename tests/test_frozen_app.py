"""The packaged app: build it with PyInstaller from pyinstaller.spec (a couple of minutes) and run
the frozen ``--self-test`` under Xvfb: TensorFlow, a CPPN, the bundled de-emoji network with
OpenCV, a TensorBoard log, and a GL frame, with no Python around.
It fails if the build fails or the frozen app crashes."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYINSTALLER = Path(sys.executable).with_name("pyinstaller")


@pytest.mark.skipif(not PYINSTALLER.exists(), reason="PyInstaller is not installed (requirements-dev)")
def test_frozen_app_passes_its_self_test(tmp_path):
    build = subprocess.run(
        [str(PYINSTALLER), "--noconfirm", "--log-level", "ERROR", "--distpath",
         str(tmp_path / "dist"), "--workpath", str(tmp_path / "build"), str(ROOT / "pyinstaller.spec")],
        capture_output=True, text=True, timeout=1800, cwd=ROOT)
    assert build.returncode == 0, build.stderr[-3000:]
    app = tmp_path / "dist" / "LatentLab" / "LatentLab"
    assert app.exists()
    internal = tmp_path / "dist" / "LatentLab" / "_internal"
    assert (internal / "resources" / "mnist" / "LICENSE.md").exists()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = "/usr/bin:/bin"  # no Python of ours on the way
    result = subprocess.run([str(app), "--self-test"], capture_output=True, text=True,
                            timeout=600, env=env, cwd=tmp_path)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert "CPPN 128x128x3" in result.stdout and "GL frame" in result.stdout
    assert "TensorBoard log: 2 loss points read back" in result.stdout
    assert "de-emoji 256x256: 3 fills" in result.stdout
    assert result.stdout.strip().endswith("self-test: ok")
    shutil.rmtree(tmp_path / "build", ignore_errors=True)
