"""Decoding latent codes with a run's weight copies, off the GUI thread.

One :class:`LatentDecoder` per view that decodes (a tab, a comparison window): a thread of its own
(latest request per tag wins), and models rebuilt from snapshots' weights, one per architecture,
so runs of the autoencoder and of the VAE, quick or 2018 original, can all be decoded by one decoder.
"""

from __future__ import annotations

import functools

import numpy as np
from PySide6 import QtCore

from engine.latent.models import build_models
from engine.runs.replica import Replicas
from gui.workers.latest_request_worker import LatestRequestWorker


class LatentDecoder(QtCore.QObject):
    sig_decoded = QtCore.Signal(str, object)   # tag, images (B, 28, 28)
    sig_failed = QtCore.Signal(str, str)       # tag, message

    def __init__(self, parent: QtCore.QObject):
        super().__init__(parent)
        self.replicas = Replicas(build_models, lambda config: config.architecture)
        self.worker = LatestRequestWorker(parent)
        self.worker.sig_done.connect(self.sig_decoded)
        self.worker.sig_failed.connect(self.sig_failed)
        self.worker.start()

    def decode(self, tag: str, config, weights, z: np.ndarray) -> None:
        """Decode ``z`` (B, latent_dim) with ``weights`` of a run of ``config``; the answer
        comes to ``sig_decoded`` under ``tag`` (a newer request for a tag replaces an older)."""
        self.worker.request(tag, functools.partial(self._decode, config, weights,
                                                   np.array(z, np.float32)))

    def _decode(self, config, weights, z):  # runs in the worker thread
        return self.replicas.with_weights(config, weights).decode(z)

    def cancel(self) -> None:
        self.worker.cancel()

    def request_stop(self) -> None:
        self.worker.request_stop()
