"""The last weights known to give a finite loss, kept so a run that diverges (the loss turns
NaN or infinite) can stop with a model that still works instead of one full of NaN."""

from __future__ import annotations

import time


def diverged_message(loss: float, step: int, kept_step: int) -> str:
    return (f"the loss became {loss} at step {step}: training stopped, keeping the weights of "
            f"step {kept_step} (the last with a finite loss); lower the learning rate and start "
            "again")


class GoodWeights:
    """A copy of ``variables`` that has been seen to give a finite loss, refreshed about every
    ``every_s`` seconds. A copy is taken as a candidate and only trusted once the steps after it
    (whose losses are computed on exactly those weights, before their update) stayed finite."""

    def __init__(self, variables, every_s: float = 1.0):
        self._variables = list(variables)
        self._every_s = every_s
        self.step = 0
        self._good = self._copy()
        self._candidate: tuple[int, list] | None = None
        self._taken_at = time.perf_counter()

    def _copy(self) -> list:
        return [v.numpy() for v in self._variables]

    def keep(self, step: int) -> None:
        """Call after steps whose losses were all finite, with the number of steps done."""
        if self._candidate is not None and step > self._candidate[0]:
            self.step, self._good = self._candidate
            self._candidate = None
        if self._candidate is None and time.perf_counter() - self._taken_at >= self._every_s:
            self._candidate = (step, self._copy())
            self._taken_at = time.perf_counter()

    def restore(self) -> int:
        """Put the trusted weights back; returns the step they are from."""
        for variable, value in zip(self._variables, self._good):
            variable.assign(value)
        return self.step
