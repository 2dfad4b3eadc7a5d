"""Cleaning a photo by hand: any photo at its own size, emoji pasted where the user clicks (20 to
200 pixels), the network's mask (decided as readily as the user asks) shown over it and corrected
with a brush (add, erase, undo), grown, shrunk, feathered, imported or exported (the mask box),
the network's fill beside OpenCV's Telea and Navier–Stokes,
judged with a before/after wipe, a difference map and PSNR/SSIM against the photo as it was; and
whole folders.

The page holds no network: the search and the fills run in a thread of their own
(:class:`engine.deemoji.hand_cleaning.HandCleaning`); the network is the bundled three (averaged),
a file the user chose, or the tab's run at its newest step.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from engine.deemoji.data import bundled_photo_paths, emoji_name, emoji_paths, load_emoji
from engine.deemoji.evaluation import held_out_photo_paths
from engine.deemoji.fills import Truth
from engine.deemoji.hand_cleaning import HandCleaning, HandResult
from engine.deemoji.hand_edits import HandEdits, disc_stamp
from engine.deemoji.networks import NetworkFiles
from engine.files.images import (
    ImageFileError,
    difference_map,
    fit_within,
    image_to_array,
    load_image,
)
from gui.deemoji.fill_table import FillTable
from gui.deemoji.folder_panel import FolderPanel
from gui.deemoji.hand_controls import HandControls, Tool, View
from gui.deemoji.mask_panel import MaskPanel
from gui.deemoji.network_choice import NetworkChoice
from gui.widgets.file_dialogs import PICTURE_FILTER, ask_path, ask_then, save_png_saying
from gui.widgets.wipe_view import WipeView
from gui.workers.latest_request_worker import LatestRequestWorker

HAND_MAX_SIDE = 3000       # pixels: five fills and their SSIM maps of a bigger photo cost GBs


class HandPage(QtWidgets.QWidget):
    """The tab's "Clean a photo" page. ``bundled`` is the bundled networks (or None)."""

    sig_cleaned = QtCore.Signal()      # a new result is shown

    def __init__(self, bundled: NetworkFiles | None, parent=None):
        super().__init__(parent)
        self.edits: HandEdits | None = None
        self.photo_known = False        # the photo is an original (scores make sense)
        self.result: HandResult | None = None
        self.chosen_fill = "network"
        self._stroke: list[tuple[float, float]] = []
        self._stroke_layer: np.ndarray | None = None
        self._photo_id = 0
        self._asked = 0                 # requests made; only the newest one's answer is shown
        self.cleaning = HandCleaning()   # used in the worker thread only
        self.worker = LatestRequestWorker(self)
        self.worker.sig_done.connect(self._on_cleaned)
        self.worker.sig_failed.connect(self._on_failed)
        self.worker.start()

        held = {p.name for p in held_out_photo_paths()}
        photos = [(p.stem + (" (held out)" if p.name in held else ""), p)
                  for p in bundled_photo_paths()]
        paths = emoji_paths()
        self.emoji = load_emoji(paths)
        named = [(emoji_name(p.stem), e) for p, e in zip(paths, self.emoji)]
        self.controls = HandControls(photos, named, bundled is not None)
        c = self.controls
        c.photo_box.activated.connect(self._on_photo_chosen)
        self.networks = NetworkChoice(c.network_box, bundled, self.say, self)
        self.networks.sig_changed.connect(self.request_clean)
        c.undo_button.clicked.connect(self.undo)
        c.mask_reset_button.clicked.connect(self.reset_brush)
        c.clear_button.clicked.connect(self.clear_pastes)
        c.show_mask.toggled.connect(self.redraw)
        c.view_box.currentIndexChanged.connect(self.redraw)
        c.save_button.clicked.connect(self._on_save)
        c.eagerness_box.currentIndexChanged.connect(self.request_clean)
        self.mask_panel = MaskPanel(self.say)
        self.mask_panel.sig_changed.connect(self.request_clean)
        self.mask_panel.import_button.clicked.connect(
            lambda: self.mask_panel.ask_import(self.edits.photo.shape[:2]))
        self.mask_panel.export_button.clicked.connect(
            lambda: self.mask_panel.ask_export(self.result.mask if self.result else None))
        c.layout().insertWidget(2, self.mask_panel)
        self.folder = FolderPanel(self.networks.network, c.eagerness, self.mask_panel, self.say)
        c.layout().addWidget(self.folder)
        self.view = WipeView(("with emoji", "cleaned"))
        self.view.sig_pressed.connect(self._on_pressed)
        self.view.sig_dragged.connect(self._on_dragged)
        self.view.sig_released.connect(self._on_released)
        self.table = FillTable()
        self.table.sig_chosen.connect(self._on_fill_chosen)
        right = QtWidgets.QVBoxLayout()
        right.addWidget(self.view, 1)
        right.addWidget(self.table)
        layout = QtWidgets.QHBoxLayout(self)
        layout.addWidget(c)
        layout.addLayout(right, 1)
        undo = QtGui.QShortcut(QtGui.QKeySequence.StandardKey.Undo, self)
        undo.activated.connect(self.undo)
        first = next((i for i, (_, path) in enumerate(photos) if path.name in held), 0)
        c.photo_box.setCurrentIndex(first)        # a photo no network here was trained on
        self.load_photo(photos[first][1], known=True)

    # -- the photo -------------------------------------------------------------------------------
    def load_photo(self, path, known: bool) -> bool:
        """Start over on the photo at ``path``, at its own size (bigger ones are shown at
        :data:`HAND_MAX_SIDE` pixels a side; folder cleaning works at full size)."""
        try:
            image = load_image(path, "RGB")
        except ImageFileError as exc:
            self.say(str(exc), True)
            return False
        photo = image_to_array(fit_within(image, HAND_MAX_SIDE))
        self.edits = HandEdits(photo)
        self.mask_panel.drop()          # an imported mask was the last photo's
        self.photo_known = known
        self._photo_id += 1
        self.result = None
        self.redraw()
        self.say("", False)
        self.request_clean()
        if max(image.size) > HAND_MAX_SIDE:
            self.say(f"{Path(path).name} is {image.width} × {image.height}: shown here at "
                     f"{photo.shape[1]} × {photo.shape[0]}; Clean a folder works at full size.",
                     False)
        return True

    @QtCore.Slot(int)
    def _on_photo_chosen(self, index: int) -> None:
        path = self.controls.photo_box.itemData(index)
        if path:
            self.load_photo(path, known=True)
            return
        path = ask_path(self, "A photo", PICTURE_FILTER, save=False)
        if path:
            self.load_photo(path, known=False)

    # -- pasting and brushing --------------------------------------------------------------------
    @QtCore.Slot(float, float)
    def _on_pressed(self, row: float, col: float) -> None:
        tool = self.controls.tool()
        if tool is Tool.PASTE:
            self.paste_at(int(row), int(col))
        else:
            self._stroke = [(row, col)]
            self._stroke_layer = disc_stamp(self.edits.photo.shape[:2], self._stroke,
                                            self.controls.brush_radius.value())
            self.redraw()

    @QtCore.Slot(float, float)
    def _on_dragged(self, row: float, col: float) -> None:
        if not self._stroke:
            return
        radius = self.controls.brush_radius.value()
        self._stroke_layer |= disc_stamp(self._stroke_layer.shape, [self._stroke[-1], (row, col)],
                                         radius)
        self._stroke.append((row, col))
        self.redraw()

    @QtCore.Slot()
    def _on_released(self) -> None:
        if self._stroke:
            self.brush(self._stroke, self.controls.tool() is Tool.ADD)

    def paste_at(self, row: int, col: int) -> None:
        """Paste the chosen emoji, at the chosen size, centred on pixel (row, col)."""
        emoji = self.emoji[self.controls.emoji_box.currentIndex()]
        self.edits.paste(emoji, self.controls.emoji_size.value(), row, col)
        self.redraw()
        self.request_clean()

    def brush(self, points: list[tuple[float, float]], add: bool) -> None:
        """Brush mask in (or erase it) along ``points``; the fill follows."""
        self.edits.brush(points, self.controls.brush_radius.value(), add)
        self._stroke, self._stroke_layer = [], None
        self.request_clean()

    @QtCore.Slot()
    def undo(self) -> None:
        if self.edits.undo():
            self.request_clean()
            self.redraw()
        else:
            self.say("Nothing to undo.", False)

    @QtCore.Slot()
    def reset_brush(self) -> None:
        self.edits.clear_brush()
        self.request_clean()

    @QtCore.Slot()
    def clear_pastes(self) -> None:
        """Start over on the same photo."""
        self.edits = HandEdits(self.edits.photo)
        self._photo_id += 1
        self.result = None
        self.redraw()
        self.request_clean()

    # -- cleaning --------------------------------------------------------------------------------
    @QtCore.Slot()
    def request_clean(self) -> None:
        """Ask the worker for the newest state's fills (latest request wins)."""
        network = self.networks.network()
        if network is None or self.edits is None:
            return
        edits = self.edits
        truth = None
        if edits.pastes or self.photo_known:
            alpha = edits.alpha
            truth = Truth(edits.photo, alpha if alpha is not None else
                          np.zeros(edits.photo.shape[:2], np.float32))
        self.controls.status.setText("Searching and filling…")
        self._asked += 1
        asked = self._asked
        clean = functools.partial(self.cleaning.clean, network, (self._photo_id, edits.version),
                                  edits.image, edits.added, edits.erased, truth,
                                  self.worker.stopping, self.controls.eagerness(),
                                  self.mask_panel.given, self.mask_panel.edit())
        self.worker.request("clean", lambda: (asked, clean()))

    @QtCore.Slot(str, object)
    def _on_cleaned(self, _tag: str, answer: tuple) -> None:
        asked, result = answer
        if self.edits is None or asked != self._asked:
            return   # an answer to an older request (another photo, network, level or brush
                     # stroke): the newest one's answer is coming
        self.result = result
        self.controls.say_cleaned(result.has_finder, result.face_sized)
        self.table.show_fills(result.fills, self.chosen_fill)
        self.redraw()
        self.sig_cleaned.emit()

    @QtCore.Slot(str, str)
    def _on_failed(self, _tag: str, message: str) -> None:
        self.controls.status.setText("")
        self.say(f"Could not clean the photo: {message}", True)

    @QtCore.Slot(str)
    def _on_fill_chosen(self, key: str) -> None:
        self.chosen_fill = key
        self.redraw()

    def shown_fill(self) -> np.ndarray | None:
        if self.result is None:
            return None
        fills = {f.key: f.output for f in self.result.fills}
        return fills.get(self.chosen_fill, self.result.fills[0].output)

    # -- what is drawn ---------------------------------------------------------------------------
    @QtCore.Slot()
    def redraw(self) -> None:
        if self.edits is None:
            return
        image, output = self.edits.image, self.shown_fill()
        view = self.controls.view()
        if output is None or output.shape != image.shape:
            self.view.set_pictures(image, image, ("with emoji", "cleaning…"))
        elif view is View.WIPE:
            self.view.set_pictures(image, output, ("with emoji", "cleaned"))
        elif view is View.CHANGED:
            self.view.set_pictures(image, difference_map(output, image),
                                   ("with emoji", "what changed (×4)"))
        else:
            self.view.set_pictures(self.edits.photo, difference_map(output, self.edits.photo),
                                   ("original", "error against the original (×4)"))
        mask = None
        if self.controls.show_mask.isChecked() and self.result is not None and \
                self.result.has_finder and self.result.mask.shape == image.shape[:2]:
            mask = self.result.mask
        if self._stroke_layer is not None:
            base = mask if mask is not None else np.zeros(image.shape[:2], bool)
            mask = base | self._stroke_layer if self.controls.tool() is Tool.ADD \
                else base & ~self._stroke_layer
        self.view.set_overlay(mask)

    # -- saving ----------------------------------------------------------------------------------
    @QtCore.Slot()
    def _on_save(self) -> None:
        ask_then(self, "Save the cleaned photo", "PNG (*.png)", self.save_result)

    def save_result(self, path) -> bool:
        """Write the fill shown, at the photo's own size, as a PNG."""
        output = self.shown_fill()
        if output is None:
            self.say("Nothing is cleaned yet.", True)
            return False
        return save_png_saying(output, path, self.say)

    def say(self, text: str, error: bool) -> None:
        self.controls.show_message(text, error)

    # -- closing ---------------------------------------------------------------------------------
    def request_stop(self) -> None:
        self.networks.stop()
        self.worker.request_stop()
        self.folder.tasks.cancel_all()

    def threads(self) -> list[QtCore.QThread]:
        return [self.worker, *self.folder.tasks.threads()]
