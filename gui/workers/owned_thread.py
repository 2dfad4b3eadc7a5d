"""A QThread that nothing can destroy while it runs.

Qt aborts the whole process ("QThread: Destroyed while thread is still running") when a running
QThread is deleted: as a child of a window that is deleted, or whose Python wrapper is collected,
before its close finished stopping the threads. An :class:`OwnedThread` is therefore nobody's Qt
child. A module-level set holds it from :meth:`start` until it has finished (let go in the GUI
thread, after ``wait``); its owner's ``destroyed`` signal asks it to stop; and at interpreter
exit the threads still running are asked to stop and waited for.
"""

from __future__ import annotations

import atexit

from PySide6 import QtCore

EXIT_WAIT_MS = 10_000

_running: set["OwnedThread"] = set()


class OwnedThread(QtCore.QThread):
    """Base of the app's worker threads: ``owner`` is the object whose end stops the thread
    (a tab, a window); subclasses say how to stop in :meth:`request_stop` (non-blocking)."""

    def __init__(self, owner: QtCore.QObject | None = None):
        super().__init__()
        if owner is not None:
            owner.destroyed.connect(self.request_stop)
        self.finished.connect(self._forget)

    def request_stop(self) -> None:
        raise NotImplementedError

    def start(self, *args) -> None:
        _running.add(self)
        super().start(*args)

    @QtCore.Slot()
    def _forget(self) -> None:  # runs in the GUI thread (this object lives there)
        self.wait()             # ``finished`` comes just before the thread really ends
        _running.discard(self)


@atexit.register
def _stop_all() -> None:
    for thread in list(_running):
        thread.request_stop()
    for thread in list(_running):
        thread.wait(EXIT_WAIT_MS)
