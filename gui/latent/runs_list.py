"""The list of a tab's runs: every run stays, with its colour and a name from its settings
(double-click to rename). Selecting one shows it; ticking 2 to 6 (here and in the other latent
tab) and pressing Compare lays them side by side; Delete forgets one."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from engine.runs.run import Run

RUN_ROLE = QtCore.Qt.ItemDataRole.UserRole


def swatch(colour: tuple[int, int, int]) -> QtGui.QIcon:
    pixmap = QtGui.QPixmap(12, 12)
    pixmap.fill(QtGui.QColor(*colour))
    return QtGui.QIcon(pixmap)


class RunsList(QtWidgets.QWidget):
    sig_selected = QtCore.Signal(object)      # the Run chosen (None: nothing)
    sig_delete = QtCore.Signal(object)        # the Run to forget
    sig_compare = QtCore.Signal()
    sig_replay = QtCore.Signal(str)           # "tab", "all" or "beta"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.list = QtWidgets.QListWidget()
        self.list.setToolTip("Every run of this tab, named from its settings: select one to show "
                             "it, double-click to rename, tick 2 to 6 (here or in the other "
                             "latent tab) to compare.")
        self.list.setMinimumHeight(90)
        self.list.currentItemChanged.connect(self._on_current_changed)
        self.list.itemChanged.connect(self._on_item_changed)
        self.compare_button = QtWidgets.QPushButton("Compare ticked…")
        self.compare_button.setToolTip("Open the ticked runs side by side: linked camera, "
                                       "selection and timeline, losses overlaid.")
        self.compare_button.clicked.connect(self.sig_compare)
        self.delete_button = QtWidgets.QPushButton("Delete")
        self.delete_button.setToolTip("Forget the selected run (a running one is stopped first).")
        self.delete_button.clicked.connect(self._on_delete)
        self.replay_button = QtWidgets.QToolButton()
        self.replay_button.setText("Replay the post ▾")
        self.replay_button.setToolTip("Train the 2018 post's runs one after another, on the same "
                                      "data and seed, with this tab's preset and epochs, then "
                                      "compare them with an account of what to look for.")
        self.replay_button.setPopupMode(QtWidgets.QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QtWidgets.QMenu(self.replay_button)
        menu.addAction("This tab's runs").triggered.connect(lambda: self.sig_replay.emit("tab"))
        menu.addAction("All five (autoencoder and VAE)").triggered.connect(
            lambda: self.sig_replay.emit("all"))
        menu.addAction("A β ladder (VAE, log loss + β·KL: β 0, 0.1, 1, 4)").triggered.connect(
            lambda: self.sig_replay.emit("beta"))
        self.replay_button.setMenu(menu)
        buttons = QtWidgets.QHBoxLayout()
        buttons.addWidget(self.compare_button)
        buttons.addWidget(self.delete_button)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QtWidgets.QLabel("Runs"))
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.replay_button)

    def _item(self, run: Run) -> QtWidgets.QListWidgetItem | None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(RUN_ROLE) is run:
                return item
        return None

    def add(self, run: Run, select: bool = True) -> None:
        item = QtWidgets.QListWidgetItem(swatch(run.colour), run.name)
        item.setData(RUN_ROLE, run)
        item.setFlags(item.flags() | QtCore.Qt.ItemFlag.ItemIsEditable |
                      QtCore.Qt.ItemFlag.ItemIsUserCheckable)
        blocked = self.list.blockSignals(True)
        item.setCheckState(QtCore.Qt.CheckState.Unchecked)
        self.list.addItem(item)
        self.list.blockSignals(blocked)
        self.refresh(run)
        if select:
            self.list.setCurrentItem(item)

    def remove(self, run: Run) -> None:
        item = self._item(run)
        if item is not None:
            self.list.takeItem(self.list.row(item))

    def select(self, run: Run | None) -> None:
        blocked = self.list.blockSignals(True)
        self.list.setCurrentItem(self._item(run) if run is not None else None)
        self.list.blockSignals(blocked)

    def refresh(self, run: Run) -> None:
        """Show the run's current name and state."""
        item = self._item(run)
        if item is None:
            return
        blocked = self.list.blockSignals(True)
        item.setText(f"↳ {run.name}" if run.parent else run.name)   # a branch of its parent
        branch = f"\ncontinued from {run.parent} at its step {run.fork_step}" if run.parent else ""
        item.setToolTip(f"{run.name}{branch}\n{run.state.value}, step {run.step}"
                        + (f": {run.message}" if run.message else ""))
        self.list.blockSignals(blocked)

    def ticked(self) -> list[Run]:
        return [self.list.item(r).data(RUN_ROLE) for r in range(self.list.count())
                if self.list.item(r).checkState() == QtCore.Qt.CheckState.Checked]

    def set_ticked(self, runs: list[Run]) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            checked = item.data(RUN_ROLE) in runs
            item.setCheckState(QtCore.Qt.CheckState.Checked if checked
                               else QtCore.Qt.CheckState.Unchecked)

    @QtCore.Slot(object, object)
    def _on_current_changed(self, current, _previous) -> None:
        self.sig_selected.emit(current.data(RUN_ROLE) if current is not None else None)

    @QtCore.Slot(object)
    def _on_item_changed(self, item: QtWidgets.QListWidgetItem) -> None:
        run = item.data(RUN_ROLE)
        name = item.text().strip().removeprefix("↳").strip()
        if name and name != run.name:
            run.rename(name)

    @QtCore.Slot()
    def _on_delete(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.sig_delete.emit(item.data(RUN_ROLE))
