"""Creating the QApplication, and the ways the program starts: window or ``--self-test``."""

from __future__ import annotations

import argparse
import sys

import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from engine.files.resources import resource_path

APP_NAME = "Latent Lab"
VERSION = "0.1.0"


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
    return app


def run_app(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="main.py", description=APP_NAME)
    parser.add_argument("--self-test", action="store_true",
                        help="train one step of each model, draw one GL frame, exit")
    args, qt_args = parser.parse_known_args(argv)
    app = make_application(qt_args)
    if args.self_test:
        from gui.self_test import run_self_test

        return run_self_test()
    from gui.error_report import ErrorReporter, start_logging
    from gui.main_window import MainWindow

    log_file = start_logging()
    window = MainWindow()
    ErrorReporter(log_file, window).install()
    window.show()
    return app.exec()
