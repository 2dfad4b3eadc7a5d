"""The CPPN tab's "Export" box: the still's size, the progress of any export (still, animation,
8x fit) and a Cancel that stops it between bands or frames, leaving no file behind."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from engine.cppn.render import MAX_SIDE
from gui.widgets.spin_box import spin_box
from gui.workers.background_task import BackgroundTasks


class ExportPanel(QtWidgets.QGroupBox):
    def __init__(self, host, tasks: BackgroundTasks, parent=None):
        super().__init__("Export a still", parent)
        self.tasks = tasks
        form = QtWidgets.QFormLayout(self)
        size_row = QtWidgets.QHBoxLayout()
        self.width_box = spin_box(1, MAX_SIDE, "Width of the exported PNG (up to 8192).",
                                  value=2048, tracking=False)
        self.height_box = spin_box(1, MAX_SIDE, "Height of the exported PNG (up to 8192).",
                                   value=2048, tracking=False)
        size_row.addWidget(self.width_box)
        size_row.addWidget(QtWidgets.QLabel("×"))
        size_row.addWidget(self.height_box)
        form.addRow("Size", size_row)
        buttons = QtWidgets.QHBoxLayout()
        export = QtWidgets.QPushButton("Export PNG…")
        export.setToolTip("Render at this size in bands (bounded memory) and save a PNG.")
        export.clicked.connect(host.ask_save)
        self.cancel_button = QtWidgets.QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the export under way (still or animation); nothing "
                                      "is written.")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(tasks.cancel_all)
        buttons.addWidget(export)
        buttons.addWidget(self.cancel_button)
        form.addRow(buttons)
        self.progress = QtWidgets.QProgressBar()
        form.addRow(self.progress)
        tasks.sig_busy_changed.connect(self.cancel_button.setEnabled)
        tasks.sig_started.connect(self._on_started)
        tasks.sig_progress.connect(self._on_progress)
        tasks.sig_done.connect(self._on_done)
        tasks.sig_failed.connect(self._on_failed)

    def size(self) -> tuple[int, int]:
        return self.width_box.value(), self.height_box.value()

    @QtCore.Slot()
    def _on_started(self) -> None:
        self.progress.setValue(0)

    @QtCore.Slot(float, str)
    def _on_progress(self, fraction: float, _note: str) -> None:
        self.progress.setValue(round(fraction * 100))

    @QtCore.Slot(str)
    def _on_done(self, _text: str) -> None:
        self.progress.setValue(100)

    @QtCore.Slot(str)
    def _on_failed(self, _text: str) -> None:
        self.progress.setValue(0)

    def settings_widgets(self) -> dict:
        return {"export_width": self.width_box, "export_height": self.height_box}
