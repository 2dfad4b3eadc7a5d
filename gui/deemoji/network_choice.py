"""Which network the "Clean a photo" page cleans with: the bundled networks, the tab's run at its
newest step (followed while it trains, at most every :data:`RUN_FOLLOW_MS`), or a file the user
picks. The choice box itself is one of the page's controls."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6 import QtCore, QtWidgets

from engine.deemoji.networks import NetworkFiles, RunWeights
from gui.widgets.file_dialogs import ask_path

RUN_FOLLOW_MS = 2000       # while training, the run's network is re-tried at most this often


class NetworkChoice(QtCore.QObject):
    """``sig_changed`` when the network to clean with is another one (clean again)."""

    sig_changed = QtCore.Signal()

    def __init__(self, box: QtWidgets.QComboBox, bundled: NetworkFiles | None,
                 say: Callable[[str, bool], None], parent: QtCore.QObject):
        super().__init__(parent)
        self.box, self.bundled, self._say = box, bundled, say
        self.run_network: RunWeights | None = None
        self.file_network: NetworkFiles | None = None
        self._follow_timer = QtCore.QTimer(self, singleShot=True, interval=RUN_FOLLOW_MS)
        self._follow_timer.timeout.connect(self.sig_changed)
        box.activated.connect(self._on_chosen)

    def network(self) -> NetworkFiles | RunWeights | None:
        """The network chosen, or None (and the user is told what to do)."""
        choice = self.box.currentData()
        network = {"bundled": self.bundled,
                   "run": self.run_network, "file": self.file_network}.get(choice)
        if network is None:
            self._say({"run": "Train (or load) a network in the Training page first.",
                       "file": "Choose a network file."}.get(choice, "No network is bundled: "
                                                             "train one first."), True)
        return network

    def set_run_network(self, network: RunWeights | None) -> None:
        """The tab's run at its newest step (None: no run yet); used when chosen."""
        self.run_network = network
        if network is not None and self.box.currentData() == "run" and \
                not self._follow_timer.isActive():
            self._follow_timer.start()

    def stop(self) -> None:
        self._follow_timer.stop()

    @QtCore.Slot(int)
    def _on_chosen(self, _index: int) -> None:
        if self.box.currentData() == "file":
            path = ask_path(self.box, "A saved de-emoji network", "Keras model (*.keras)",
                            save=False)
            if not path:
                return
            self.file_network = NetworkFiles((Path(path),))
        self._say("", False)
        self.sig_changed.emit()
