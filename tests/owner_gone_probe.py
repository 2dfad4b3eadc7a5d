"""Starts worker threads owned by a widget, then lets the widget go (deleted, or its wrapper
collected) while the calls still run. Prints how the threads ended; Qt would abort the process
if a running QThread were destroyed with its owner."""

import functools
import gc
import sys
import time

from PySide6 import QtCore, QtWidgets  # noqa: E402

from gui.workers.background_task import BackgroundTask  # noqa: E402
from gui.workers.latest_request_worker import LatestRequestWorker  # noqa: E402

app = QtWidgets.QApplication([])
ended = []


def slow(stopping):
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and not stopping():
        time.sleep(0.01)
    ended.append(time.monotonic())
    return "done"


owner = QtWidgets.QWidget()
worker = LatestRequestWorker(owner)
worker.start()
worker.request("slow", functools.partial(slow, worker.stopping))
task = BackgroundTask(lambda progress, cancelled: slow(cancelled), owner=owner, with_progress=True)
task.start()
time.sleep(0.2)
started = time.monotonic()
if sys.argv[1:] == ["collect"]:
    del owner
    gc.collect()
else:
    owner.deleteLater()
    QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
del worker, task
gc.collect()
while len(ended) < 2 and time.monotonic() - started < 10:
    app.processEvents()
    time.sleep(0.01)
print(f"ended={len(ended)} after_s={max(ended) - started:.2f}")
