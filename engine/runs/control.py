"""A thread-safe token the GUI or the terminal uses to stop, pause, resume or retune a run."""

from __future__ import annotations

import threading

from engine.validation import check_float

MAX_LEARNING_RATE = 1_000.0  # high enough to show divergence on purpose; above it is a typo


class RunStopped(Exception):
    """Raised by slow preparation (reading data, building a model) when a stop was asked for."""


def check_learning_rate(value: float, name: str = "learning rate") -> float:
    """``value`` if it is a usable learning rate, else a ValueError saying the allowed range."""
    return check_float(name, value, 0.0, MAX_LEARNING_RATE, lo_open=True)


class RunControl:
    """Set from any thread; read by the run loop between steps and by
    data loading between chunks (:meth:`raise_if_stopped`), which reports how far it got
    (:meth:`report_loading`, read as :attr:`loading` by whoever shows it)."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._lock = threading.Lock()
        self._learning_rate: float | None = None
        self._weights_wanted = False
        self.loading: tuple[int, int] | None = None   # (done, total) pictures read so far

    def stop(self) -> None:
        self._stop.set()
        self._running.set()  # a paused loop wakes up to see the stop

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def report_loading(self, done: int, total: int) -> None:
        self.loading = (done, total)

    def raise_if_stopped(self) -> None:
        if self._stop.is_set():
            raise RunStopped("stopped while preparing the run")

    def wait_until_resumed(self) -> None:
        """Block while paused (a stop also ends the wait)."""
        while not self._running.wait(0.1):
            pass

    def set_learning_rate(self, value: float) -> None:
        value = check_learning_rate(value)
        with self._lock:
            self._learning_rate = value

    def take_learning_rate(self) -> float | None:
        """The learning rate asked for since the last call, if any."""
        with self._lock:
            value, self._learning_rate = self._learning_rate, None
        return value

    def request_weights(self) -> None:
        """Ask the loop for a snapshot carrying the weights of the next step boundary (a save
        during training then writes one consistent step)."""
        with self._lock:
            self._weights_wanted = True

    def take_weights_request(self) -> bool:
        with self._lock:
            wanted, self._weights_wanted = self._weights_wanted, False
        return wanted
