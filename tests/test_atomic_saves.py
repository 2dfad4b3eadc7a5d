"""Saving is write-then-rename: a process killed (SIGKILL) in the middle of saving a model
leaves the previous file whole and loadable."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from engine.latent.config import preset_config
from engine.latent.models import build_models
from engine.files.model_files import load_models, save_models

PROBE = Path(__file__).with_name("kill_mid_save_probe.py")


def test_killing_a_save_keeps_the_previous_model_loadable(tmp_path):
    target = tmp_path / "model.keras"
    save_models(build_models(preset_config("ae", "bce", "quick")), target)
    for delay in (0.05, 0.13, 0.31):  # kill at different points of a save
        child = subprocess.Popen([sys.executable, str(PROBE), str(target)],
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().startswith("saved 0")  # past start-up, saving in a loop
        time.sleep(delay)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
        child.stdout.close()
        assert child.returncode == -signal.SIGKILL
        models = load_models(target)  # whole and readable, whatever the kill interrupted
        assert models.decoder.output_shape[1:] == (28, 28, 1)
