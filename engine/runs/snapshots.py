"""A bounded record of training snapshots, so any past moment of a run can be shown again."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Snapshot:
    """The model's view of its fixed digits at one step: latent codes and reconstructions."""

    step: int
    epoch: float
    latent: np.ndarray            # (N, latent_dim) float32, the latent view's digits
    reconstructions: np.ndarray   # (R, 28, 28) float32 in [0, 1]
    pinned: bool = False          # epoch ends, GIF frames: thinned apart from the others


class SnapshotHistory:
    """Snapshots in step order, in bounded memory. Past ``capacity`` unpinned ones, every other
    unpinned one is dropped, so a long run keeps an even coverage of its whole history; pinned
    ones are thinned the same way past ``pinned_capacity``."""

    def __init__(self, capacity: int = 600, pinned_capacity: int = 200):
        if capacity < 2 or pinned_capacity < 2:
            raise ValueError("capacities must be at least 2")
        self.capacity = capacity
        self.pinned_capacity = pinned_capacity
        self._items: list[Snapshot] = []

    def add(self, snapshot: Snapshot) -> None:
        if self._items and snapshot.step < self._items[-1].step:
            raise ValueError("snapshots must be added in step order")
        self._items.append(snapshot)
        limit = self.pinned_capacity if snapshot.pinned else self.capacity
        same_kind = [i for i, s in enumerate(self._items) if s.pinned == snapshot.pinned]
        if len(same_kind) > limit:
            drop = set(same_kind[1::2])
            self._items = [s for i, s in enumerate(self._items) if i not in drop]

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: int) -> Snapshot:
        return self._items[index]

    @property
    def steps(self) -> list[int]:
        return [s.step for s in self._items]

    def items(self) -> list[Snapshot]:
        """A copy of the list, safe to walk while training adds to the history."""
        return list(self._items)

    def pinned(self) -> list[Snapshot]:
        return [s for s in self._items if s.pinned]

    def at_step(self, step: int) -> Snapshot:
        """The latest snapshot taken at or before ``step`` (the first one if none is)."""
        if not self._items:
            raise LookupError("no snapshot has been recorded yet")
        i = bisect.bisect_right(self.steps, step) - 1
        return self._items[max(i, 0)]
