"""Breeding CPPN pictures, as Picbreeder and otoro's neurogram do: children of a genome, each one
mutation away, for the user to pick from.

The mutations: noise on every weight (its strength adjustable), one hidden layer's activation
swapped, a hidden unit added or removed, a hidden layer added (near the identity, so the picture
changes gently) or removed, and a new z. Each is drawn from a seed, so a child is the same child
whenever it is made again.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

from engine.cppn.config import ACTIVATIONS
from engine.cppn.genome import Genome
from engine.cppn.network import CPPNWeights
from engine.validation import check_float, check_int

MAX_WIDTH = 256            # breeding never grows a network past these
MAX_DEPTH = 8
STRENGTHS = (0.01, 2.0)    # noise strength: a share of each array's standard deviation


class MutationKind(str, Enum):
    NOISE = "weight noise"
    ACTIVATION = "activation swapped"
    ADD_UNIT = "unit added"
    REMOVE_UNIT = "unit removed"
    ADD_LAYER = "layer added"
    REMOVE_LAYER = "layer removed"
    NEW_Z = "new z"


# how often each kind is drawn for a child (noise most, as in Picbreeder)
KIND_WEIGHTS = {MutationKind.NOISE: 4, MutationKind.ACTIVATION: 2, MutationKind.ADD_UNIT: 1,
                MutationKind.REMOVE_UNIT: 1, MutationKind.ADD_LAYER: 1,
                MutationKind.REMOVE_LAYER: 1, MutationKind.NEW_Z: 1}


@dataclass(frozen=True)
class Mutation:
    kind: MutationKind
    seed: int
    strength: float

    def describe(self) -> str:
        return f"{self.kind.value} ({self.strength:.2f})" if self.kind is MutationKind.NOISE \
            else self.kind.value


def _with(genome: Genome, arrays: list[np.ndarray], **design) -> Genome:
    config = genome.config.replace(**design) if design else genome.config
    weights = CPPNWeights(config, tuple(np.asarray(a, np.float32) for a in arrays))
    return Genome(weights, genome.z, genome.scale, genome.colormap)


def mutate(genome: Genome, mutation: Mutation) -> Genome:
    """The child ``mutation`` makes of ``genome`` (a kind that cannot apply, such as removing
    the only layer, adds weight noise instead)."""
    rng = np.random.default_rng(mutation.seed)
    config = genome.config
    arrays = [a.copy() for a in genome.weights.arrays]
    h, depth = config.width, config.depth
    kind = mutation.kind
    if (kind is MutationKind.ADD_UNIT and h >= MAX_WIDTH) or \
            (kind is MutationKind.REMOVE_UNIT and h <= 2) or \
            (kind is MutationKind.ADD_LAYER and depth >= MAX_DEPTH) or \
            (kind is MutationKind.REMOVE_LAYER and depth <= 1):
        kind = MutationKind.NOISE
    if kind is MutationKind.NOISE:
        return _with(genome, [a + rng.normal(0, mutation.strength * (a.std() + 1e-3), a.shape)
                              for a in arrays])
    if kind is MutationKind.NEW_Z:
        return Genome(genome.weights, rng.uniform(-1, 1, config.z_dim).astype(np.float32),
                      genome.scale, genome.colormap)
    if kind is MutationKind.ACTIVATION:
        layer = int(rng.integers(depth))
        others = [a for a in ACTIVATIONS if a != config.activations[layer]]
        acts = list(config.activations)
        acts[layer] = others[int(rng.integers(len(others)))]
        return _with(genome, arrays, activations=tuple(acts))
    if kind is MutationKind.ADD_UNIT:
        std = float(np.mean([a.std() for a in arrays[4:-1]]) or 1.0)
        arrays[0] = np.concatenate([arrays[0], rng.normal(0, arrays[0].std() + 1e-3,
                                                          (config.z_dim, 1))], 1)
        for i in (1, 2, 3):
            arrays[i] = np.append(arrays[i], rng.normal(0, arrays[i].std() + 1e-3))
        for i in range(4, 4 + depth):      # incoming as strong as the rest, outgoing gentle
            m = arrays[i]
            m = np.concatenate([m, rng.normal(0, std, (h, 1))], 1)
            arrays[i] = np.concatenate([m, rng.normal(0, 0.1 * std, (1, h + 1))], 0)
        arrays[-1] = np.concatenate([arrays[-1], rng.normal(0, 0.1 * std,
                                                            (1, config.channels))], 0)
        return _with(genome, arrays, width=h + 1)
    if kind is MutationKind.REMOVE_UNIT:
        unit = int(rng.integers(h))
        arrays[0] = np.delete(arrays[0], unit, 1)
        for i in (1, 2, 3):
            arrays[i] = np.delete(arrays[i], unit)
        for i in range(4, 4 + depth):
            arrays[i] = np.delete(np.delete(arrays[i], unit, 0), unit, 1)
        arrays[-1] = np.delete(arrays[-1], unit, 0)
        return _with(genome, arrays, width=h - 1)
    acts = list(config.activations)
    if kind is MutationKind.ADD_LAYER:
        at = int(rng.integers(depth + 1))
        layer = np.eye(h) + rng.normal(0, 0.1 * mutation.strength + 0.02, (h, h))
        arrays.insert(4 + at, layer)
        acts.insert(at, ACTIVATIONS[int(rng.integers(len(ACTIVATIONS)))])
        return _with(genome, arrays, depth=depth + 1, activations=tuple(acts))
    at = int(rng.integers(depth))                   # REMOVE_LAYER
    del arrays[4 + at]
    del acts[at]
    return _with(genome, arrays, depth=depth - 1, activations=tuple(acts))


def draw_mutations(count: int, strength: float, seed: int) -> list[Mutation]:
    """``count`` mutations: the first two always weight noise (close relatives to pick from),
    the rest drawn by :data:`KIND_WEIGHTS`."""
    check_int("children", count, 1, 64)
    check_float("noise strength", strength, *STRENGTHS)
    rng = np.random.default_rng(seed)
    kinds = list(KIND_WEIGHTS)
    p = np.array([KIND_WEIGHTS[k] for k in kinds], float)
    p /= p.sum()
    chosen = [MutationKind.NOISE, MutationKind.NOISE][:count]
    chosen += [kinds[i] for i in rng.choice(len(kinds), count - len(chosen), p=p)]
    return [Mutation(kind, int(rng.integers(2**31 - 1)), strength) for kind in chosen]


def breed(genome: Genome, count: int, strength: float, seed: int) -> list[tuple[Mutation, Genome]]:
    """``count`` children of ``genome`` with the mutations that made them."""
    return [(m, mutate(genome, m)) for m in draw_mutations(count, strength, seed)]
