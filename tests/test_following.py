"""Following a terminal run from the window: a process trains into its folder while the window
shows it live (its run grows through Run.apply), the window asks it to stop and the terminal
writes everything as for Ctrl-C; folders that are not runs are said, and nothing is lost."""

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from PySide6 import QtCore

from engine.run_folder import STOP_REQUEST, read_news

ROOT = Path(__file__).resolve().parent.parent


def start_training(out: Path) -> subprocess.Popen:
    """A terminal run into ``out``, once its folder is there."""
    child = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "train", "ae", "--epochs",
                              "200", "--train-size", "1000", "--save-every", "0.5",
                              "--no-tensorboard", "--out", str(out)], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not out.is_dir() and time.monotonic() < deadline:
        time.sleep(0.05)
    return child


def test_the_window_follows_a_terminal_run_and_stops_it(window, qtbot, tmp_path):
    out = tmp_path / "run"
    child = start_training(out)
    try:
        window.following.follow(out)
        tab = window.tab("autoencoder")
        qtbot.waitUntil(lambda: len(tab.runs) == 1, timeout=120_000)
        run = tab.runs[0]
        assert run.state.value == "running" and "run" in run.name
        first = run.step
        shown = []
        tab.sig_snapshot_shown.connect(shown.append)
        qtbot.waitUntil(lambda: run.step > first + 20 and bool(shown), timeout=60_000)  # it grows live
        assert len(run.column("loss")) == run.step
        assert run.eta_s > 1                                       # the terminal's ETA travels
        assert window.following.request_stops() == [out.resolve()]
        assert child.wait(timeout=60) == 130
        qtbot.waitUntil(lambda: run.state.value == "stopped", timeout=30_000)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    history = json.loads((out / "history.json").read_text())
    assert run.step == len(history["columns"]["loss"])            # everything, as for Ctrl-C
    np.testing.assert_array_equal(run.column("loss"), history["columns"]["loss"])
    assert not (out / STOP_REQUEST).exists()
    assert not window.following.followed                          # an ended run is let go
    assert QtCore.QSettings().value("follow/folders") in ([], None, "")


def test_a_followed_folder_is_followed_again_after_a_restart(qtbot, tmp_path):
    from gui.app import make_application
    from gui.main_window import MainWindow

    out = tmp_path / "run"
    child = start_training(out)
    try:
        make_application([])
        first = MainWindow()
        first.following.follow(out)
        with qtbot.waitSignal(first.sig_closed, timeout=30_000):
            first.close()
        second = MainWindow()
        qtbot.waitUntil(lambda: len(second.tab("autoencoder").runs) == 1, timeout=120_000)
        assert out.resolve() in second.following.followed
        second.following.request_stops()
        assert child.wait(timeout=60) == 130
        with qtbot.waitSignal(second.sig_closed, timeout=30_000):
            second.close()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_folders_that_are_not_runs_are_said(window, qtbot, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    messages = []
    window.following.sig_message.connect(messages.append)
    window.following.follow(tmp_path)
    assert any("waiting for the run's first snapshot" in m for m in messages)
    window.following.follow(tmp_path / "missing")
    assert any("not a folder" in m for m in messages)
    (tmp_path / "run.latentlab").write_bytes(b"not a zip")
    qtbot.waitUntil(lambda: any("not a Latent Lab workspace" in m for m in messages),
                    timeout=10_000)
    assert not window.tab("autoencoder").runs
    try:
        read_news(tmp_path / "missing", None)
    except ValueError as exc:
        assert "not a folder" in str(exc)
