"""Paths of z through time, for the canvas's t slider, playback and animations.

A path maps t in [0, 1) to a z vector. ``sweep`` is the 2018 animation (z = t·ones, which does not
loop); ``there and back`` goes from one random z to another and back, easing at the ends; the
last two close on themselves, so an animation's last frame flows into its first at the same pace
as any two neighbours: a ``circle`` in a random plane through z-space, and a smooth closed curve
through ``keyframes`` the user picked (a periodic Catmull-Rom spline).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

import numpy as np

from engine.validation import check_choice, check_int


class PathKind(str, Enum):
    SWEEP = "sweep"                # the 2018 z = t·ones
    THERE_AND_BACK = "there-and-back"
    CIRCLE = "circle"
    KEYFRAMES = "keyframes"


@dataclass(frozen=True)
class ZPath:
    """A path for a network whose z has ``z_dim`` numbers. ``seed`` draws the random ends, plane
    and centre; ``keyframes`` (K, z_dim) are used by the keyframe loop (at least 2)."""

    kind: PathKind
    z_dim: int
    seed: int = 1
    radius: float = 1.0
    keyframes: tuple[tuple[float, ...], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", check_choice("z path", self.kind, PathKind))
        check_int("z_dim", self.z_dim, 1, 1024)

    @property
    def loops(self) -> bool:
        """True when the path ends where it began (every kind but the 2018 sweep)."""
        return self.kind is not PathKind.SWEEP

    def _random(self):
        return np.random.default_rng(self.seed)

    def at(self, t: float) -> np.ndarray:
        t = float(t) % 1.0 if self.loops else min(max(float(t), 0.0), 1.0)
        if self.kind is PathKind.SWEEP:
            return np.full(self.z_dim, t, np.float32)
        if self.kind is PathKind.THERE_AND_BACK:
            a, b = self._random().uniform(-1.0, 1.0, (2, self.z_dim))
            s = 0.5 - 0.5 * math.cos(2 * math.pi * t)
            return ((1 - s) * a + s * b).astype(np.float32)
        if self.kind is PathKind.CIRCLE:
            rng = self._random()
            centre = rng.uniform(-0.5, 0.5, self.z_dim)
            plane, _ = np.linalg.qr(rng.standard_normal((self.z_dim, 2)))   # orthonormal u, v
            angle = 2 * math.pi * t
            return (centre + self.radius * (math.cos(angle) * plane[:, 0] +
                                            math.sin(angle) * plane[:, 1])).astype(np.float32)
        return _closed_spline(np.asarray(self.keyframes, np.float64), t).astype(np.float32)

    def times(self, frames: int) -> np.ndarray:
        """t for each of an animation's frames: evenly spaced, the last a step before 1 (a loop
        then joins up seamlessly; the 2018 sweep is t = i/N as it was)."""
        return np.arange(frames) / frames


def _closed_spline(points: np.ndarray, t: float) -> np.ndarray:
    """A periodic Catmull-Rom curve through ``points`` (K >= 2), t in [0, 1)."""
    if len(points) < 2:
        raise ValueError("a keyframe loop needs at least 2 keyframes")
    k = len(points)
    position = t * k
    i = int(math.floor(position)) % k
    u = position - math.floor(position)
    p0, p1, p2, p3 = (points[(i + d) % k] for d in (-1, 0, 1, 2))
    return 0.5 * ((2 * p1) + (-p0 + p2) * u + (2 * p0 - 5 * p1 + 4 * p2 - p3) * u * u +
                  (-p0 + 3 * p1 - 3 * p2 + p3) * u ** 3)
