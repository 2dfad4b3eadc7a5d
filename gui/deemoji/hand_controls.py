"""The controls of the by-hand page: which network and photo, how readily emoji are found (as
trained, fewer, more), what a press on the photo does (paste an emoji, brush mask in, erase it),
the emoji and brush sizes, what the view shows, and the page's messages."""

from __future__ import annotations

import enum
from pathlib import Path

import numpy as np
from PySide6 import QtGui, QtWidgets

from engine.deemoji.cleaning import Eagerness
from engine.deemoji.hand_edits import BRUSH_RADII, PASTE_SIDES
from gui.widgets.qimage import qimage_of
from gui.widgets.spin_box import spin_box


class Tool(enum.Enum):
    PASTE = "Paste emoji"
    ADD = "Brush mask in"
    ERASE = "Erase mask"


EAGERNESS = (("As trained", Eagerness.USUAL), ("Fewer (spare the photo)", Eagerness.FEWER),
             ("More (take unsure ones)", Eagerness.MORE))


class View(enum.Enum):
    WIPE = "Before | after (drag the line)"
    CHANGED = "What changed (difference ×4)"
    ERROR = "Error against the original (×4)"


def emoji_icon(rgba: np.ndarray) -> QtGui.QIcon:
    return QtGui.QIcon(QtGui.QPixmap.fromImage(qimage_of(rgba.astype(np.uint8))))


class HandControls(QtWidgets.QWidget):
    """``photos``: (label, path) of the bundled photos; ``emoji``: (name, RGBA pixels)."""

    def __init__(self, photos: list[tuple[str, Path]], emoji: list[tuple[str, np.ndarray]],
                 has_bundled: bool, parent=None):
        super().__init__(parent)
        self.setFixedWidth(300)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        source = QtWidgets.QGroupBox("Network and photo")
        form = QtWidgets.QFormLayout(source)
        self.network_box = QtWidgets.QComboBox()
        if has_bundled:
            self.network_box.addItem("Bundled (three, averaged)", "bundled")
        self.network_box.addItem("This tab's run, newest step", "run")
        self.network_box.addItem("A network file…", "file")
        self.network_box.setToolTip("The network that finds and fills the emoji. Bundled: three "
                                    "networks trained alike, what they find averaged (fewer "
                                    "emoji left behind than one, three times the search).")
        form.addRow("Network", self.network_box)
        self.photo_box = QtWidgets.QComboBox()
        for label, path in photos:
            self.photo_box.addItem(label, str(path))
        self.photo_box.addItem("Open a picture…", "")
        self.photo_box.setToolTip("The photo, at its own size. Held-out photos were never "
                                  "trained on.")
        form.addRow("Photo", self.photo_box)
        self.eagerness_box = QtWidgets.QComboBox()
        for text, level in EAGERNESS:
            self.eagerness_box.addItem(text, level.value)
        self.eagerness_box.setToolTip("How sure the network must be before a region counts as "
                                      "an emoji (here and for whole folders). Fewer leaves more "
                                      "of the photo alone and misses more emoji; more finds "
                                      "emoji it has never seen and marks more of a clean "
                                      "photo: look at the red mask.")
        form.addRow("Find", self.eagerness_box)
        layout.addWidget(source)

        edit = QtWidgets.QGroupBox("A press on the photo…")
        form = QtWidgets.QFormLayout(edit)
        self.tool_buttons: dict[Tool, QtWidgets.QRadioButton] = {}
        group = QtWidgets.QButtonGroup(self)
        for tool in Tool:
            button = QtWidgets.QRadioButton(tool.value)
            group.addButton(button)
            self.tool_buttons[tool] = button
            form.addRow(button)
        self.tool_buttons[Tool.PASTE].setChecked(True)
        self.tool_buttons[Tool.PASTE].setToolTip("Paste the chosen emoji, centred where you "
                                                 "press; the network then looks for it.")
        self.tool_buttons[Tool.ADD].setToolTip("Paint where the network missed emoji; the fill "
                                               "follows when you let go.")
        self.tool_buttons[Tool.ERASE].setToolTip("Paint out mask the network put on clean parts.")
        self.emoji_box = QtWidgets.QComboBox()
        self.emoji_box.setSizeAdjustPolicy(
            QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.emoji_box.setMinimumContentsLength(12)       # long names do not widen the panel
        for name, pixels in emoji:
            self.emoji_box.addItem(emoji_icon(pixels), name)
        self.emoji_box.setToolTip("The emoji a press pastes.")
        form.addRow("Emoji", self.emoji_box)
        self.emoji_size = spin_box(*PASTE_SIDES, "The pasted emoji's side, in the photo's pixels.",
                                   value=60, suffix=" px")
        form.addRow("Emoji size", self.emoji_size)
        self.brush_radius = spin_box(*BRUSH_RADII, "The brush's radius, in the photo's pixels.",
                                     value=10, suffix=" px")
        form.addRow("Brush radius", self.brush_radius)
        buttons = QtWidgets.QHBoxLayout()
        self.undo_button = QtWidgets.QPushButton("Undo")
        self.undo_button.setToolTip("Take back the last paste or brush stroke (Ctrl+Z).")
        self.mask_reset_button = QtWidgets.QPushButton("Reset mask")
        self.mask_reset_button.setToolTip("Drop every brush stroke: back to the network's mask.")
        self.clear_button = QtWidgets.QPushButton("Remove emoji")
        self.clear_button.setToolTip("Start over on the photo as it was.")
        for button in (self.undo_button, self.mask_reset_button, self.clear_button):
            buttons.addWidget(button)
        form.addRow(buttons)
        layout.addWidget(edit)

        judge = QtWidgets.QGroupBox("Judge the result")
        form = QtWidgets.QFormLayout(judge)
        self.show_mask = QtWidgets.QCheckBox("Show the mask (red)")
        self.show_mask.setChecked(True)
        self.show_mask.setToolTip("Tint the pixels that are filled: the network's mask with "
                                  "your corrections.")
        form.addRow(self.show_mask)
        self.view_box = QtWidgets.QComboBox()
        for view in View:
            self.view_box.addItem(view.value, view)
        self.view_box.setToolTip("Right of the line: the cleaned photo, what the cleaning "
                                 "changed, or its error against the photo before the emoji.")
        form.addRow("View", self.view_box)
        self.save_button = QtWidgets.QPushButton("Save the cleaned photo…")
        self.save_button.setToolTip("The fill chosen in the table, at the photo's own size (PNG).")
        form.addRow(self.save_button)
        self.status = QtWidgets.QLabel("")
        form.addRow(self.status)
        self.invented = QtWidgets.QLabel("")   # said when a fill covers a face-sized region
        self.invented.setWordWrap(True)
        self.invented.setStyleSheet("color: #8a5a00;")
        self.invented.setSizePolicy(QtWidgets.QSizePolicy.Policy.Preferred,
                                    QtWidgets.QSizePolicy.Policy.MinimumExpanding)
        form.addRow(self.invented)
        layout.addWidget(judge)
        self.message = QtWidgets.QLabel("")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def tool(self) -> Tool:
        return next(t for t, b in self.tool_buttons.items() if b.isChecked())

    def view(self) -> View:
        return self.view_box.currentData()

    def eagerness(self) -> Eagerness:
        return Eagerness(self.eagerness_box.currentData())

    def show_message(self, text: str, error: bool = True) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "")
        self.message.setText(text)

    def say_cleaned(self, has_finder: bool, face_sized: int) -> None:
        """The status after a cleaning, and the plain word on what a large fill can do."""
        self.status.setText("" if has_finder else
                            "A 2018 network repaints the whole photo: no mask to edit.")
        regions = "a face-sized region" if face_sized == 1 else \
            f"{face_sized} face-sized regions"
        self.invented.setText(f"The fill covers {regions}: it invents what was there and "
                              "does not recover a face." if face_sized else "")

    def settings_widgets(self) -> dict:
        return {"hand_emoji_size": self.emoji_size, "hand_brush_radius": self.brush_radius,
                "hand_show_mask": self.show_mask, "hand_find_emoji": self.eagerness_box}
