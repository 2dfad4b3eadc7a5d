"""Runs one slow call (an export, a model save or load) off the GUI thread and reports back."""

from __future__ import annotations

import traceback
from typing import Callable

from PySide6 import QtCore


class BackgroundTask(QtCore.QThread):
    sig_done = QtCore.Signal(object)     # what the call returned
    sig_failed = QtCore.Signal(str)

    def __init__(self, call: Callable[[], object], done_text: str = "", parent=None):
        super().__init__(parent)
        self._call = call
        self.done_text = done_text  # what to tell the user when it succeeds

    def run(self) -> None:
        try:
            self.sig_done.emit(self._call())
        except Exception as exc:  # reaches the user as a message
            traceback.print_exc()
            self.sig_failed.emit(f"{type(exc).__name__}: {exc}")
