"""The "Mask" box of the by-hand page: grow or shrink the decided mask by N pixels, feather its
inner edge, import a mask picture (or a PNG's alpha) in place of the network's, and export the
mask that is filled. The fill never changes a pixel outside the (grown) mask."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
from PySide6 import QtCore, QtWidgets

from engine.deemoji.masks import MAX_EDIT, MaskEdit, MaskFileError, read_mask
from gui.widgets.file_dialogs import PICTURE_FILTER, ask_path, ask_then, save_png_saying
from gui.widgets.spin_box import spin_box


class MaskPanel(QtWidgets.QGroupBox):
    """``say(text, error)`` tells the user; ``sig_changed`` when the fill must follow."""

    sig_changed = QtCore.Signal()

    def __init__(self, say: Callable[[str, bool], None], parent=None):
        super().__init__("Mask", parent)
        self.say = say
        self.given: np.ndarray | None = None      # an imported mask, in the photo's size
        self.given_path: Path | None = None
        form = QtWidgets.QFormLayout(self)
        self.grow_box = spin_box(-MAX_EDIT, MAX_EDIT, "Grow the mask by this many pixels "
                                 "(negative: shrink it); the fill reaches no further.",
                                 value=0, suffix=" px", tracking=False)
        self.feather_box = spin_box(0, MAX_EDIT, "Blend the fill into the photo over this many "
                                    "pixels inside the mask's edge (never past it).", value=0,
                                    suffix=" px", tracking=False)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.grow_box)
        row.addWidget(QtWidgets.QLabel("feather"))
        row.addWidget(self.feather_box)
        form.addRow("Grow", row)
        buttons = QtWidgets.QHBoxLayout()
        self.import_button = QtWidgets.QPushButton("Import…")
        self.import_button.setToolTip("Fill a mask of your own instead of the network's: a "
                                      "picture, white where to fill, or a PNG whose opaque "
                                      "part is the mask.")
        self.drop_button = QtWidgets.QPushButton("Network's")
        self.drop_button.setToolTip("Back to the mask the network decides.")
        self.drop_button.setEnabled(False)
        self.export_button = QtWidgets.QPushButton("Export…")
        self.export_button.setToolTip("Save the mask that is filled (white) as a PNG.")
        for button in (self.import_button, self.drop_button, self.export_button):
            buttons.addWidget(button)
        form.addRow(buttons)
        self.grow_box.valueChanged.connect(self.sig_changed)
        self.feather_box.valueChanged.connect(self.sig_changed)
        self.drop_button.clicked.connect(self.drop)

    def edit(self) -> MaskEdit:
        return MaskEdit(self.grow_box.value(), self.feather_box.value())

    def import_mask(self, path, shape: tuple[int, int]) -> bool:
        """Use the mask in ``path`` for a photo of ``shape`` (rows, cols)."""
        try:
            self.given = read_mask(path, shape)
        except MaskFileError as exc:
            self.say(str(exc), True)
            return False
        self.given_path = Path(path)
        self.drop_button.setEnabled(True)
        self.say(f"Filling the mask of {Path(path).name}", False)
        self.sig_changed.emit()
        return True

    def ask_import(self, shape: tuple[int, int]) -> None:
        path = ask_path(self, "A mask (white or opaque: fill)", PICTURE_FILTER, save=False)
        if path:
            self.import_mask(path, shape)

    @QtCore.Slot()
    def drop(self) -> None:
        """Back to the network's mask (a new photo drops an imported mask too)."""
        had = self.given is not None
        self.given, self.given_path = None, None
        self.drop_button.setEnabled(False)
        if had:
            self.sig_changed.emit()

    def ask_export(self, mask: np.ndarray | None) -> None:
        if mask is None:
            self.say("No mask is decided yet.", True)
            return
        ask_then(self, "Save the mask", "PNG (*.png)", lambda path: self.export_mask(mask, path))

    def export_mask(self, mask: np.ndarray, path) -> bool:
        """``mask`` as a PNG, white where it fills."""
        return save_png_saying(np.asarray(mask, np.float32), path, self.say, "the mask as ")

    def settings_widgets(self) -> dict:
        return {"hand_mask_grow": self.grow_box, "hand_mask_feather": self.feather_box}
