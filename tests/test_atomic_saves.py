"""Saving is write-then-rename: a process killed (SIGKILL) in the middle of saving a model
leaves the previous file whole and loadable."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from engine.latent.config import preset_config
from engine.latent.models import autoencoder_weights_from_file, build_models, save_autoencoder

PROBE = Path(__file__).with_name("kill_mid_save_probe.py")


def test_killing_a_save_keeps_the_previous_model_loadable(tmp_path):
    target = tmp_path / "model.keras"
    config = preset_config("ae", "bce", "quick")
    save_autoencoder(build_models(config), target)
    for delay in (0.05, 0.13, 0.31):  # kill at different points of a save
        child = subprocess.Popen([sys.executable, str(PROBE), str(target)],
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().startswith("saved 0")  # past start-up, saving in a loop
        time.sleep(delay)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
        child.stdout.close()
        assert child.returncode == -signal.SIGKILL
        weights = autoencoder_weights_from_file(target, config)  # whole, whatever the kill hit
        assert len(weights) == len(build_models(config).get_weights())
