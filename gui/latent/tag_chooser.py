"""Choosing which tags of a TensorBoard log to draw: a list to tick, the losses ticked first."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from engine.files.tensorboard_events import EventLog


class TagChooser(QtWidgets.QDialog):
    """Lists a log's tags (with how many runs have each); ``sig_chosen`` carries the ticked
    ones when the user presses Add."""

    sig_chosen = QtCore.Signal(list)

    def __init__(self, log: EventLog, title: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.list = QtWidgets.QListWidget()
        for tag in log.tags:
            runs = sum(1 for _, t in log.curves if t == tag)
            item = QtWidgets.QListWidgetItem(f"{tag}  ({runs} run{'s' * (runs != 1)})")
            item.setData(QtCore.Qt.ItemDataRole.UserRole, tag)
            item.setFlags(item.flags() | QtCore.Qt.ItemFlag.ItemIsUserCheckable)
            ticked = "loss" in tag.lower()
            item.setCheckState(QtCore.Qt.CheckState.Checked if ticked else
                               QtCore.Qt.CheckState.Unchecked)
            self.list.addItem(item)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        self.add_button = buttons.addButton("Add", QtWidgets.QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.accepted.connect(self._on_accepted)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(QtWidgets.QLabel("Tags to draw beside the runs:"))
        layout.addWidget(self.list)
        if log.problems:
            note = QtWidgets.QLabel("Not read: " + "; ".join(log.problems[:5]) +
                                    (f" (and {len(log.problems) - 5} more)"
                                     if len(log.problems) > 5 else ""))
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addWidget(buttons)

    def ticked(self) -> list[str]:
        items = (self.list.item(i) for i in range(self.list.count()))
        return [item.data(QtCore.Qt.ItemDataRole.UserRole) for item in items
                if item.checkState() == QtCore.Qt.CheckState.Checked]

    @QtCore.Slot()
    def _on_accepted(self) -> None:
        self.sig_chosen.emit(self.ticked())
