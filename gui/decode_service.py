"""Decodes latent codes in a thread of its own, so the GUI thread never waits on TensorFlow.

Requests are keyed by a tag ("slider", "click", "interpolation"...); a newer request for a tag
replaces an older one still waiting (latest wins, never queued).
"""

from __future__ import annotations

import threading
from typing import Callable

import numpy as np
from PySide6 import QtCore


class DecodeService(QtCore.QThread):
    sig_decoded = QtCore.Signal(str, object)   # tag, images (B, 28, 28)
    sig_failed = QtCore.Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._cond = threading.Condition()
        self._pending: dict[str, np.ndarray] = {}
        self._decode: Callable[[np.ndarray], np.ndarray] | None = None
        self._stopping = False

    def set_decoder(self, decode: Callable[[np.ndarray], np.ndarray] | None) -> None:
        with self._cond:
            self._decode = decode

    def request(self, tag: str, latent: np.ndarray) -> None:
        with self._cond:
            self._pending[tag] = np.array(latent, np.float32, ndmin=2)
            self._cond.notify()

    def run(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                jobs, self._pending = self._pending, {}
                decode = self._decode
            if decode is None:
                continue
            for tag, latent in jobs.items():
                try:
                    self.sig_decoded.emit(tag, decode(latent))
                except Exception as exc:  # shown to the user, the service keeps going
                    self.sig_failed.emit(f"decoding failed: {exc}")

    def stop_and_wait(self, timeout_ms: int = 5_000) -> bool:
        with self._cond:
            self._stopping = True
            self._cond.notify()
        return self.wait(timeout_ms)
