"""Which network cleans a photo: a saved file (the bundled one, or the user's) or a run's weights
at one step; and the cleaners built for them, kept for reuse (one caller thread per cache)."""

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


@dataclass(frozen=True)
class NetworkFile:
    """A saved network: the bundled one, or one the user chose."""

    path: Path


@dataclass(frozen=True)
class RunWeights:
    """A run's network at one step."""

    config: DeEmojiConfig
    weights: Sequence[np.ndarray]


Network = NetworkFile | RunWeights


def bundled_network_path() -> Path | None:
    """The app's trained improved network (``python main.py deemoji train`` made it), or None
    in a copy without it."""
    path = resources_dir() / "deemoji" / "improved.keras"
    return path if path.is_file() else None


def network_key(network: Network) -> tuple:
    """Equal for the same network at the same step."""
    if isinstance(network, NetworkFile):
        return ("file", network.path)
    return ("run", network.config.architecture, id(network.weights))


class Cleaners:
    """A :class:`PhotoCleaner` per network file, and one per run architecture whose weights are
    swapped in as needed."""

    def __init__(self):
        self._replicas = Replicas(build_runner, lambda config: config.architecture)
        self._files: dict[Path, PhotoCleaner] = {}
        self._by_runner: dict[int, PhotoCleaner] = {}

    def get(self, network: Network) -> PhotoCleaner:
        if isinstance(network, NetworkFile):
            if network.path not in self._files:
                self._files[network.path] = PhotoCleaner(NetworkRunner(load_model(network.path)))
            return self._files[network.path]
        runner = self._replicas.with_weights(network.config, network.weights)
        if id(runner) not in self._by_runner:
            self._by_runner[id(runner)] = PhotoCleaner(runner)
        return self._by_runner[id(runner)]
