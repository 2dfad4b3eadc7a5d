"""A folder of one's own pictures, read for a dataset: its subfolders are the classes (the
convention of ``keras.utils.image_dataset_from_directory``), or a flat folder is one class.

PNG, JPEG, WebP, BMP and GIF of any size, grey or colour, each read whole (EXIF orientation
applied, transparency over white), made grey or kept RGB and resized to ``side`` × ``side`` (its
aspect ignored, as Keras does by default) into one uint8 array, so 100,000 pictures of 28 × 28
grey take 78 MB however large the files. A file that cannot be read is listed with its reason
and skipped; only a folder with no readable picture at all is an error.
:func:`engine.latent.datasets.load_path` makes the result a dataset.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
from PIL import Image

from engine.files.images import ImageFileError, load_image

PICTURE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif"}
GREY_MODES = {"1", "L", "LA", "La", "I", "I;16", "F"}
SKIPPED_SHOWN = 5          # skipped files named in the notice; the rest are counted


class PictureFolderError(ValueError):
    """A folder that holds no usable pictures; the message names it and says why."""


@dataclass(frozen=True)
class PictureFolder:
    """What a folder's pictures read to: ``images`` (N, side, side) uint8 grey or (N, side, side,
    3) RGB, ``labels`` (N,) indices into ``class_names``, a ``notice`` of the files skipped
    (empty: none), and whether its pictures are in ``colour`` (the first of each class, by
    their headers)."""

    images: np.ndarray
    labels: np.ndarray
    class_names: tuple[str, ...]
    notice: str
    colour: bool


def _pictures_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir()
                  if p.suffix.lower() in PICTURE_SUFFIXES and not p.name.startswith("."))


def picture_classes(folder: str | Path, max_pictures: int) -> list[tuple[str, list[Path]]]:
    """(class name, its picture files) for each class: the subfolders holding pictures, sorted
    by name, or the folder itself as one class when none does. Raises PictureFolderError when
    there is no picture at all, or more than ``max_pictures``."""
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise PictureFolderError(f"{folder}: not a folder")
    classes = [(sub.name, _pictures_in(sub)) for sub in sorted(folder.iterdir())
               if sub.is_dir() and not sub.name.startswith(".")]
    classes = [(name, files) for name, files in classes if files]
    if not classes:
        classes = [(folder.name, _pictures_in(folder))]
    count = sum(len(files) for _, files in classes)
    if count == 0:
        raise PictureFolderError(f"{folder}: no pictures ({', '.join(sorted(PICTURE_SUFFIXES))}) in it "
                           "or in its subfolders")
    if count > max_pictures:
        raise PictureFolderError(f"{folder}: {count:,} pictures; Latent Lab reads up to "
                                 f"{max_pictures:,} from a folder")
    return classes


def small_picture(path: Path, side: int, channels: int) -> np.ndarray:
    """One picture as ``side`` × ``side`` bytes, grey (side, side) or RGB (side, side, 3)."""
    img = load_image(path, "L" if channels == 1 else "RGB")
    return np.asarray(img.resize((side, side), Image.Resampling.BOX), np.uint8)


def picture_in_colour(path: Path) -> bool:
    """Whether a picture file is stored in colour, from its header alone."""
    try:
        with Image.open(path) as img:
            return img.mode not in GREY_MODES
    except (OSError, ValueError):
        return False


def classes_in_colour(classes: list[tuple[str, list[Path]]], per_class: int = 32) -> bool:
    """Whether the first pictures of any class are in colour (headers only, so it is quick)."""
    return any(picture_in_colour(p) for _, files in classes for p in files[:per_class])


def folder_in_colour(folder: str | Path) -> bool:
    """:func:`classes_in_colour` of a folder; False where it holds no pictures."""
    try:
        return classes_in_colour(picture_classes(folder, 10**9))
    except (PictureFolderError, OSError):
        return False


def read_picture_folder(folder: str | Path, side: int, max_pictures: int,
                        stop: Callable[[], None] | None = None,
                        progress: Callable[[int, int], None] | None = None,
                        channels: int = 1) -> PictureFolder:
    """The pictures under ``folder``; ``stop()`` is called between pictures and may raise to
    abandon the read, ``progress(done, total)`` every 256 pictures and at the end."""
    folder = Path(folder).expanduser()
    classes = picture_classes(folder, max_pictures)
    total = sum(len(files) for _, files in classes)
    images = np.empty((total, side, side) + ((3,) if channels == 3 else ()), np.uint8)
    labels = np.empty(total, np.int64)
    kept, done, skipped = 0, 0, []
    for label, (_, files) in enumerate(classes):
        for path in files:
            if stop is not None:
                stop()
            try:
                images[kept] = small_picture(path, side, channels)
                labels[kept] = label
                kept += 1
            except (ImageFileError, OSError, ValueError) as exc:
                skipped.append(f"{path.relative_to(folder)} ({_reason(exc, path)})")
            done += 1
            if progress is not None and (done % 256 == 0 or done == total):
                progress(done, total)
    if kept == 0:
        raise PictureFolderError(f"{folder}: none of its {total} pictures could be read; the "
                                 f"first: {skipped[0]}")
    return PictureFolder(images[:kept].copy() if kept < total else images, labels[:kept],
                         tuple(name for name, _ in classes), skipped_notice(skipped),
                         classes_in_colour(classes))


def _reason(exc: Exception, path: Path) -> str:
    text = str(exc) or type(exc).__name__
    return text.removeprefix(f"{path}: ")


def skipped_notice(skipped: list[str]) -> str:
    """What to tell the user about unreadable files: how many, and the first few by name."""
    if not skipped:
        return ""
    named = "; ".join(skipped[:SKIPPED_SHOWN])
    more = f"; and {len(skipped) - SKIPPED_SHOWN} more" if len(skipped) > SKIPPED_SHOWN else ""
    return f"skipped {len(skipped)} unreadable picture(s): {named}{more}"
