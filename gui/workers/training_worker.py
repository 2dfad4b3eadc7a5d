"""Runs one training run in a QThread and applies its updates to the run's record in the GUI thread.

``make_trainer(control)`` builds the trainer inside the thread (reading data and building models
touch TensorFlow and may be slow; they call ``control.raise_if_stopped()`` between parts), then
:func:`engine.runs.loop.run_loop` trains it. Each update is emitted to :meth:`_apply`, a slot of
this QThread object, which lives in the GUI thread: Qt queues the call there, so the
:class:`~engine.runs.run.Run` only ever changes in the GUI thread and its subscribers (the tab's
views) are called there too. A lambda or free function would run in the worker thread instead
(docs/architecture.md, "threads"). When the run ends the trainer is released in its thread.
"""

from __future__ import annotations

import logging
from typing import Callable

from PySide6 import QtCore

from engine.runs.control import RunControl, RunStopped
from engine.runs.loop import run_loop
from engine.runs.run import Run
from engine.runs.update import RunState
from gui.workers.owned_thread import OwnedThread


def describe_error(exc: BaseException) -> str:
    """``Type: message``, never an empty message (a bare MemoryError says nothing)."""
    text = str(exc).strip()
    if isinstance(exc, MemoryError):
        text = text or "not enough memory; try fewer pictures or a smaller model"
    return f"{type(exc).__name__}: {text}" if text else f"{type(exc).__name__} (no message)"


class TrainingWorker(OwnedThread):
    """One run's thread. Its ``run`` record is what the tab shows; ``control`` stops, pauses and
    retunes it."""

    sig_update = QtCore.Signal(object)     # RunUpdate, emitted in the worker thread
    sig_failed = QtCore.Signal(str)        # a message a user can read, likewise

    def __init__(self, run: Run, make_trainer: Callable[[RunControl], object],
                 owner: QtCore.QObject | None = None, **loop_options):
        super().__init__(owner)
        self.record = run
        self.control = RunControl()
        self._make_trainer = make_trainer
        self._loop_options = loop_options
        self.sig_update.connect(self._apply)
        self.sig_failed.connect(self._fail)
        self.finished.connect(self._let_go)

    def run(self) -> None:  # runs in the worker thread
        trainer = None
        try:
            trainer = self._make_trainer(self.control)
            for update in run_loop(trainer, self.control, **self._loop_options):
                if update.done:  # released first: a run started at once can reuse the trainer
                    trainer = self._release(trainer)
                self.sig_update.emit(update)
        except RunStopped:
            self.sig_failed.emit("")
        except (ValueError, OSError) as exc:  # bad input (a dataset, a file): the message says it
            logging.getLogger("latent_lab").info("training could not run: %s", exc)
            self.sig_failed.emit(describe_error(exc))
        except Exception as exc:  # a fault of ours: the user gets the message, the log the trace
            logging.getLogger("latent_lab").exception("training failed")
            self.sig_failed.emit(describe_error(exc))
        finally:
            self._release(trainer)

    @QtCore.Slot()
    def request_stop(self) -> None:
        self.control.stop()

    @staticmethod
    def _release(trainer) -> None:
        release = getattr(trainer, "release", None)
        if release is not None:
            release()

    @QtCore.Slot(object)
    def _apply(self, update) -> None:  # runs in the GUI thread
        if self.record is not None:
            self.record.apply(update)

    @QtCore.Slot()
    def _let_go(self) -> None:  # runs in the GUI thread, after the last update was applied
        """Drop the run and the trainer's recipe: Qt deletes this object only when its event
        loop next gets to it, and until then it must not keep a run's records alive."""
        self.record = None
        self._make_trainer = None

    @QtCore.Slot(str)
    def _fail(self, message: str) -> None:  # runs in the GUI thread
        if self.record is None:
            return
        if message:
            self.record.mark(RunState.FAILED, message)
        else:
            self.record.mark(RunState.STOPPED, "stopped before training began")
