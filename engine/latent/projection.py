"""How latent codes of any size (2 to 16 dimensions) reach the 3-D view and come back from it:
the first three axes, or the three principal components of a set of codes (PCA).

A :class:`ViewProjection` maps codes (N, D) to view coordinates (N, 3) and view coordinates back
to the codes they stand for (on the projection's 3-D subspace), so a slider or a grid in the
view decodes a full code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

VIEW_DIMS = 3


@dataclass(frozen=True)
class ViewProjection:
    """``mean`` (D,) and orthonormal ``components`` (3, D; a zero row where D < 3), with the
    name of each view axis."""

    mean: np.ndarray
    components: np.ndarray
    names: tuple[str, str, str]

    @property
    def dims(self) -> int:
        return self.components.shape[1]

    def to_view(self, codes: np.ndarray) -> np.ndarray:
        codes = np.asarray(codes, np.float32).reshape(-1, self.dims)
        return ((codes - self.mean) @ self.components.T).astype(np.float32)

    def from_view(self, view: np.ndarray) -> np.ndarray:
        view = np.asarray(view, np.float32).reshape(-1, VIEW_DIMS)
        return (self.mean + view @ self.components).astype(np.float32)


def axes_projection(dims: int) -> ViewProjection:
    """The first three axes as they are (codes of 3 dimensions are shown unchanged)."""
    components = np.eye(VIEW_DIMS, dims, dtype=np.float32)
    names = tuple(f"z{i + 1}" if i < dims else "—" for i in range(VIEW_DIMS))
    return ViewProjection(np.zeros(dims, np.float32), components, names)


def pca_projection(codes: np.ndarray) -> ViewProjection:
    """The three directions along which ``codes`` (N, D) spread most, about their mean; each
    component's sign is chosen so its largest entry is positive, so refitting on codes that
    moved a little does not flip the view."""
    codes = np.asarray(codes, np.float64)
    mean = codes.mean(axis=0)
    _, _, vt = np.linalg.svd(codes - mean, full_matrices=False)
    components = np.zeros((VIEW_DIMS, codes.shape[1]))
    k = min(VIEW_DIMS, len(vt))
    components[:k] = vt[:k]
    for row in components[:k]:
        if row[np.argmax(np.abs(row))] < 0:
            row *= -1
    names = tuple(f"PC{i + 1}" if i < k else "—" for i in range(VIEW_DIMS))
    return ViewProjection(mean.astype(np.float32), components.astype(np.float32), names)
