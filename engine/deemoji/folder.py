"""Cleaning a whole folder of photos: each readable picture is cleaned and written as a PNG into
another folder (atomically: a cancelled or failed photo leaves nothing), the originals are never
touched, and files that are not pictures or cannot be read are listed and skipped. The masks may
be the user's (:class:`FolderMasks`: one for every photo, or one per photo by its name), grown,
shrunk or feathered, and written instead of filled."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from engine.deemoji.cleaning import MAX_SIDE, Cancelled, Eagerness, PhotoCleaner
from engine.deemoji.masks import MaskEdit, MaskFileError, mask_path_for, read_mask, write_mask
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


@dataclass(frozen=True)
class FolderMasks:
    """Where the masks come from and what is done with them: the network's search (neither
    ``file`` nor ``folder``), one mask ``file`` for every photo, or a mask per photo in
    ``folder`` (by name: :func:`~engine.deemoji.masks.mask_path_for`; a photo without one is
    skipped); each changed by ``edit``; with ``only``, the masks are written, not filled."""

    file: Path | None = None
    folder: Path | None = None
    edit: MaskEdit = MaskEdit()
    only: bool = False

    def __post_init__(self):
        if self.file is not None and self.folder is not None:
            raise FolderError("give one mask for every photo or a folder of masks, not both")
        if self.folder is not None and not Path(self.folder).is_dir():
            raise FolderError(f"{self.folder}: not a folder of masks")

    def given(self, photo_path: Path, shape: tuple[int, int]) -> np.ndarray | None:
        """The user's mask for the photo (None: the network finds it); MaskFileError when a
        mask is named but missing or unusable."""
        if self.file is not None:
            return read_mask(self.file, shape)
        if self.folder is not None:
            path = mask_path_for(photo_path, Path(self.folder))
            if path is None:
                raise MaskFileError(f"{photo_path.name}: no mask for it in {self.folder} (looked "
                                    f"for {photo_path.stem}.png, {photo_path.stem}-mask.png …)")
            return read_mask(path, shape)
        return None


def output_name(path: Path, taken: set[str], tail: str = "clean") -> str:
    """``photo-clean.png``; ``photo.jpg-clean.png`` when another photo took that name."""
    name = f"{path.stem}-{tail}.png"
    if name in taken:
        name = f"{path.name}-{tail}.png"
    taken.add(name)
    return name


def clean_folder(cleaner: PhotoCleaner, source: str | Path, target: str | Path,
                 progress: Callable[[float, str], None] | None = None,
                 cancelled: Callable[[], bool] | None = None,
                 eagerness: Eagerness = Eagerness.USUAL,
                 masks: FolderMasks = FolderMasks()) -> FolderReport:
    """Clean every picture of ``source`` into ``target``, deciding the emoji with ``eagerness``
    (or taking the user's ``masks``);
    ``progress(fraction, note)`` after each file (the note names it, with the time left),
    ``cancelled()`` is asked between files and between tiles of a photo (the report then says
    so)."""
    source, target = Path(source), Path(target)
    if not source.is_dir():
        raise FolderError(f"{source}: not a folder")
    if target.exists() and target.resolve() == source.resolve():
        raise FolderError("the output folder is the photos' own: choose another one, so the "
                          "originals are never touched")
    if masks.folder is not None and Path(masks.folder).resolve() == source.resolve():
        raise FolderError("the masks are in the photos' own folder: keep them in one of their "
                          "own, so no mask is taken for a photo")
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
                given = masks.given(path, photo.shape[:2])
            except (ImageFileError, MaskFileError) as exc:
                report.skipped.append(str(exc))
            else:
                try:
                    if masks.only:
                        mask = cleaner.find(photo, cancelled, eagerness, given, masks.edit)[1]
                        written = write_mask(mask, target / output_name(path, taken, "mask"))
                    else:
                        output = cleaner.clean(photo, cancelled, eagerness, given, masks.edit)
                        written = save_png(output.output, target / output_name(path, taken))
                except Cancelled:
                    report.cancelled = True
                    break
                report.written.append(written)
        elapsed = time.perf_counter() - start
        left = elapsed / (index + 1) * (len(files) - index - 1)
        if progress is not None:
            progress((index + 1) / len(files), f"{path.name}{note} · {left:.0f} s left")
    report.seconds = time.perf_counter() - start
    return report
