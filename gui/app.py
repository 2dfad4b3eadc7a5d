"""Creating the QApplication, and the ways the program starts: window or ``--self-test``."""

from __future__ import annotations

import argparse
import os
import sys

import pyqtgraph as pg
from pyqtgraph.util.garbage_collector import GarbageCollector
from PySide6 import QtCore, QtGui, QtWidgets

from engine.about import APP_NAME, VERSION
from engine.files.resources import resource_path


def prepare_qt() -> None:
    """Settings Qt reads only before the QApplication exists: GL views share one context
    family, so pyqtgraph's cached shader programs stay valid in every window."""
    QtCore.QCoreApplication.setAttribute(QtCore.Qt.ApplicationAttribute.AA_ShareOpenGLContexts)


def make_application(argv: list[str] | None = None) -> QtWidgets.QApplication:
    app = QtWidgets.QApplication.instance()
    if app is None:
        prepare_qt()
        app = QtWidgets.QApplication([sys.argv[0], *(argv or [])])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("Latent Lab")
    app.setApplicationVersion(VERSION)
    app.setWindowIcon(QtGui.QIcon(str(resource_path("icon.png"))))
    app.setDesktopFileName("latent-lab")
    pg.setConfigOptions(antialias=False, imageAxisOrder="row-major")  # AA lines cost ~5x to paint
    if not hasattr(app, "garbage_collector"):
        # Python's cycle collector runs in whichever thread allocates when its threshold is
        # reached; in a training thread it would destroy Qt objects of closed windows there and
        # deadlock with the GUI thread (seen in the tests). Collect in the GUI thread only.
        app.garbage_collector = GarbageCollector(interval=1.0)
    return app


def delete_top_level_widgets() -> None:
    """Delete the windows still there before the QApplication goes (a window whose close waits
    on a thread, one a test left): Qt crashes destroying the 3-D scatter's window container from
    QApplication's destructor."""
    for widget in QtWidgets.QApplication.topLevelWidgets():
        widget.deleteLater()
    QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)


def missing_display() -> str | None:
    """Why no window can open here (Linux without X11 or Wayland), or None. Qt itself would
    abort with advice to reinstall a plugin."""
    if not sys.platform.startswith("linux"):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith(("xcb", "wayland")):
        return None  # offscreen, vnc, eglfs...: Qt's own business
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return ("no display: neither DISPLAY nor WAYLAND_DISPLAY is set (on a machine without a "
            "screen, run under xvfb-run)")


def run_app(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="main.py", description=APP_NAME)
    parser.add_argument("--self-test", action="store_true",
                        help="train one step of each model, draw one GL frame, exit")
    parser.add_argument("workspace", nargs="?", help="a .latentlab workspace file to open")
    args, qt_args = parser.parse_known_args(argv)
    problem = missing_display()
    if problem is not None:
        line = f"self-test: FAILED: {problem}" if args.self_test else f"Latent Lab: {problem}"
        if sys.stderr is not None:
            print(line, file=sys.stderr)
        return 1
    app = make_application(qt_args)
    if args.self_test:
        from gui.self_test import run_self_test

        return run_self_test()
    from gui.error_report import ErrorReporter, start_logging
    from gui.main_window import MainWindow

    log_file = start_logging()
    window = MainWindow()
    ErrorReporter(log_file, window).install()
    # a close that waited for threads ends on a hidden window, which Qt does not count as the
    # last window closing: quit when the window says it has closed
    window.sig_closed.connect(QtWidgets.QApplication.quit)
    window.show()
    if args.workspace:
        window.open_workspace(args.workspace)
    code = app.exec()
    delete_top_level_widgets()
    return code
