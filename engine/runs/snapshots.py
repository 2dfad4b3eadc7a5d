"""A bounded record of a run's snapshots, addressed by step, so any past moment can be shown again
and decoded with the weights the run had then.

A snapshot's payload is whatever picture of the model its trainer makes (latent codes and
reconstructions, held-out outputs, a fitted picture). Weight copies are the memory hog, so only
some snapshots keep them: every pinned one (epoch ends) within a byte budget, and the newest one,
whatever it is, so a decode or a save during training uses the weights of the step on screen.
"""

from __future__ import annotations

import bisect
import dataclasses
from dataclasses import dataclass

import numpy as np

UNPINNED_CAPACITY = 300
PINNED_CAPACITY = 200
WEIGHTS_BUDGET_BYTES = 24 * 2**20   # per run; the first, the newest and one between stay past it
PAYLOAD_BUDGET_BYTES = 32 * 2**20   # per run: 500 latent snapshots (43 kB), ~190 of de-emoji


def array_bytes(value) -> int:
    """Bytes held by the numpy arrays in ``value`` (an array, a tuple of them, or a dataclass)."""
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, (tuple, list)):
        return sum(array_bytes(v) for v in value)
    if dataclasses.is_dataclass(value):
        return sum(array_bytes(getattr(value, f.name)) for f in dataclasses.fields(value))
    return 0


@dataclass(frozen=True)
class Snapshot:
    """The model's picture at one step, and (at some steps) a copy of its weights."""

    step: int
    payload: object
    pinned: bool = False                            # epoch ends, GIF frames: thinned separately
    weights: tuple[np.ndarray, ...] | None = None   # what a decode or save at this step needs

    def without_weights(self) -> "Snapshot":
        return dataclasses.replace(self, weights=None) if self.weights is not None else self


class SnapshotHistory:
    """Snapshots in step order, in bounded memory. Past ``capacity`` unpinned ones, every other
    unpinned one is dropped (the first and newest always stay), so a long run keeps an even
    coverage of its whole history; pinned ones are thinned the same way past ``pinned_capacity``.
    Snapshots are thinned the same way while their pictures take more than ``payload_budget``
    bytes (unpinned ones first), and weight copies past ``weights_budget``."""

    def __init__(self, capacity: int = UNPINNED_CAPACITY, pinned_capacity: int = PINNED_CAPACITY,
                 weights_budget: int = WEIGHTS_BUDGET_BYTES,
                 payload_budget: int = PAYLOAD_BUDGET_BYTES):
        if capacity < 2 or pinned_capacity < 2:
            raise ValueError("capacities must be at least 2")
        self.capacity = capacity
        self.pinned_capacity = pinned_capacity
        self.weights_budget = weights_budget
        self.payload_budget = payload_budget
        self._items: list[Snapshot] = []
        self._steps: list[int] = []
        self._sizes: list[int] = []           # each snapshot's payload bytes

    def add(self, snapshot: Snapshot) -> None:
        """Add the newest snapshot; one at the step of the last replaces it (keeping the weights
        and the pin of either)."""
        if self._items and snapshot.step < self._items[-1].step:
            raise ValueError("snapshots must be added in step order")
        if self._items and snapshot.step == self._items[-1].step:
            last = self._items.pop()
            self._steps.pop()
            self._sizes.pop()
            snapshot = dataclasses.replace(snapshot, pinned=snapshot.pinned or last.pinned,
                                           weights=snapshot.weights or last.weights)
        if self._items and not self._items[-1].pinned:  # only the newest unpinned keeps weights
            self._items[-1] = self._items[-1].without_weights()
        self._items.append(snapshot)
        self._steps.append(snapshot.step)
        self._sizes.append(array_bytes(snapshot.payload))
        self._thin(snapshot.pinned, self.pinned_capacity if snapshot.pinned else self.capacity)
        while sum(self._sizes) > self.payload_budget:
            if not (self._thin(False, 2) or self._thin(True, 2)):
                break
        self._trim_weights()

    def _thin(self, pinned: bool, limit: int) -> bool:
        """Past ``limit`` snapshots of this kind, drop every other one (the first and the newest
        stay); True when some went."""
        same_kind = [i for i, s in enumerate(self._items) if s.pinned == pinned]
        if len(same_kind) <= limit or len(same_kind) < 3:
            return False
        drop = set(same_kind[1:-1:2])
        kept = [i for i in range(len(self._items)) if i not in drop]
        self._items = [self._items[i] for i in kept]
        self._sizes = [self._sizes[i] for i in kept]
        self._steps = [s.step for s in self._items]
        return True

    def _trim_weights(self) -> None:
        """Past the budget, every other pinned weight copy goes (never the first or the newest)."""
        while self.weights_bytes > self.weights_budget:
            held = [i for i, s in enumerate(self._items[:-1]) if s.weights is not None]
            if len(held) < 3:
                return
            for i in held[1:-1:2]:
                self._items[i] = self._items[i].without_weights()

    def copy(self) -> "SnapshotHistory":
        """The same snapshots (they never change) in a history of their own."""
        other = SnapshotHistory(self.capacity, self.pinned_capacity, self.weights_budget,
                                self.payload_budget)
        other._items, other._steps, other._sizes = (list(self._items), list(self._steps),
                                                    list(self._sizes))
        return other

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: int) -> Snapshot:
        return self._items[index]

    @property
    def steps(self) -> list[int]:
        return list(self._steps)

    def items(self) -> list[Snapshot]:
        """A copy of the list, safe to walk while the history grows."""
        return list(self._items)

    def pinned(self) -> list[Snapshot]:
        return [s for s in self._items if s.pinned]

    def at_step(self, step: int) -> Snapshot:
        """The latest snapshot taken at or before ``step`` (the first one if none is)."""
        if not self._items:
            raise LookupError("no snapshot has been recorded yet")
        i = bisect.bisect_right(self._steps, step) - 1
        return self._items[max(i, 0)]

    def with_weights_at(self, step: int) -> Snapshot:
        """The latest snapshot at or before ``step`` that keeps weights (else the first that does)."""
        held = [s for s in self._items if s.weights is not None]
        if not held:
            raise LookupError("no snapshot with weights has been recorded yet")
        before = [s for s in held if s.step <= step]
        return before[-1] if before else held[0]

    @property
    def weights_bytes(self) -> int:
        return sum(array_bytes(s.weights) for s in self._items if s.weights is not None)

    @property
    def nbytes(self) -> int:
        return self.weights_bytes + sum(self._sizes)
