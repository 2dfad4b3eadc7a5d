"""The project as pip installs it: a wheel built from pyproject.toml holds the sources and the
shipped data, and its ``latent-lab`` console script trains from a folder outside the checkout."""

import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_console_script_is_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"] == {"latent-lab": "main:entry"}


def test_pip_installed_copy_trains_from_its_console_script(tmp_path):
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                            "--no-build-isolation", "-q", "-w", str(tmp_path / "wheel"), str(ROOT)],
                           capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert built.returncode == 0, built.stderr[-3000:]
    wheel = next((tmp_path / "wheel").glob("latent_lab-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {"main.py", "engine/tf_runtime.py", "gui/app.py", "resources/mnist/LICENSE.md"} <= names
    site = tmp_path / "site"
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q",
                                "--target", str(site), str(wheel)],
                               capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr[-3000:]
    env = {**os.environ, "PYTHONPATH": str(site)}
    script = site / "bin" / "latent-lab"
    where = subprocess.run([sys.executable, "-c", "import engine, main; print(engine.__file__)"],
                           capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env)
    assert where.stdout.strip().startswith(str(site)), where.stdout + where.stderr
    out = tmp_path / "run"
    result = subprocess.run([str(script), "train", "ae", "--epochs", "1", "--train-size", "200",
                             "--out", str(out)], capture_output=True, text=True, timeout=600,
                            cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    history = json.loads((out / "history.json").read_text())
    assert history["dataset"] == "mnist" and len(history["columns"]["loss"]) == 2
