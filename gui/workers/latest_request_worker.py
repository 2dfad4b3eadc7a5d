"""Runs short engine calls (decode a code, render a canvas) in a thread of its own, so the GUI
thread never waits on TensorFlow.

Requests are keyed by a tag ("slider", "preview", "full"...): a newer request for a tag replaces
an older one still waiting (latest wins, never queued), and waiting requests run lowest
``priority`` first, so a quick preview of the newest state goes before a slow full render. A
long call (a big render) polls :meth:`stopping` between its parts, so closing the window never
waits for it to finish.
"""

from __future__ import annotations

import threading
from typing import Callable

from PySide6 import QtCore

from gui.workers.owned_thread import OwnedThread


class LatestRequestWorker(OwnedThread):
    sig_done = QtCore.Signal(str, object)    # tag, what the call returned
    sig_failed = QtCore.Signal(str, str)     # tag, a message a user can read

    def __init__(self, owner: QtCore.QObject | None = None):
        super().__init__(owner)
        self._cond = threading.Condition()
        self._pending: dict[str, tuple[int, Callable[[], object]]] = {}
        self._stopping = False
        self.busy = False

    def request(self, tag: str, call: Callable[[], object], priority: int = 0) -> None:
        with self._cond:
            self._pending[tag] = (priority, call)
            self._cond.notify()

    def stopping(self) -> bool:
        """True once the worker has been asked to stop: a running call should return soon."""
        with self._cond:
            return self._stopping

    def cancel(self, tag: str | None = None) -> None:
        """Drop waiting requests (one tag, or all); a call already running still reports."""
        with self._cond:
            if tag is None:
                self._pending.clear()
            else:
                self._pending.pop(tag, None)

    def is_idle(self) -> bool:
        with self._cond:
            return not self._pending and not self.busy

    def run(self) -> None:  # runs in the worker thread
        while True:
            with self._cond:
                while not self._pending and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                tag = min(self._pending, key=lambda t: self._pending[t][0])
                _, call = self._pending.pop(tag)
                self.busy = True
            try:
                result = call()
            except Exception as exc:  # shown to the user; the worker keeps going
                self.sig_failed.emit(tag, f"{type(exc).__name__}: {exc}")
            else:
                self.sig_done.emit(tag, result)
            finally:
                with self._cond:
                    self.busy = False

    @QtCore.Slot()
    def request_stop(self) -> None:
        """Drop waiting requests and end the thread after the call under way (non-blocking)."""
        with self._cond:
            self._stopping = True
            self._pending.clear()
            self._cond.notify()
