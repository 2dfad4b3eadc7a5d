"""The log file, and what happens on an unexpected exception: it is logged with its traceback and
a dialog says what happened and where the log is, instead of a silent exit.

Exceptions from any thread are caught (``sys.excepthook`` and ``threading.excepthook``) and
shown by the GUI thread through a queued signal. Windowed frozen apps have no stdout/stderr,
so the log file is the only place messages go there.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import tempfile
import threading
import traceback
from pathlib import Path

from PySide6 import QtCore, QtWidgets

log = logging.getLogger("latent_lab")


def log_path() -> Path:
    folder = QtCore.QStandardPaths.writableLocation(
        QtCore.QStandardPaths.StandardLocation.AppDataLocation)
    return Path(folder or Path.home() / ".latent-lab") / "latent-lab.log"


def _file_handler(path: Path) -> logging.Handler | None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=2,
                                                    encoding="utf-8")
    except OSError:
        return None


def start_logging(path: Path | None = None) -> Path | None:
    """Log to a rotating file (and to stderr when there is one); returns the file's path. If
    neither the usual folder nor the temporary folder can hold a log, the app logs to stderr
    only (or nowhere, windowed) and returns None: logging never stops the app from starting."""
    path = path or log_path()
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "latent_lab", False)]:
        root.removeHandler(handler)
        handler.close()
    handlers = []
    for candidate in (path, Path(tempfile.gettempdir()) / "latent-lab" / path.name):
        handler = _file_handler(candidate)
        if handler is not None:
            handlers.append(handler)
            path = candidate
            break
    else:
        path = None
    if sys.stderr is not None:
        handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        handler.latent_lab = True
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


class ErrorReporter(QtCore.QObject):
    """Catches unexpected exceptions, logs them, and shows a dialog in the GUI thread."""

    sig_report = QtCore.Signal(str, str)   # summary, traceback

    def __init__(self, log_file: Path | None, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.log_file = log_file
        self.dialog: QtWidgets.QMessageBox | None = None
        self.sig_report.connect(self._show, QtCore.Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        sys.excepthook = self._excepthook
        threading.excepthook = lambda args: self.report(args.exc_type, args.exc_value,
                                                        args.exc_traceback)

    def _excepthook(self, exc_type, exc, tb) -> None:
        self.report(exc_type, exc, tb)

    def report(self, exc_type, exc, tb) -> None:
        """Log an exception and queue its dialog (safe from any thread)."""
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("unexpected error\n%s", text)
        self.sig_report.emit(f"{exc_type.__name__}: {exc}", text)

    @QtCore.Slot(str, str)
    def _show(self, summary: str, details: str) -> None:
        box = QtWidgets.QMessageBox(self.parent())
        box.setIcon(QtWidgets.QMessageBox.Icon.Critical)
        box.setWindowTitle("Something went wrong")
        where = (f"The details are in the log:\n{self.log_file}" if self.log_file else
                 "No log file could be written; the details are below.")
        box.setText(f"{summary}\n\nLatent Lab keeps running; what you were doing may not have "
                    f"finished. {where}")
        box.setDetailedText(details)
        box.open()  # not modal-blocking: training and other tabs go on
        self.dialog = box
