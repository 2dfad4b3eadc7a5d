"""Atomic file writes: write beside the target, then rename, so a kill mid-save keeps the old file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable


def temporary_beside(path: Path) -> str:
    """A new, empty temporary file in ``path``'s folder (created if missing), named after it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=path.suffix, dir=path.parent, prefix=f".{path.stem}-")
    os.close(fd)
    return tmp


def move_into_place(tmp: str, path: Path) -> None:
    """Give ``tmp`` the usual permissions (0666 less the umask, not mkstemp's 0600) and rename it
    over ``path`` in one step."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, path)


def write_atomically(path: str | Path, write: Callable[[str], None]) -> Path:
    """Call ``write(tmp_path)`` for a temporary file in the target's folder, then rename it over
    ``path``; on any failure the temporary file is removed and ``path`` is untouched."""
    path = Path(path)
    tmp = temporary_beside(path)
    try:
        write(tmp)
        move_into_place(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
