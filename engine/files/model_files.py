"""Saving and loading models as one ``.keras`` file: atomically, and with clear errors.

The one save and load path for every network the app trains. A file is checked before Keras
opens it: it must be a regular file (not a pipe or a device), a zip archive, and declare sizes a
model of ours could have, so a damaged or hostile file is refused by name before anything is
inflated. Keras' safe mode stays on: no pickled code or Lambda layers run.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Sequence

import numpy as np

from engine.files.atomic import write_atomically
from engine.files.limits import FileLimitError, check_regular_file
from engine.tf_runtime import keras

MAX_CONFIG_BYTES = 16 * 2**20       # a model's config.json: ours are a few tens of kB
MAX_MODEL_BYTES = 2 * 2**30         # all entries inflated: ours are at most ~60 MB
MAX_COMPRESSION = 200               # inflated / stored, per entry: zip bombs go far beyond


class ModelFileError(ValueError):
    """A model file that cannot be used; the message names the file and the problem."""


def save_model(model: keras.Model, path: str | Path) -> Path:
    """Write ``model`` to a temporary file beside ``path``, then rename it into place."""
    path = Path(path)
    if path.suffix != ".keras":
        raise ModelFileError(f"{path}: model files end in .keras")
    if path.is_dir():
        raise ModelFileError(f"{path}: is a folder, not a model file")
    return write_atomically(path, model.save)


def _check_archive(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ModelFileError(f"{path}: not a Keras 3 .keras file (it is not a zip archive: "
                             f"{exc})") from None
    names = {e.filename for e in entries}
    if "config.json" not in names:
        raise ModelFileError(f"{path}: not a Keras 3 .keras file (no config.json inside)")
    total = sum(e.file_size for e in entries)
    if total > MAX_MODEL_BYTES:
        raise ModelFileError(f"{path}: its entries inflate to {total / 2**30:.1f} GiB; Latent Lab's "
                             f"models are far smaller (refused before reading)")
    for entry in entries:
        if entry.filename == "config.json" and entry.file_size > MAX_CONFIG_BYTES:
            raise ModelFileError(f"{path}: its config.json declares {entry.file_size / 2**20:.0f} "
                                 "MiB; a model's description is a few kB (refused before reading)")
        if entry.file_size > MAX_COMPRESSION * max(entry.compress_size, 1) + 2**20:
            raise ModelFileError(f"{path}: {entry.filename} would inflate {entry.file_size:,} "
                                 f"bytes from {entry.compress_size:,} (refused before reading)")


def load_model(path: str | Path) -> keras.Model:
    """Load a ``.keras`` file after checking it; anything unusable raises :class:`ModelFileError`."""
    path = Path(path)
    try:
        check_regular_file(path, "model file")
    except FileLimitError as exc:
        raise ModelFileError(str(exc)) from None
    _check_archive(path)
    try:
        return keras.models.load_model(path, compile=False)
    except Exception as exc:  # Keras raises many types for foreign or damaged files
        raise ModelFileError(f"{path}: not a model Latent Lab can load ({exc})") from None


def matching_weights(theirs: Sequence[np.ndarray], mine: Sequence[np.ndarray], path: str | Path,
                     what: str, hint: str) -> tuple[np.ndarray, ...]:
    """``theirs`` if they fit a model whose weights are ``mine``, else a :class:`ModelFileError`
    saying how they differ and ``hint`` (what to choose instead)."""
    a = [tuple(w.shape) for w in mine]
    b = [tuple(w.shape) for w in theirs]
    if a != b:
        raise ModelFileError(f"{path}: its {what} has a different architecture ({len(b)} weight "
                             f"arrays, shapes {b[:3]}...) than this one ({len(a)}, {a[:3]}...); "
                             f"{hint}")
    return tuple(np.asarray(w, np.float32) for w in theirs)
