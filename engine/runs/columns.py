"""An append-only table of named numbers kept as compact float64 columns.

Long runs log hundreds of thousands of loss points; as Python objects they cost ~200 bytes each and
concatenating arrays per update costs time that grows with the run. Here each row costs 8 bytes a
column, appends are amortised O(1) (capacity doubles) and a column is a view, never a copy.
"""

from __future__ import annotations

from typing import Sequence

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

    def __contains__(self, name: str) -> bool:
        return name in self._index

    def extend(self, rows) -> None:
        """Append rows: an array (k, len(names)) or anything numpy makes one of."""
        block = np.asarray(rows, dtype=np.float64).reshape(-1, len(self.names))
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

    def row(self, index: int) -> dict[str, float]:
        if not -self._rows <= index < self._rows:
            raise IndexError(f"row {index} of {self._rows}")
        return dict(zip(self.names, self._data[:, index % self._rows].tolist()))

    def last(self, name: str, default: float = float("nan")) -> float:
        return float(self._data[self._index[name], self._rows - 1]) if self._rows else default

    def table(self) -> np.ndarray:
        """A copy of every row, (rows, columns)."""
        return self._data[:, :self._rows].T.copy()

    @property
    def nbytes(self) -> int:
        """Memory held, spare capacity included."""
        return self._data.nbytes
