"""The "Write a TensorBoard log" setting of a training tab: a box to tick, the folder logs go
into (remembered), and the log of the newest run while it trains."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from engine.runs.run import Run
from engine.runs.tensorboard_log import RunPictures, TensorBoardLog, log_folder
from gui.settings import TextSetting
from gui.widgets.file_dialogs import ask_path

DEFAULT_FOLDER = Path.home() / "latent-lab" / "tensorboard"


class TensorBoardSetting(QtWidgets.QWidget):
    """Ticked, each new run writes its log into a folder of its own under ``folder``."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.folder = str(DEFAULT_FOLDER)
        self.log: TensorBoardLog | None = None
        self.box = QtWidgets.QCheckBox("Write a TensorBoard log")
        self.button = QtWidgets.QToolButton()
        self.button.setText("…")
        self.button.setToolTip("Choose the folder TensorBoard logs go into.")
        self.button.clicked.connect(self._choose_folder)
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.box, 1)
        layout.addWidget(self.button)
        self._show_folder()

    def _show_folder(self) -> None:
        self.box.setToolTip(
            "Each new run writes every logged number, pictures per epoch and its settings into "
            f"a folder of its own under {self.folder}; see them with: "
            f"tensorboard --logdir {self.folder}")

    def set_folder(self, path: str) -> None:
        if path:
            self.folder = path
            self._show_folder()

    @QtCore.Slot()
    def _choose_folder(self) -> None:
        self.set_folder(ask_path(self, "Folder for TensorBoard logs", folder=True))

    def follow(self, run: Run, pictures: RunPictures | None) -> None:
        """Start the log of a new run, if ticked."""
        self.log = (TensorBoardLog(run, log_folder(self.folder, run, time.time()),
                                   pictures).follow() if self.box.isChecked() else None)

    def take_error(self, run: Run) -> str:
        """Why ``run``'s log stopped ('' if it did not), said once."""
        log = self.log
        if log is None or log.run is not run or not log.error:
            return ""
        self.log = None
        return f"{log.error}; the run goes on without it."

    def settings_widgets(self) -> dict:
        return {"tensorboard": self.box,
                "tensorboard_folder": TextSetting(lambda: self.folder, self.set_folder)}
