"""The one way the app asks for a file or folder: Qt's dialogs, starting in the folder used last;
and writing a picture to the file the user named, saying how it went."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6 import QtCore, QtWidgets

from engine.files.images import save_png

LAST_FOLDER_KEY = "files/last_folder"
PICTURE_FILTER = "Pictures (*.png *.jpg *.jpeg *.bmp *.gif *.webp *.tif *.tiff);;All (*)"


def ask_path(parent: QtWidgets.QWidget, title: str, filters: str = "", save: bool = True,
             folder: bool = False) -> str:
    """A path chosen by the user ('' if cancelled): a file to save or open, or a folder."""
    settings = QtCore.QSettings()
    start = str(settings.value(LAST_FOLDER_KEY, str(Path.home())))
    if folder:
        path = QtWidgets.QFileDialog.getExistingDirectory(parent, title, start)
    elif save:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(parent, title, start, filters)
    else:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(parent, title, start, filters)
    if path:
        settings.setValue(LAST_FOLDER_KEY, str(Path(path) if folder else Path(path).parent))
    return path


def ask_then(parent: QtWidgets.QWidget, title: str, filters: str, action, save: bool = True) -> None:
    """Ask for a file, then call ``action(path)`` with it (nothing if cancelled)."""
    path = ask_path(parent, title, filters, save)
    if path:
        action(path)


def with_suffix(path, allowed: tuple[str, ...]) -> Path:
    """``path`` if it ends in one of ``allowed`` (in any case), else with the first appended: a
    name typed without ".png" still saves a PNG."""
    path = Path(path)
    return path if path.suffix.lower() in allowed else path.with_name(path.name + allowed[0])


def save_png_saying(image, path, say: Callable[[str, bool], None], what: str = "") -> bool:
    """Write ``image`` (floats in [0, 1]) as a PNG at ``path`` (".png" added if missing) and
    ``say(text, error)`` where it went or why it could not."""
    path = with_suffix(path, (".png",))
    try:
        save_png(image, path)
    except OSError as exc:
        say(f"Could not write {path}: {exc.strerror or exc}", True)
        return False
    say(f"Saved {what}{path}", False)
    return True
