"""Trying a de-emoji network by hand: click a photo to paste an emoji there and see the network's
answer beside it; save the pair as a PNG.

The panel holds no network: it asks its host to clean a picture (``host.clean(image)``) and is
given the answer (:meth:`ByHandPanel.show_output`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from PySide6 import QtCore, QtGui, QtWidgets

from engine.deemoji.data import bundled_photo_paths, emoji_paths, load_emoji, paste
from engine.files.images import ImageFileError, fit_within, image_to_array, load_image, to_bytes
from gui.widgets.file_dialogs import PICTURE_FILTER, ask_path, ask_then, with_suffix
from gui.widgets.image_panel import ImagePanel

HAND_SIDE = 192      # the by-hand photo's longer side: about the scale of a training crop


class ByHandPanel(QtWidgets.QGroupBox):
    def __init__(self, host, parent=None):
        super().__init__("Try it by hand", parent)
        self.host = host
        paths = emoji_paths()
        self.emoji = load_emoji(paths)
        self.photo = np.zeros((HAND_SIDE, HAND_SIDE, 3), np.float32)
        self.image = self.photo.copy()
        self.output: np.ndarray | None = None
        self.setFixedWidth(340)
        form = QtWidgets.QFormLayout(self)
        self.photo_box = QtWidgets.QComboBox()
        for path in bundled_photo_paths():
            self.photo_box.addItem(path.stem, str(path))
        self.photo_box.addItem("Open a picture…", "")
        self.photo_box.setToolTip("The photo to paste emoji on.")
        self.photo_box.activated.connect(self._on_photo_chosen)
        form.addRow("Photo", self.photo_box)
        self.emoji_box = QtWidgets.QComboBox()
        for path, pixels in zip(paths, self.emoji):
            rgba = np.ascontiguousarray(pixels.astype(np.uint8))
            image = QtGui.QImage(rgba.data, rgba.shape[1], rgba.shape[0], rgba.strides[0],
                                 QtGui.QImage.Format.Format_RGBA8888).copy()
            self.emoji_box.addItem(QtGui.QIcon(QtGui.QPixmap.fromImage(image)), path.stem)
        self.emoji_box.setToolTip("The emoji a click pastes.")
        form.addRow("Emoji", self.emoji_box)
        self.emoji_size = QtWidgets.QSpinBox()
        self.emoji_size.setRange(8, 128)
        self.emoji_size.setValue(40)
        self.emoji_size.setToolTip("The pasted emoji's side, in pixels (training used 40 on "
                                   "96-pixel pictures).")
        form.addRow("Size", self.emoji_size)
        self.input_view = ImagePanel("Click to paste the emoji here", (300, 220))
        self.input_view.sig_clicked.connect(self.paste_at)
        self.output_view = ImagePanel("The network's output", (300, 220))
        form.addRow(QtWidgets.QLabel("Click the photo to paste:"))
        form.addRow(self.input_view)
        form.addRow(QtWidgets.QLabel("The network's answer:"))
        form.addRow(self.output_view)
        row = QtWidgets.QHBoxLayout()
        clear = QtWidgets.QPushButton("Clear")
        clear.setToolTip("Remove every pasted emoji.")
        clear.clicked.connect(self.clear)
        save = QtWidgets.QPushButton("Save result…")
        save.setToolTip("Save the photo with emoji beside the network's output as a PNG.")
        save.clicked.connect(self._on_save)
        row.addWidget(clear)
        row.addWidget(save)
        form.addRow(row)

    def load_photo(self, path: str) -> bool:
        try:
            photo = image_to_array(fit_within(load_image(path, "RGB"), HAND_SIDE))
        except ImageFileError as exc:
            self.host.show_message(str(exc))
            return False
        self.photo = photo
        self.clear()
        return True

    @QtCore.Slot(int)
    def _on_photo_chosen(self, index: int) -> None:
        path = self.photo_box.itemData(index)
        if not path:
            path = ask_path(self, "A photo", PICTURE_FILTER, save=False)
            if not path:
                return
        self.load_photo(path)

    @QtCore.Slot(int, int)
    def paste_at(self, row: int, col: int) -> None:
        """Paste the chosen emoji centred on pixel (row, col) of the photo."""
        side = self.emoji_size.value()
        pixels = self.emoji[self.emoji_box.currentIndex()].astype(np.uint8)
        emoji = np.asarray(Image.fromarray(pixels, "RGBA").resize((side, side), Image.LANCZOS),
                           np.float32)
        pasted, _ = paste(self.image * 255.0, emoji, row - side // 2, col - side // 2)
        self.image = pasted / 255.0
        self.input_view.show_image(self.image)
        self.host.clean(self.image)

    @QtCore.Slot()
    def clear(self) -> None:
        self.image = self.photo.copy()
        self.input_view.show_image(self.image)
        self.host.clean(self.image)

    def show_output(self, output: np.ndarray) -> None:
        self.output = output
        self.output_view.show_image(output)

    @QtCore.Slot()
    def _on_save(self) -> None:
        ask_then(self, "Save result", "PNG (*.png)", self.save_result)

    def save_result(self, path: str | Path) -> bool:
        if self.output is None:
            self.host.show_message("Train (or load) a network first.")
            return False
        path = with_suffix(path, (".png",))
        pair = np.concatenate([self.image, self.output], axis=1)
        try:
            Image.fromarray(to_bytes(pair)).save(path, "PNG")
        except (OSError, ValueError) as exc:
            self.host.show_message(f"Could not write {path}: {exc}")
            return False
        self.host.show_done(f"Saved {path}")
        return True
