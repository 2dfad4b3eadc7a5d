"""Which network cleans a photo: saved files (the bundled three, averaged, or the user's own) or
a run's weights at one step; and the cleaners built for them, kept for reuse (one caller thread
per cache)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from engine.deemoji.cleaning import PhotoCleaner
from engine.deemoji.config import DeEmojiConfig
from engine.deemoji.models import NetworkRunner, build_runner
from engine.files.model_files import load_model
from engine.files.resources import resources_dir
from engine.runs.replica import Replicas

BUNDLED_SEEDS = (1, 2, 3)     # the bundled networks, trained alike but for their seed


@dataclass(frozen=True)
class NetworkFiles:
    """Saved networks that clean together, their finders averaged: the bundled three, or the
    file (or files) the user chose."""

    paths: tuple[Path, ...]

    @property
    def name(self) -> str:
        return " + ".join(p.name for p in self.paths)


@dataclass(frozen=True)
class RunWeights:
    """A run's network at one step."""

    config: DeEmojiConfig
    weights: Sequence[np.ndarray]


Network = NetworkFiles | RunWeights


def bundled_network() -> NetworkFiles | None:
    """The app's trained improved networks (``python main.py deemoji train --seed N`` made
    them), or None in a copy without them."""
    paths = tuple(resources_dir() / "deemoji" / f"improved-seed{seed}.keras"
                  for seed in BUNDLED_SEEDS)
    return NetworkFiles(paths) if all(p.is_file() for p in paths) else None


def bundled_start(seed: int) -> Path:
    """The bundled network a run of ``seed`` starts from (a sticker run): the one trained with
    that seed, else the first; a ValueError in a copy without them."""
    bundled = bundled_network()
    if bundled is None:
        raise ValueError("this copy has no bundled networks to start from (from the terminal, "
                         "--from names a saved improved network instead)")
    return bundled.paths[BUNDLED_SEEDS.index(seed)] if seed in BUNDLED_SEEDS else bundled.paths[0]


def network_key(network: Network) -> tuple:
    """Equal for the same network at the same step."""
    if isinstance(network, NetworkFiles):
        return ("files", network.paths)
    return ("run", network.config.architecture, id(network.weights))


class Cleaners:
    """A :class:`PhotoCleaner` per set of network files, and one per run architecture whose
    weights are swapped in as needed."""

    def __init__(self):
        self._replicas = Replicas(build_runner, lambda config: config.architecture)
        self._files: dict[tuple[Path, ...], PhotoCleaner] = {}
        self._by_runner: dict[int, PhotoCleaner] = {}

    def get(self, network: Network) -> PhotoCleaner:
        if isinstance(network, NetworkFiles):
            if network.paths not in self._files:
                self._files[network.paths] = PhotoCleaner(
                    *(NetworkRunner(load_model(p)) for p in network.paths))
            return self._files[network.paths]
        runner = self._replicas.with_weights(network.config, network.weights)
        if id(runner) not in self._by_runner:
            self._by_runner[id(runner)] = PhotoCleaner(runner)
        return self._by_runner[id(runner)]
