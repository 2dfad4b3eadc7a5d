"""An append-only table of named numbers kept as compact float64 columns.

Long runs log hundreds of thousands of loss points; as Python objects they cost ~200 bytes each and
concatenating arrays per update costs time that grows with the run. Here each row costs 8 bytes a
column, appends are amortised O(1) (capacity doubles) and a column is a view, never a copy.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np


class ColumnLog:
    """Rows of ``names`` appended in order; ``column(name)`` is a read-only view of the rows so far."""

    def __init__(self, names: Sequence[str], capacity: int = 1024):
        self.names = tuple(names)
        self._index = {name: i for i, name in enumerate(self.names)}
        self._data = np.empty((len(self.names), max(capacity, 1)))  # a column is contiguous
        self._rows = 0

    def __len__(self) -> int:
        return self._rows

    def extend(self, rows: Iterable[Sequence[float]]) -> None:
        block = np.asarray(list(rows), dtype=np.float64).reshape(-1, len(self.names))
        end = self._rows + len(block)
        if end > self._data.shape[1]:
            grown = np.empty((len(self.names), max(end, 2 * self._data.shape[1])))
            grown[:, :self._rows] = self._data[:, :self._rows]
            self._data = grown
        self._data[:, self._rows:end] = block.T
        self._rows = end

    def column(self, name: str) -> np.ndarray:
        view = self._data[self._index[name], :self._rows]
        view.flags.writeable = False
        return view

    def row(self, index: int) -> np.ndarray:
        if not -self._rows <= index < self._rows:
            raise IndexError(f"row {index} of {self._rows}")
        return self._data[:, index % self._rows].copy()

    @property
    def nbytes(self) -> int:
        """Memory held, spare capacity included."""
        return self._data.nbytes
