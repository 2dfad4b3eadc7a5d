"""The window as a whole: its tabs, the About page, settings that persist, keyboard shortcuts,
and the dialog (and log) an unexpected exception gets."""

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from PySide6 import QtCore, QtWidgets

from gui.app import make_application
from gui.error_report import ErrorReporter, start_logging
from gui.experiments import TABS
from gui.main_window import MainWindow
from gui.settings import SCHEMA, apply_values, widget_values


def test_about_credits_every_bundled_dataset(window):
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [e.title for e in TABS]
    dialog = window.show_about()
    text = dialog.browser.toPlainText()
    for credit in ("Twemoji", "CC-BY 4.0", "Kodak", "MNIST", "Creative Commons Attribution-Share "
                   "Alike 3.0", "Zalando", "LGPL", "Apache 2.0"):
        assert credit in text, credit
    dialog.close()


def test_settings_come_back_in_a_new_window(qtbot):
    make_application()
    first = MainWindow()   # not given to qtbot: the test closes it, and it deletes itself
    first.tab("cppn").network.width_box.setValue(40)
    first.tab("cppn").network.channels_box.setCurrentIndex(1)
    first.tab("autoencoder").panel.epochs_box.setValue(7)
    first.tab("vae").panel.loss_box.setCurrentIndex(2)
    first.tab("deemoji").panel.net_box.setCurrentIndex(1)
    first.tabs.setCurrentIndex(3)
    first.resize(1200, 800)
    with qtbot.waitSignal(first.sig_closed, timeout=30_000):
        first.close()
    second = MainWindow()
    assert second.tab("cppn").network.width_box.value() == 40
    assert second.tab("cppn").config.width == 40 and second.tab("cppn").config.channels == 3
    assert second.tab("autoencoder").panel.epochs_box.value() == 7
    assert second.tab("vae").panel.loss_box.currentData() == "kl"
    assert second.tab("deemoji").panel.net_box.currentIndex() == 1
    assert second.tabs.currentIndex() == 3
    assert second.size() == QtCore.QSize(1200, 800)
    with qtbot.waitSignal(second.sig_closed, timeout=30_000):
        second.close()


def test_space_pauses_and_resumes_the_tab_in_front(window, qtbot):
    tab = window.tab("autoencoder")
    window.tabs.setCurrentWidget(tab)
    tab.panel.epochs_box.setValue(100)
    tab.start()
    qtbot.waitUntil(lambda: tab.run.step > 0, timeout=60_000)
    with warnings.catch_warnings():  # deprecated, but Xvfb has no window manager to activate it
        warnings.simplefilter("ignore", DeprecationWarning)
        QtWidgets.QApplication.setActiveWindow(window)
    window.tabs.setFocus()
    qtbot.keyClick(window.tabs, QtCore.Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: tab.state == "paused", timeout=10_000)
    qtbot.keyClick(window.tabs, QtCore.Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: tab.state == "running", timeout=10_000)
    tab.stop()
    qtbot.waitUntil(lambda: tab.state == "stopped", timeout=30_000)
    box = window.show_shortcuts()
    assert "Space" in box.text() and "Ctrl+E" in box.text()
    box.close()


def test_an_unexpected_exception_is_logged_and_shown(window, qtbot, tmp_path):
    log_file = start_logging(tmp_path / "logs" / "latent-lab.log")
    reporter = ErrorReporter(log_file, window)
    try:
        raise RuntimeError("a bug in a slot")
    except RuntimeError as exc:
        reporter.report(type(exc), exc, exc.__traceback__)
    qtbot.waitUntil(lambda: reporter.dialog is not None, timeout=5_000)
    assert "a bug in a slot" in reporter.dialog.text()
    assert str(log_file) in reporter.dialog.text()
    assert "Traceback" in reporter.dialog.detailedText()
    assert "RuntimeError: a bug in a slot" in log_file.read_text()
    reporter.dialog.close()
    assert window.isVisible()


CONTROL_TYPES = (QtWidgets.QAbstractButton, QtWidgets.QAbstractSpinBox, QtWidgets.QComboBox,
                 QtWidgets.QAbstractSlider, QtWidgets.QLineEdit)


def test_every_control_says_what_it_does(window):
    controls = [w for w in window.findChildren(QtWidgets.QWidget)
                if isinstance(w, CONTROL_TYPES) and not isinstance(w, QtWidgets.QScrollBar)
                and not isinstance(w.parent(), CONTROL_TYPES + (QtWidgets.QTabBar, QtWidgets.QMenuBar))]
    assert len(controls) > 60
    silent = [f"{type(w).__name__} {getattr(w, 'text', lambda: '')()!r} in "
              f"{type(w.window()).__name__}/{_tab_of(w)}" for w in controls if not w.toolTip().strip()]
    assert not silent, silent


def _tab_of(widget) -> str:
    while widget is not None and widget.parent() is not None:
        if isinstance(widget.parent(), QtWidgets.QStackedWidget):
            return type(widget).__name__
        widget = widget.parent()
    return "?"


def test_a_settings_file_full_of_garbage_starts_with_defaults_and_clamps(qtbot, tmp_path):
    make_application()
    settings = QtCore.QSettings()
    garbage = {"window/tab": "seven", "window/geometry": "not a geometry",
               "cppn/schema": SCHEMA, "cppn/width": "99999999999999999999999", "cppn/seed": -5,
               "cppn/depth": "nan", "cppn/channels": 17, "cppn/scale": ["a", "b"],
               "cppn/fit_steps": "12abc", "cppn/animation_size": "1e9",
               "autoencoder/schema": "two", "autoencoder/epochs": 5,
               "vae/schema": SCHEMA, "vae/epochs": "1e400", "vae/learning_rate": "-3",
               "vae/points": "maybe", "vae/dataset": 2.5,
               "deemoji/schema": SCHEMA, "deemoji/pictures": 10**12, "deemoji/photo_path": "x" * 5000,
               "deemoji/fresh_emoji": "true"}
    for key, value in garbage.items():
        settings.setValue(key, value)
    settings.sync()
    window = MainWindow()   # not given to qtbot: the test closes it, and it deletes itself
    cppn, vae, deemoji = window.tab("cppn"), window.tab("vae"), window.tab("deemoji")
    assert cppn.network.width_box.value() == 256          # clamped to the box's range
    assert cppn.network.seed_box.value() == 0
    assert cppn.network.depth_box.value() == 4            # unreadable: the default
    assert cppn.network.channels_box.currentIndex() == 0
    assert cppn.playback.size_box.value() == 1024
    assert window.tab("autoencoder").panel.epochs_box.value() == 10   # another schema: ignored
    assert vae.panel.epochs_box.value() == 10 and vae.panel.controls.lr_box.value() == 1e-6
    assert vae.panel.points_box.currentData() == 1_000 and vae.panel.dataset_box.currentIndex() == 0
    assert deemoji.panel.images_box.value() == 50_000 and deemoji.panel.photo_path == ""
    assert deemoji.panel.fresh_box.isChecked()
    assert window.tabs.currentIndex() == 1
    with qtbot.waitSignal(window.sig_closed, timeout=30_000):
        window.close()


def test_a_settings_file_that_is_not_ini_at_all(qtbot):
    make_application()
    path = Path(QtCore.QSettings().fileName())
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(b"\x00\xff[[[broken\n=\n\x89PNG" * 100)
    window = MainWindow()   # not given to qtbot: the test closes it, and it deletes itself
    assert window.tab("autoencoder").panel.epochs_box.value() == 10
    with qtbot.waitSignal(window.sig_closed, timeout=30_000):
        window.close()


@pytest.fixture
def own_logging():
    """Leaves the root logger as it found it (start_logging adds handlers to it)."""
    import logging

    root = logging.getLogger()
    before = list(root.handlers)
    yield
    for handler in [h for h in root.handlers if h not in before]:
        root.removeHandler(handler)
        handler.close()


def test_an_unusable_log_folder_falls_back_to_the_temporary_folder(tmp_path, monkeypatch,
                                                                   own_logging):
    import logging
    import tempfile

    blocked = tmp_path / "file"
    blocked.write_text("a file where the log folder should be")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    path = start_logging(blocked / "logs" / "latent-lab.log")
    assert path == tmp_path / "tmp" / "latent-lab" / "latent-lab.log"
    logging.getLogger("latent_lab").warning("a line that must reach the fallback file")
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "a line that must reach the fallback file" in path.read_text()


def test_no_usable_log_folder_at_all_still_starts(tmp_path, monkeypatch, own_logging):
    import tempfile

    blocked = tmp_path / "file"
    blocked.write_text("neither folder can be made under a file")
    monkeypatch.setattr(tempfile, "tempdir", str(blocked))
    assert start_logging(blocked / "logs" / "latent-lab.log") is None


@pytest.mark.parametrize("after_ms", [300, 2000])
def test_closing_right_after_start_ends_the_app(tmp_path, after_ms):
    """A close that has to wait for a thread (the de-emoji page's first search) hides the window
    at once and must still end the app, without a crash on the way out."""
    probe = Path(__file__).with_name("close_at_start_probe.py")
    result = subprocess.run([sys.executable, str(probe), str(after_ms)], capture_output=True,
                            text=True, timeout=120,
                            env={**os.environ, "XDG_CONFIG_HOME": str(tmp_path),
                                 "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr[-2000:]
    line = result.stdout.strip().splitlines()[-1]
    assert line.startswith("exit=0 ") and float(line.split("after_s=")[1]) < 30


@pytest.mark.parametrize("job", ["mp4 export", "replay", "folder clean", "workspace save",
                                 "fifo dataset"])
def test_closing_during_a_long_job_ends_cleanly_with_nothing_logged(qtbot, tmp_path, caplog,
                                                                    job):
    """The window closed while the job runs: the job stops between frames, steps or photos,
    the window closes, no traceback (nor any warning) reaches the log, no partial file stays."""
    import logging

    from PIL import Image

    from engine.files.resources import resource_path

    make_application()
    window = MainWindow()   # not given to qtbot: the test closes it, and it deletes itself
    window.show()
    qtbot.waitExposed(window)
    out = tmp_path / "out"
    out.mkdir()
    caplog.set_level(logging.WARNING)
    if job == "mp4 export":
        cppn = window.tab("cppn")
        window.tabs.setCurrentWidget(cppn)
        cppn.playback.frames_box.setValue(2000)
        cppn.playback.size_box.setValue(256)
        cppn.export_animation(out / "long.mp4")
        qtbot.waitUntil(lambda: cppn.export.progress.value() > 0, timeout=60_000)
    elif job == "replay":
        ae = window.tab("autoencoder")
        ae.panel.epochs_box.setValue(50)
        window.comparisons.replay_post(ae, "all")
        qtbot.waitUntil(lambda: ae.run is not None and ae.run.step > 0, timeout=60_000)
    elif job == "folder clean":
        photos = tmp_path / "photos"
        photos.mkdir()
        for k, path in enumerate(sorted(resource_path("photos").glob("kodim*.jpg"))[:8]):
            Image.open(path).save(photos / f"p{k}.png")
        folder = window.tab("deemoji").hand.folder
        folder.start(photos, out)
        qtbot.waitUntil(lambda: folder.tasks.busy(), timeout=10_000)
    elif job == "fifo dataset":   # a "file" that never ends: refused, even mid-close
        fifo = tmp_path / "digits.npz"
        os.mkfifo(fifo)
        ae = window.tab("autoencoder")
        ae.panel.set_custom_dataset(str(fifo))
        ae.start()
    else:
        ae = window.tab("autoencoder")
        ae.panel.epochs_box.setValue(1)
        ae.start()
        qtbot.waitUntil(lambda: ae.state == "finished", timeout=90_000)
        window.workspace.save(out / "ws.latentlab")
    with qtbot.waitSignal(window.sig_closed, timeout=60_000):
        window.close()
    logged = [f"{r.levelname} {r.name}: {r.getMessage()}" for r in caplog.records
              if r.levelno >= logging.WARNING or r.exc_info]
    assert logged == []
    left = sorted(p.name for p in out.iterdir())
    if job == "workspace save":
        assert left in ([], ["ws.latentlab"])     # written whole, or not at all
    elif job == "folder clean":
        assert all(name.endswith("-clean.png") for name in left) and len(left) < 8
    else:
        assert left == []


class _DummyTab(QtWidgets.QWidget):
    """A fifth experiment that exists only as a registry entry: it records what the window asks
    of it, and owns one thread that ends when it is asked to stop."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []
        self.level = QtWidgets.QSpinBox(self)
        self.level.setRange(0, 99)
        self.worker = QtCore.QThread(self)
        self.worker.start()

    def toggle_pause(self) -> None:
        self.calls.append("toggle_pause")

    def ask_save(self) -> None:
        self.calls.append("ask_save")

    def ask_export(self) -> None:
        self.calls.append("ask_export")

    def settings_widgets(self) -> dict:
        return {"level": self.level}

    def settings_restored(self) -> None:
        self.calls.append("settings_restored")

    def request_stop(self) -> None:
        self.calls.append("request_stop")
        self.worker.quit()

    def threads(self) -> list:
        return [self.worker]


def test_a_new_experiment_is_one_registry_entry(qtbot):
    from gui.experiments import ExperimentTab, TabEntry

    make_application()
    entries = (*TABS, TabEntry("dummy", "e · Dummy", _DummyTab))
    first = MainWindow(entries)   # not given to qtbot: the test closes it, and it deletes itself
    assert all(isinstance(tab, ExperimentTab) for tab in first.named_tabs().values())
    dummy = first.tab("dummy")
    calls, ended = dummy.calls, []
    dummy.worker.finished.connect(lambda: ended.append(True))   # (runs in that thread)
    assert first.tabs.tabText(4) == "e · Dummy" and first.tabs.widget(4) is dummy
    first.show()
    qtbot.waitExposed(first)
    first.tabs.setCurrentWidget(dummy)
    with warnings.catch_warnings():  # deprecated, but Xvfb has no window manager to activate it
        warnings.simplefilter("ignore", DeprecationWarning)
        QtWidgets.QApplication.setActiveWindow(first)
    first.tabs.setFocus()
    qtbot.keyClick(first.tabs, QtCore.Qt.Key.Key_Space)
    qtbot.keyClick(first.tabs, QtCore.Qt.Key.Key_S, QtCore.Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(first.tabs, QtCore.Qt.Key.Key_E, QtCore.Qt.KeyboardModifier.ControlModifier)
    assert calls == ["toggle_pause", "ask_save", "ask_export"]
    dummy.level.setValue(42)
    assert first.workspace.window_state()["settings"]["dummy"] == {"level": 42}
    with qtbot.waitSignal(first.sig_closed, timeout=10_000):   # only once its thread has ended
        first.close()
    assert calls[-1] == "request_stop" and ended == [True]
    second = MainWindow(entries)
    assert second.tab("dummy").level.value() == 42
    assert second.tab("dummy").calls == ["settings_restored"]
    assert second.tabs.currentWidget() is second.tab("dummy")
    with qtbot.waitSignal(second.sig_closed, timeout=10_000):
        second.close()


def test_a_combo_box_is_kept_by_its_value_not_its_place(qtbot):
    from engine.latent.config import Loss

    make_application()
    old = QtWidgets.QComboBox()
    for text, loss in (("Log loss", Loss.BCE), ("MSE", Loss.MSE), ("KL only", Loss.KL)):
        old.addItem(text, loss)
    old.setCurrentIndex(1)
    values = widget_values({"loss": old})
    assert values == {"loss": "mse"}
    new = QtWidgets.QComboBox()   # a later version lists one more entry, first
    for text, loss in (("KL only", Loss.KL), ("Log loss", Loss.BCE), ("MSE", Loss.MSE)):
        new.addItem(text, loss)
    apply_values({"loss": new}, values)
    assert new.currentData() == Loss.MSE
    apply_values({"loss": new}, {"loss": "hinge"})     # a value the list lacks: left as it is
    assert new.currentData() == Loss.MSE
    apply_values({"loss": new}, {"loss": 0})           # an index, as format-1 workspaces kept it
    assert new.currentData() == Loss.KL
