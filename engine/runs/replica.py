"""Models rebuilt from a run's weight copies, so decoding, cleaning and saving never touch the
variables a training thread is changing.

A :class:`Replicas` builds one model per architecture (on first use, in the thread that uses it)
and loads a snapshot's weights into it only when they differ from the ones already loaded, so
scrubbing between two steps costs one weight copy, and dragging a slider costs none.
"""

from __future__ import annotations

import threading
from typing import Callable, Hashable, Sequence

import numpy as np


class Replicas:
    """``build(config)`` makes a model with ``set_weights``; ``key(config)`` names its
    architecture. One caller at a time (a lock guards the shared models)."""

    def __init__(self, build: Callable[[object], object], key: Callable[[object], Hashable]):
        self._build, self._key = build, key
        self._models: dict[Hashable, object] = {}
        self._loaded: dict[Hashable, Sequence[np.ndarray]] = {}
        self.lock = threading.RLock()

    def with_weights(self, config, weights: Sequence[np.ndarray]):
        """The model for ``config``'s architecture holding ``weights`` (hold :attr:`lock` while
        using it from more than one thread)."""
        key = self._key(config)
        with self.lock:
            if key not in self._models:
                self._models[key] = self._build(config)
            model = self._models[key]
            if self._loaded.get(key) is not weights:
                model.set_weights(list(weights))
                self._loaded[key] = weights
            return model

    def clear(self) -> None:
        with self.lock:
            self._models.clear()
            self._loaded.clear()
