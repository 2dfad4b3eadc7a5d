"""The last weights known to give a finite loss, kept so a run that diverges (the loss turns
NaN or infinite) can stop with a model that still works instead of one full of NaN."""

from __future__ import annotations

import time
from typing import Callable, Sequence

import numpy as np


def diverged_message(loss: float, step: int, kept_step: int) -> str:
    return (f"the loss became {loss} at step {step}: training stopped, keeping the weights of "
            f"step {kept_step} (the last with a finite loss); lower the learning rate and start "
            "again")


class GoodWeights:
    """A copy of a trainer's weights that has been seen to give a finite loss, refreshed about
    every ``every_s`` seconds. A copy is taken as a candidate and only trusted once the steps after
    it (whose losses are computed on exactly those weights, before their update) stayed finite."""

    def __init__(self, get: Callable[[], Sequence[np.ndarray]],
                 put: Callable[[Sequence[np.ndarray]], None], every_s: float = 1.0):
        self._get, self._put = get, put
        self._every_s = every_s
        self.step = 0
        self._good = tuple(get())
        self._candidate: tuple[int, tuple] | None = None
        self._taken_at = time.perf_counter()

    def keep(self, step: int) -> None:
        """Call after steps whose losses were all finite, with the number of steps done."""
        if self._candidate is not None and step > self._candidate[0]:
            self.step, self._good = self._candidate
            self._candidate = None
        if self._candidate is None and time.perf_counter() - self._taken_at >= self._every_s:
            self._candidate = (step, tuple(self._get()))
            self._taken_at = time.perf_counter()

    def restore(self) -> int:
        """Put the trusted weights back; returns the step they are from."""
        self._put(self._good)
        return self.step
