"""Cleaning a whole folder of photos: each readable picture is cleaned and written as a PNG into
another folder (atomically: a cancelled or failed photo leaves nothing), the originals are never
touched, and files that are not pictures or cannot be read are listed and skipped."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from engine.deemoji.cleaning import MAX_SIDE, Cancelled, Eagerness, PhotoCleaner
from engine.files.images import (
    IMAGE_SUFFIXES,
    ImageFileError,
    fit_within,
    image_to_array,
    load_image,
    save_png,
)


class FolderError(ValueError):
    """The folders cannot be used as given; the message says why."""


@dataclass
class FolderReport:
    written: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)   # one message per file skipped
    seconds: float = 0.0
    cancelled: bool = False      # stopped by the caller; the photo under way was not written


def output_name(path: Path, taken: set[str]) -> str:
    """``photo-clean.png``; ``photo.jpg-clean.png`` when another photo took that name."""
    name = f"{path.stem}-clean.png"
    if name in taken:
        name = f"{path.name}-clean.png"
    taken.add(name)
    return name


def clean_folder(cleaner: PhotoCleaner, source: str | Path, target: str | Path,
                 progress: Callable[[float, str], None] | None = None,
                 cancelled: Callable[[], bool] | None = None,
                 eagerness: Eagerness = Eagerness.USUAL) -> FolderReport:
    """Clean every picture of ``source`` into ``target``, deciding the emoji with ``eagerness``;
    ``progress(fraction, note)`` after each file (the note names it, with the time left),
    ``cancelled()`` is asked between files and between tiles of a photo (the report then says
    so)."""
    source, target = Path(source), Path(target)
    if not source.is_dir():
        raise FolderError(f"{source}: not a folder")
    if target.exists() and target.resolve() == source.resolve():
        raise FolderError("the output folder is the photos' own: choose another one, so the "
                          "originals are never touched")
    target.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in source.iterdir() if p.is_file() and not p.name.startswith("."))
    report, taken, start = FolderReport(), set(), time.perf_counter()
    for index, path in enumerate(files):
        if cancelled is not None and cancelled():
            report.cancelled = True
            break
        note = ""
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            report.skipped.append(f"{path.name}: not a picture file")
        else:
            try:
                image = load_image(path, "RGB")
                note = f" (shrunk to {MAX_SIDE} pixels a side)" if max(image.size) > MAX_SIDE else ""
                photo = image_to_array(fit_within(image, MAX_SIDE))
            except ImageFileError as exc:
                report.skipped.append(str(exc))
            else:
                try:
                    output = cleaner.clean(photo, cancelled, eagerness).output
                except Cancelled:
                    report.cancelled = True
                    break
                report.written.append(save_png(output, target / output_name(path, taken)))
        elapsed = time.perf_counter() - start
        left = elapsed / (index + 1) * (len(files) - index - 1)
        if progress is not None:
            progress((index + 1) / len(files), f"{path.name}{note} · {left:.0f} s left")
    report.seconds = time.perf_counter() - start
    return report
