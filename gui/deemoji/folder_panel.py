"""Cleaning a whole folder from the window: choose the photos' folder and an output folder (and,
for masks of one's own, the masks' folder), watch the progress with the time left, cancel at any
photo (the one under way is not written), and read which files were skipped and why. The mask
box's grow and feather apply; "masks only" writes the decided masks instead of fills."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6 import QtCore, QtWidgets

from engine.deemoji.cleaning import Eagerness
from engine.deemoji.folder import FolderError, FolderMasks, FolderReport, clean_folder
from engine.deemoji.networks import Cleaners
from gui.widgets.choice_box import choice_box
from gui.widgets.file_dialogs import ask_path
from gui.workers.background_task import BackgroundTask, BackgroundTasks

MASK_SOURCES = (("Found by the network", "network"),
                ("A mask per photo, from a folder…", "folder"),
                ("The imported mask, for every photo", "imported"))


def clean_folder_with(network, eagerness: Eagerness, masks: FolderMasks, source: Path,
                      target: Path, progress, cancelled) -> FolderReport:
    """Runs in the task's thread, with a cleaner of its own."""
    return clean_folder(Cleaners().get(network), source, target, progress, cancelled, eagerness,
                        masks)


def describe(report: FolderReport, target: Path) -> str:
    text = ("Cancelled (the photo under way was not written): " if report.cancelled else "") + \
        (f"{len(report.written)} photo(s) cleaned into {target} in {report.seconds:.0f} s; "
         f"{len(report.skipped)} skipped")
    return text + (": " + "; ".join(report.skipped) if report.skipped else ".")


class FolderPanel(QtWidgets.QGroupBox):
    """The "Clean a folder…" button, its progress and its Cancel. ``network()`` names the
    network to use (None: none yet, and ``say`` tells the user), ``eagerness()`` how readily it
    decides a doubtful region is an emoji; ``mask_panel`` the by-hand page's mask box (its grow,
    feather and imported mask)."""

    def __init__(self, network: Callable[[], object], eagerness: Callable[[], Eagerness],
                 mask_panel, say: Callable[[str, bool], None], parent=None):
        super().__init__("Whole folders", parent)
        self.network, self.eagerness, self.say = network, eagerness, say
        self.mask_panel = mask_panel
        self.tasks = BackgroundTasks(self)
        self.tasks.sig_progress.connect(self._on_progress)
        self.tasks.sig_failed.connect(self._on_failed)
        self.tasks.sig_busy_changed.connect(self._on_busy)
        layout = QtWidgets.QVBoxLayout(self)
        self.mask_source = choice_box(MASK_SOURCES, "Where each photo's mask comes from; a mask "
                                      "folder holds photo.png or photo-mask.png for photo.jpg.")
        self.masks_only = QtWidgets.QCheckBox("Masks only")
        self.masks_only.setToolTip("Write each photo's mask (<name>-mask.png), not its fill.")
        choice = QtWidgets.QHBoxLayout()
        choice.addWidget(self.mask_source, 1)
        choice.addWidget(self.masks_only)
        layout.addLayout(choice)
        row = QtWidgets.QHBoxLayout()
        self.start_button = QtWidgets.QPushButton("Clean a folder…")
        self.start_button.setToolTip("Clean every photo of a folder into another folder, as "
                                     "<name>-clean.png; the originals are never touched.")
        self.start_button.clicked.connect(self.ask)
        self.cancel_button = QtWidgets.QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.setToolTip("Stop after the photo being cleaned; nothing half-written "
                                      "is left behind.")
        self.cancel_button.clicked.connect(self.tasks.cancel_all)
        row.addWidget(self.start_button)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        self.progress = QtWidgets.QProgressBar()
        self.note = QtWidgets.QLabel("")
        self.note.setWordWrap(True)
        layout.addWidget(self.progress)
        layout.addWidget(self.note)
        self.report: FolderReport | None = None

    @QtCore.Slot()
    def ask(self) -> None:
        source = ask_path(self, "The folder of photos to clean", folder=True)
        masks = ""
        if source and self.mask_source.currentData() == "folder":
            masks = ask_path(self, "The folder of their masks", folder=True)
            if not masks:
                return
        if source:
            target = ask_path(self, "The folder to write the cleaned photos in", folder=True)
            if target:
                self.start(Path(source), Path(target), Path(masks) if masks else None)

    def masks(self, folder: Path | None) -> FolderMasks:
        """How the masks are had: from ``folder`` (the "from a folder" choice), the imported
        mask, or the network; FolderError when the choice cannot be met."""
        key = self.mask_source.currentData()
        if key == "imported" and self.mask_panel.given_path is None:
            raise FolderError("no mask is imported: import one in the mask box first")
        return FolderMasks(self.mask_panel.given_path if key == "imported" else None,
                           folder if key == "folder" else None, self.mask_panel.edit(),
                           self.masks_only.isChecked())

    def start(self, source: Path, target: Path, mask_folder: Path | None = None
              ) -> BackgroundTask | None:
        network = self.network()
        if network is None:
            return None
        try:
            masks = self.masks(mask_folder)
        except FolderError as exc:
            self.say(str(exc), True)
            return None
        if self.tasks.busy():
            self.say("A folder is being cleaned already.", True)
            return None
        self.report = None
        self.progress.setValue(0)
        self.note.setText(f"Cleaning {source}…")
        eagerness = self.eagerness()

        def job(progress, cancelled):
            return clean_folder_with(network, eagerness, masks, source, target, progress,
                                     cancelled)

        def done(report: FolderReport) -> None:
            self.report = report
            self.progress.setValue(100)
            self.note.setText(describe(report, target))

        return self.tasks.start(job, "", with_progress=True, on_done=done)

    @QtCore.Slot(float, str)
    def _on_progress(self, fraction: float, note: str) -> None:
        self.progress.setValue(round(fraction * 100))
        self.note.setText(note)

    @QtCore.Slot(str)
    def _on_failed(self, message: str) -> None:
        self.progress.setValue(0)
        self.note.setText(message)

    @QtCore.Slot(bool)
    def _on_busy(self, busy: bool) -> None:
        self.cancel_button.setEnabled(busy)
        self.start_button.setEnabled(not busy)
