"""Continuing a run from a kept step: the child starts from exactly the parent's weights there
(its first decode is the parent's at the fork), with settings of its own, drawn from the fork
step on; from the terminal (--from/--step) and from the window's button; lineage kept."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6 import QtCore

from engine.runs.curves import XAxis
from engine.workspace import open_workspace, save_workspace

ROOT = Path(__file__).resolve().parent.parent


def train(*args):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "train", *args,
                           "--no-tensorboard"], capture_output=True, text=True, timeout=600,
                          cwd=ROOT)


@pytest.fixture(scope="module")
def parent(tmp_path_factory):
    out = tmp_path_factory.mktemp("fork") / "parent"
    result = train("vae", "--epochs", "2", "--train-size", "1000", "--out", str(out))
    assert result.returncode == 0, result.stderr[-2000:]
    return out


def test_the_terminal_continues_a_run_from_a_step(parent, tmp_path):
    father = open_workspace(parent / "run.latentlab").runs[0]
    spe = father.steps_per_epoch
    result = train("vae", "--loss", "mse", "--epochs", "1", "--train-size", "1000",
                   "--from", str(parent / "run.latentlab"), "--step", str(spe),
                   "--out", str(tmp_path / "child"))
    assert result.returncode == 0, result.stderr[-2000:]
    child = open_workspace(tmp_path / "child" / "run.latentlab").runs[0]
    assert (child.parent, child.fork_step) == (father.name, spe)
    assert child.config.loss.value == "mse"
    at_fork = father.snapshots.at_step(spe)
    first = child.snapshots.at_step(0)
    for ours, theirs in zip(first.weights, at_fork.weights):
        np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_allclose(first.payload.latent, at_fork.payload.latent, atol=1e-5)
    np.testing.assert_allclose(first.payload.reconstructions, at_fork.payload.reconstructions,
                               atol=1e-5)
    history = json.loads((tmp_path / "child" / "history.json").read_text())
    assert history["parent"] == father.name and history["fork_step"] == spe
    again = tmp_path / "again.latentlab"                          # lineage survives a save
    save_workspace(again, [child])
    assert open_workspace(again).runs[0].fork_step == spe


@pytest.mark.parametrize("args, message", [
    (["--step", "7"], "kept no weights at step 7; it has them at: 0, 10"),
    (["--step", "10", "--preset", "seed"], "keeps its model: preset is quick there"),
    ([], "--from and --step go together"),
])
def test_a_fork_that_cannot_be_is_refused(parent, tmp_path, args, message):
    result = train("vae", "--from", str(parent / "run.latentlab"), *args, "--train-size", "1000",
                   "--out", str(tmp_path / "child"))
    assert result.returncode == 2 and message in result.stderr, result.stderr[-2000:]


def test_continue_from_this_step_in_the_window(window, qtbot):
    tab = window.tab("vae")
    window.tabs.setCurrentWidget(tab)
    tab.panel.epochs_box.setValue(2)
    assert tab.start()
    qtbot.waitUntil(lambda: tab.state == "finished" and not tab.controls.is_running(),
                    timeout=90_000)
    father = tab.run
    spe = father.steps_per_epoch
    tab.timeline.set_step(spe)                                     # park at epoch 1's end
    qtbot.waitUntil(lambda: tab.shown_step == spe, timeout=5_000)
    tab.panel.loss_box.setCurrentIndex(1)                          # MSE + KL from here
    tab.panel.epochs_box.setValue(1)
    qtbot.mouseClick(tab.panel.continue_button, QtCore.Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.run is not father and tab.state == "finished" and
                    not tab.controls.is_running(), timeout=90_000)
    child = tab.run
    assert (child.parent, child.fork_step) == (father.name, spe)
    assert child.config.loss.value == "mse"
    np.testing.assert_allclose(child.snapshots.at_step(0).payload.latent,
                               father.snapshots.at_step(spe).payload.latent, atol=1e-5)
    assert tab.runs_list.list.item(1).text().startswith("↳ ")
    tab.loss_plot.set_x_axis(XAxis.STEP)
    x, _ = tab.loss_plot.curve(child, "loss")
    assert x[0] == spe + 1 and x[-1] == spe + child.step            # drawn on from the fork
    compare = window.comparisons.open([father, child])
    compare.loss_plot.set_x_axis(XAxis.STEP)
    solid, _ = compare.loss_plot.curve(father, "loss")
    faint, _ = compare.loss_plot.curve(father, "loss", after_fork=True)
    assert solid[-1] == spe and faint[0] == spe and faint[-1] == father.step  # parent to the fork
    x, _ = compare.loss_plot.curve(child, "loss")
    assert x[0] == spe + 1 and not len(compare.loss_plot.curve(child, "loss", after_fork=True)[0])
    compare.close()
