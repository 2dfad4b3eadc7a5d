"""Runs one slow call (an export, a model save or load) off the GUI thread and reports back.

A call that takes ``progress`` and ``cancelled`` keyword arguments (``with_progress=True``) can
report how far it got, with a note (``progress(fraction, note="")`` → ``sig_progress``), and
notice :meth:`cancel`.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable

from PySide6 import QtCore

from gui.workers.owned_thread import OwnedThread


class BackgroundTask(OwnedThread):
    sig_done = QtCore.Signal(object)     # what the call returned
    sig_failed = QtCore.Signal(str)
    sig_progress = QtCore.Signal(float, str)  # fraction done 0..1, a note ("3 s left")

    def __init__(self, call: Callable[..., object], done_text: str = "",
                 owner: QtCore.QObject | None = None, with_progress: bool = False):
        super().__init__(owner)
        self._call = call
        self._with_progress = with_progress
        self._cancel = threading.Event()
        self.done_text = done_text  # what to tell the user when it succeeds

    @QtCore.Slot()
    def cancel(self) -> None:
        self._cancel.set()

    request_stop = cancel

    def _progress(self, fraction: float, note: str = "") -> None:
        self.sig_progress.emit(fraction, note)

    def run(self) -> None:
        try:
            if self._with_progress:
                result = self._call(progress=self._progress, cancelled=self._cancel.is_set)
            else:
                result = self._call()
            self.sig_done.emit(result)
        except Exception as exc:  # reaches the user as a message
            if not self._cancel.is_set():
                logging.getLogger("latent_lab").exception("a background task failed")
            self.sig_failed.emit(f"{type(exc).__name__}: {exc}" if not self._cancel.is_set()
                                 else "Cancelled; nothing was written.")


class BackgroundTasks(QtCore.QObject):
    """The slow calls one tab has running: starts them, says how each ended, and cancels or waits
    for the lot when the tab closes. Its signals arrive in the GUI thread."""

    sig_done = QtCore.Signal(str)          # the finished task's done_text
    sig_failed = QtCore.Signal(str)
    sig_progress = QtCore.Signal(float, str)
    sig_started = QtCore.Signal()
    sig_busy_changed = QtCore.Signal(bool)  # True when the first starts, False when none is left

    def __init__(self, parent: QtCore.QObject):
        super().__init__(parent)
        self._running: set[BackgroundTask] = set()

    def start(self, call: Callable[..., object], done_text: str, with_progress: bool = False,
              on_done: Callable[[object], None] | None = None) -> BackgroundTask:
        """Run ``call`` in a thread; ``on_done(result)`` is then called in the GUI thread (a
        function connected to the task's own signal would run in the task's thread)."""
        task = BackgroundTask(call, done_text, self.parent(), with_progress=with_progress)
        task.on_done = on_done
        self._running.add(task)
        task.sig_done.connect(self._on_done)
        task.sig_failed.connect(self.sig_failed)
        task.sig_progress.connect(self.sig_progress)
        task.finished.connect(self._on_finished)
        self.sig_started.emit()
        if len(self._running) == 1:
            self.sig_busy_changed.emit(True)
        task.start()
        return task

    def busy(self) -> bool:
        return bool(self._running)

    def cancel_all(self) -> None:
        for task in list(self._running):
            task.cancel()

    def threads(self) -> list[QtCore.QThread]:
        return list(self._running)

    @QtCore.Slot(object)
    def _on_done(self, result) -> None:
        task = self.sender()
        if task.on_done is not None:
            task.on_done(result)
        self.sig_done.emit(task.done_text)

    @QtCore.Slot()
    def _on_finished(self) -> None:
        self._running.discard(self.sender())
        if not self._running:
            self.sig_busy_changed.emit(False)
