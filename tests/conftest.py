"""Test set-up: a virtual X display with real GL (never ``offscreen``), TensorFlow loaded the
GL-safe way before Qt, and a guard that fails any test leaving a QThread running."""

from __future__ import annotations

import time
import weakref

import pytest

import engine.tf_runtime  # noqa: F401  (before any Qt import: see engine/tf_runtime.py)


def pytest_configure(config) -> None:
    from gui.virtual_display import start_virtual_display

    try:
        start_virtual_display()
    except RuntimeError as exc:
        pytest.exit(str(exc), returncode=3)
    from gui.app import prepare_qt

    prepare_qt()  # before pytest-qt creates the QApplication


def pytest_sessionfinish(session, exitstatus) -> None:
    """Windows a test left (a close still waiting on a thread) go before the QApplication."""
    from PySide6 import QtWidgets

    if QtWidgets.QApplication.instance() is not None:
        from gui.app import delete_top_level_widgets

        delete_top_level_widgets()


@pytest.fixture(autouse=True)
def private_settings(tmp_path_factory):
    """Each test reads and writes its own empty QSettings, never the user's, in which the window
    does not ask about unsaved runs when it closes (as after "Don't ask again"; the test of the
    question turns it back on)."""
    from PySide6 import QtCore

    ini = QtCore.QSettings.Format.IniFormat
    QtCore.QSettings.setDefaultFormat(ini)
    folder = tmp_path_factory.mktemp("settings")   # not in tmp_path: tests check what is there
    QtCore.QSettings.setPath(ini, QtCore.QSettings.Scope.UserScope, str(folder))
    QtCore.QSettings(ini, QtCore.QSettings.Scope.UserScope, "Latent Lab", "Latent Lab").setValue(
        "window/ask_to_save", False)
    yield


@pytest.fixture
def shown(qtbot):
    """``shown(make, size=None)``: the widget ``make()`` builds (after the QApplication), on
    screen at ``size`` (width, height); qtbot closes it after the test."""
    from gui.app import make_application

    def show(make, size=None):
        make_application()
        widget = make()
        qtbot.addWidget(widget)
        if size is not None:
            widget.resize(*size)
        widget.show()
        qtbot.waitExposed(widget)
        return widget
    return show


@pytest.fixture
def window(qtbot):
    """The main window on screen, closed after the test as its user closes it (it deletes itself
    once every thread of it has ended), unless the test closed it already."""
    import shiboken6

    from gui.app import make_application
    from gui.main_window import MainWindow

    make_application()
    widget = MainWindow()
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    if shiboken6.isValid(widget):
        with qtbot.waitSignal(widget.sig_closed, timeout=60_000):
            widget.close()


THREAD_GRACE_S = 15  # a closed window's threads end within one step, band or save


@pytest.fixture(autouse=True)
def no_thread_left_running(request):
    """Fails a test that leaves one of its QThreads running (as napari's leak fixtures do), once
    they have had :data:`THREAD_GRACE_S` to end."""
    if "qtbot" not in request.fixturenames:
        yield
        return
    from PySide6 import QtCore

    started: list[weakref.ref] = []
    original = QtCore.QThread.start

    def recording_start(self, *args):
        started.append(weakref.ref(self))
        return original(self, *args)

    QtCore.QThread.start = recording_start
    try:
        yield
    finally:
        QtCore.QThread.start = original

    def running() -> list[str]:
        names = []
        for ref in started:
            thread = ref()
            try:
                if thread is not None and thread.isRunning():
                    names.append(type(thread).__name__)
            except RuntimeError:  # the C++ object is gone: not running
                pass
        return names

    deadline = time.monotonic() + THREAD_GRACE_S
    while running() and time.monotonic() < deadline:
        QtCore.QCoreApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.02)
    assert not running(), f"QThreads still running {THREAD_GRACE_S} s after the test: {running()}"


@pytest.fixture(scope="session")
def mnist():
    from engine.latent.datasets import load_bundled

    return load_bundled("mnist")


@pytest.fixture
def picture_folder(tmp_path):
    """A folder of colour pictures in three class subfolders (discs, squares, stripes; 40 each,
    PNG, JPEG and WebP of different sizes), a broken PNG and a text file beside them."""
    import numpy as np
    from PIL import Image, ImageDraw

    root = tmp_path / "shapes"
    rng = np.random.default_rng(0)
    for name, draw_shape in (("discs", "ellipse"), ("squares", "rectangle"), ("stripes", "lines")):
        (root / name).mkdir(parents=True)
        for k in range(40):
            side = int(rng.integers(40, 200))
            colour = tuple(int(v) for v in rng.integers(60, 256, 3))
            img = Image.new("RGB", (side, side + 10 * (k % 3)), (0, 0, 0))
            pen = ImageDraw.Draw(img)
            box = (side // 5, side // 5, side * 4 // 5, side * 4 // 5)
            if draw_shape == "lines":
                for x in range(0, side, max(side // 6, 1)):
                    pen.line((x, 0, x, img.height), fill=colour, width=max(side // 14, 1))
            else:
                getattr(pen, draw_shape)(box, fill=colour)
            suffix = ("png", "jpg", "webp")[k % 3]
            img.save(root / name / f"{name}-{k:02d}.{suffix}")
    (root / "squares" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    (root / "discs" / "notes.txt").write_text("not a picture")
    return root


@pytest.fixture
def cifar_cache(tmp_path):
    """A home folder whose Keras cache holds CIFAR-10 in its layout (pickled batches of 32 x 32
    RGB with labels), 60 pictures a batch: each class a colour of its own."""
    import pickle

    import numpy as np

    home = tmp_path / "home"
    folder = home / ".keras" / "datasets" / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(3)
    for name in [f"data_batch_{k}" for k in range(1, 6)] + ["test_batch"]:
        labels = rng.integers(0, 10, 60)
        hues = np.stack([labels * 25, 250 - labels * 25, (labels * 70) % 256], axis=1)
        pictures = np.broadcast_to(hues[:, :, None], (60, 3, 1024)) + rng.integers(0, 5, (60, 3, 1024))
        record = {b"data": pictures.reshape(60, 3072).astype(np.uint8),
                  b"labels": labels.tolist(), b"batch_label": name.encode()}
        (folder / name).write_bytes(pickle.dumps(record, protocol=2))
    return home
