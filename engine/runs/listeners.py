"""Who a record tells when it changes: bound methods are held weakly (a view that is gone stops
listening by itself), other callables until they unsubscribe; each listener is called on its own,
so one that raises is logged and skipped and the others still hear of the change."""

from __future__ import annotations

import logging
import weakref
from typing import Callable

log = logging.getLogger("latent_lab")


class Listeners:
    """An ordered set of callables, called with the same arguments by :meth:`notify`."""

    def __init__(self) -> None:
        self._refs: list = []   # weakref.WeakMethod for bound methods, else the callable itself

    @staticmethod
    def _reference(listener: Callable):
        bound = hasattr(listener, "__self__") and hasattr(listener, "__func__")
        return weakref.WeakMethod(listener) if bound else listener

    @staticmethod
    def _target(ref) -> Callable | None:
        return ref() if isinstance(ref, weakref.WeakMethod) else ref

    def _alive(self) -> list[Callable]:
        """The listeners still there, in order (dropping those whose object has gone)."""
        self._refs = [ref for ref in self._refs if self._target(ref) is not None]
        return [self._target(ref) for ref in self._refs]

    def add(self, listener: Callable) -> None:
        if listener not in self._alive():
            self._refs.append(self._reference(listener))

    def remove(self, listener: Callable) -> None:
        self._refs = [ref for ref in self._refs if self._target(ref) not in (None, listener)]

    def __len__(self) -> int:
        return len(self._alive())

    def notify(self, *args) -> None:
        for listener in self._alive():
            try:
                listener(*args)
            except Exception:
                log.exception("a listener (%s) failed and was skipped",
                              getattr(listener, "__qualname__", type(listener).__name__))
