"""Crossing two CPPN pictures: a child whose genome mixes both parents', layer by layer.

``swap`` takes each part of the network (the input weights, each hidden layer with its
activation, the output weights, z) whole from one parent or the other; ``blend`` mixes every
weight, ``(1 - t)·A + t·B``. Designs are reconciled first: the child has the width and depth of
one parent (drawn from the random seed), so the other's layers are cut to it or padded with units whose
weights in and out are zero (they add nothing to the picture); where only one parent has a layer,
that layer comes from it. z length, colour channels, style, scale and colour map follow the first
parent, the second's z and output weights cut or repeated to fit. The same parents, mix and seed
always give the same child.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

from engine.cppn.genome import Genome
from engine.cppn.network import CPPNWeights
from engine.validation import check_choice, check_float


class Mix(str, Enum):
    SWAP = "swap"          # each part whole from one parent
    BLEND = "blend"        # every weight mixed


def _fit(a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``a`` cut to ``shape``, or padded with zeros up to it."""
    out = np.zeros(shape, np.float32)
    common = tuple(slice(0, min(n, m)) for n, m in zip(a.shape, shape))
    out[common] = a[common]
    return out


def _fit_outputs(out: np.ndarray, width: int, channels: int) -> np.ndarray:
    """Output weights (units, C) for ``width`` units and ``channels`` colours: one channel is the
    mean of several, more channels repeat the ones there are."""
    out = _fit(out, (width, out.shape[1]))
    if out.shape[1] == channels:
        return out
    if channels == 1:
        return out.mean(axis=1, keepdims=True)
    return np.resize(out.T, (channels, width)).T.astype(np.float32)


def _parts(genome: Genome, width: int, z_dim: int, channels: int
           ) -> tuple[list[np.ndarray], list[tuple[np.ndarray, str]], np.ndarray, np.ndarray]:
    """(input arrays, hidden (matrix, activation) per layer, output array, z) fitted to the
    child's width, z length and channels."""
    wz, wx, wy, wr, *rest = genome.weights.arrays
    inputs = [_fit(wz, (z_dim, width))] + [_fit(w, (width,)) for w in (wx, wy, wr)]
    hidden = [(_fit(m, (width, width)), act)
              for m, act in zip(rest[:-1], genome.config.activations)]
    return inputs, hidden, _fit_outputs(rest[-1], width, channels), _fit(genome.z, (z_dim,))


def cross(a: Genome, b: Genome, seed: int, mix: Mix = Mix.SWAP, t: float = 0.5) -> Genome:
    """A child of ``a`` and ``b`` (see the module's text); ``t`` is ``blend``'s share of ``b``
    (``swap`` draws each part from ``b`` with that chance)."""
    mix = check_choice("mix", mix, Mix)
    t = check_float("t", t, 0.0, 1.0)
    rng = np.random.default_rng(seed)
    ca, cb = a.config, b.config
    width = (ca.width, cb.width)[int(rng.integers(2))]
    depth = (ca.depth, cb.depth)[int(rng.integers(2))]
    z_dim, channels = ca.z_dim, ca.channels
    ia, ha, oa, za = _parts(a, width, z_dim, channels)
    ib, hb, ob, zb = _parts(b, width, z_dim, channels)

    def pick(x, y):
        if mix is Mix.BLEND:
            return (1 - t) * x + t * y
        return y if rng.random() < t else x

    inputs = [pick(x, y) for x, y in zip(ia, ib)] if mix is Mix.BLEND else \
        (ib if rng.random() < t else ia)
    hidden, activations = [], []
    for k in range(depth):
        if k >= len(ha) or k >= len(hb):
            matrix, act = (ha if k < len(ha) else hb)[k]
        elif mix is Mix.BLEND:
            matrix, act = pick(ha[k][0], hb[k][0]), (ha[k][1] if t < 0.5 else hb[k][1])
        else:
            matrix, act = ha[k] if rng.random() >= t else hb[k]
        hidden.append(matrix)
        activations.append(act)
    config = ca.replace(width=width, depth=depth, activations=tuple(activations))
    arrays = [*inputs, *hidden, pick(oa, ob)]
    weights = CPPNWeights(config, tuple(np.asarray(x, np.float32) for x in arrays))
    return Genome(weights, np.asarray(pick(za, zb), np.float32), a.scale, a.colormap)


@dataclass(frozen=True)
class Crossing:
    """How a crossed child was made: with which mate (its history number), how, from which
    seed."""

    mate: int
    mix: Mix
    seed: int

    def describe(self) -> str:
        return f"crossed with {self.mate} ({self.mix.value})"


def cross_children(genome: Genome, mate: Genome, mate_id: int, count: int, seed: int
                   ) -> list[tuple[Crossing, Genome]]:
    """``count`` children of ``genome`` and ``mate``, swapped and blended in turn."""
    rng = np.random.default_rng(seed)
    crossings = [Crossing(mate_id, (Mix.SWAP, Mix.BLEND)[k % 2], int(rng.integers(2**31 - 1)))
                 for k in range(count)]
    return [(c, cross(genome, mate, c.seed, c.mix)) for c in crossings]
