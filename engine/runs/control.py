"""A thread-safe token the GUI uses to stop, pause, resume or retune a training run."""

from __future__ import annotations

import threading

MAX_LEARNING_RATE = 1_000.0  # high enough to show divergence on purpose; above it is a typo


def check_learning_rate(value: float, name: str = "learning rate") -> float:
    """``value`` if it is a usable learning rate, else a ValueError saying the allowed range."""
    if not 0.0 < value <= MAX_LEARNING_RATE:
        raise ValueError(f"{name} must be in (0, {MAX_LEARNING_RATE:g}], not {value}")
    return float(value)


class RunControl:
    """Set from any thread; read by the training loop between steps (each step is a checkpoint)."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._lock = threading.Lock()
        self._learning_rate: float | None = None

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

    def wait_while_paused(self, timeout: float = 0.1) -> bool:
        """Block while paused, up to ``timeout`` seconds; True once running (or stopping)."""
        return self._running.wait(timeout)

    def checkpoint(self) -> tuple[bool, float | None]:
        """Between two training steps: block while paused, then return (stop requested?,
        the learning rate asked for since the last checkpoint, if any)."""
        while not self.wait_while_paused():
            pass
        return self.stop_requested, self.take_learning_rate()

    def set_learning_rate(self, value: float) -> None:
        value = check_learning_rate(value)
        with self._lock:
            self._learning_rate = value

    def take_learning_rate(self) -> float | None:
        """The learning rate asked for since the last call, if any."""
        with self._lock:
            value, self._learning_rate = self._learning_rate, None
        return value
