"""Helpers shared by the bench scripts: private settings, closing a window, the time of a widget's
next paint, the machine's matmul rate now, the spread of figures measured several times, and the
closing RESULT line."""

from __future__ import annotations

import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def private_settings() -> None:
    """Point QSettings at a fresh temporary folder, so a bench neither reads the user's
    remembered settings nor leaves its own behind, and closes without asking about unsaved runs
    (call before the window is made)."""
    import tempfile

    from PySide6 import QtCore

    folder = tempfile.mkdtemp(prefix="latent-lab-bench-settings-")
    ini = QtCore.QSettings.Format.IniFormat
    QtCore.QSettings.setDefaultFormat(ini)
    QtCore.QSettings.setPath(ini, QtCore.QSettings.Scope.UserScope, folder)
    QtCore.QSettings(ini, QtCore.QSettings.Scope.UserScope, "Latent Lab", "Latent Lab").setValue(
        "window/ask_to_save", False)


def close_window(window, timeout_s: float = 60.0) -> None:
    """Close a main window and wait until every thread of it has ended (the window hides at
    once and closes for real after them; leaving earlier would destroy running threads)."""
    from PySide6 import QtCore

    closed = []
    window.sig_closed.connect(lambda: closed.append(1))
    window.close()
    end = time.monotonic() + timeout_s
    while not closed and time.monotonic() < end:
        loop = QtCore.QEventLoop()
        QtCore.QTimer.singleShot(20, loop.quit)
        loop.exec()
    import gc

    from PySide6 import QtWidgets

    if any(w.isVisible() for w in QtWidgets.QApplication.topLevelWidgets()):
        return   # another window is open: its threads run on
    left = [t for t in gc.get_objects() if isinstance(t, QtCore.QThread) and t.isRunning()]
    if left:
        print("threads still running after the window closed: "
              + ", ".join(type(t).__name__ for t in left), flush=True)


def paint_watch(widget):
    """An object whose ``arm()`` starts waiting and whose ``painted_at`` is then the time of the
    widget's next paint (its viewport's, for a graphics view): timings end at pixels painted, not
    at the signal before the paint. Make it after the QApplication."""
    from PySide6 import QtCore

    class PaintWatch(QtCore.QObject):
        def __init__(self):
            super().__init__()
            self.armed = False
            self.painted_at: float | None = None

        def arm(self) -> None:
            self.armed, self.painted_at = True, None

        def eventFilter(self, watched, event):  # noqa: N802 (Qt name)
            if self.armed and event.type() == QtCore.QEvent.Type.Paint:
                self.armed, self.painted_at = False, time.perf_counter()
            return False

    watch = PaintWatch()
    target = widget.viewport() if hasattr(widget, "viewport") else widget
    target.installEventFilter(watch)
    return watch


def resident_mb() -> float:
    """This process's resident memory now, in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def mean_sd_range(values, digits: int = 2) -> str:
    """Mean ± standard deviation (min–max) of values measured several times (seeds, groups)."""
    import numpy as np

    v = np.asarray(values, float)
    d = digits
    return f"{v.mean():.{d}f} ± {v.std():.{d}f} ({v.min():.{d}f}–{v.max():.{d}f})"


def print_result(values: dict) -> None:
    """Print the machine-readable last line every bench script ends with (NaN as null)."""
    def plain(value):
        if isinstance(value, float) and value != value:
            return None
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    print("RESULT " + json.dumps(plain(values), sort_keys=True), flush=True)


def sgemm_gflops(n: int = 1024, repeats: int = 40) -> float:
    """This machine's float32 matrix-multiply rate now, in GFLOP/s (it varies from run to run:
    measure it in the run that uses it)."""
    from engine.tf_runtime import tf

    a = tf.random.normal([n, n])
    matmul = tf.function(lambda m: m @ m)
    matmul(a).numpy()
    start = time.perf_counter()
    for _ in range(repeats):
        matmul(a).numpy()
    return repeats * 2 * n ** 3 / (time.perf_counter() - start) / 1e9
