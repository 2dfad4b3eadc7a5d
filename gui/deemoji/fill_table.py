"""The fills of one photo in a table: the network's and the classical inpainters', with PSNR and
SSIM inside and outside the emoji when the original is known. Choosing a row chooses the fill
the wipe view shows."""

from __future__ import annotations

import math

from PySide6 import QtCore, QtWidgets

from engine.deemoji.fills import Fill

COLUMNS = (("PSNR inside", "psnr_inside", "{:.2f} dB"), ("SSIM inside", "ssim_inside", "{:.3f}"),
           ("PSNR outside", "psnr_outside", "{:.2f} dB"),
           ("SSIM outside", "ssim_outside", "{:.3f}"))


class FillTable(QtWidgets.QTableWidget):
    """One row per fill; ``sig_chosen(key)`` when the user picks one."""

    sig_chosen = QtCore.Signal(str)

    def __init__(self, parent=None):
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels([c[0] for c in COLUMNS])
        self.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        self.setToolTip("The network's cleaning beside OpenCV's Telea and Navier–Stokes inpainting, "
                        "given its mask and the true one. Scores compare with the photo before "
                        "the emoji were pasted; inside: under the emoji, outside: everywhere "
                        "else. Click a row to see that fill.")
        self.setMaximumHeight(150)
        self.setCornerButtonEnabled(False)     # one fill at a time: nothing to select all of
        self.findChild(QtWidgets.QAbstractButton).setToolTip("Rows: the ways of cleaning; "
                                                             "columns: their scores.")
        self.keys: list[str] = []
        self.itemSelectionChanged.connect(self._on_selection)

    def show_fills(self, fills: list[Fill], chosen: str) -> None:
        self.blockSignals(True)
        self.keys = [f.key for f in fills]
        self.setRowCount(len(fills))
        self.setVerticalHeaderLabels([f.label for f in fills])
        for row, fill in enumerate(fills):
            for col, (_, key, fmt) in enumerate(COLUMNS):
                value = None if fill.scores is None else fill.scores[key]
                text = "–" if value is None or math.isnan(value) else fmt.format(value)
                item = QtWidgets.QTableWidgetItem(text)
                item.setTextAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
                self.setItem(row, col, item)
        self.selectRow(self.keys.index(chosen) if chosen in self.keys else 0)
        self.blockSignals(False)

    def text(self, key: str, column: int) -> str:
        return self.item(self.keys.index(key), column).text()

    @QtCore.Slot()
    def _on_selection(self) -> None:
        rows = self.selectionModel().selectedRows()
        if rows:
            self.sig_chosen.emit(self.keys[rows[0].row()])
