"""Runs the app as ``main.py`` does and closes its window ``argv[1]`` ms after start (while the
de-emoji page's first search is still running); prints how the app ended."""

import sys
import time

from PySide6 import QtCore, QtWidgets  # noqa: E402

import engine.tf_runtime  # noqa: E402,F401  (before Qt, as main.py does)
from gui.app import make_application, prepare_qt, run_app  # noqa: E402

prepare_qt()
app = make_application()


def close_the_window() -> None:
    for widget in QtWidgets.QApplication.topLevelWidgets():
        if widget.isVisible():
            widget.close()


QtCore.QTimer.singleShot(int(sys.argv[1]), close_the_window)
start = time.monotonic()
code = run_app([])
print(f"exit={code} after_s={time.monotonic() - start:.2f}", flush=True)
