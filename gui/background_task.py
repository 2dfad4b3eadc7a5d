"""Runs one slow call (an export, a model save or load) off the GUI thread and reports back.

A call that takes ``progress`` and ``cancelled`` keyword arguments (``with_progress=True``) can
report how far it got (``sig_progress``) and notice :meth:`cancel`.
"""

from __future__ import annotations

import threading
import logging
from typing import Callable

from PySide6 import QtCore


class BackgroundTask(QtCore.QThread):
    sig_done = QtCore.Signal(object)     # what the call returned
    sig_failed = QtCore.Signal(str)
    sig_progress = QtCore.Signal(float)  # fraction done, 0..1

    def __init__(self, call: Callable[..., object], done_text: str = "", parent=None,
                 with_progress: bool = False):
        super().__init__(parent)
        self._call = call
        self._with_progress = with_progress
        self._cancel = threading.Event()
        self.done_text = done_text  # what to tell the user when it succeeds

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        try:
            if self._with_progress:
                result = self._call(progress=self.sig_progress.emit, cancelled=self._cancel.is_set)
            else:
                result = self._call()
            self.sig_done.emit(result)
        except Exception as exc:  # reaches the user as a message
            if not self._cancel.is_set():
                logging.getLogger("latent_lab").exception("a background task failed")
            self.sig_failed.emit(f"{type(exc).__name__}: {exc}" if not self._cancel.is_set()
                                 else "Cancelled; nothing was written.")
