"""Atomic file writes: write beside the target, then rename, so a kill mid-save keeps the old file.

A temporary file is named after its target and the process writing it (``.model-<pid>-<random>.keras``).
A save killed half-way leaves one behind; the next save of that target removes those of processes
that no longer run, so they do not pile up.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Callable


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs (one of another user counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Delete temporaries of ``path`` left by processes that are gone; returns what went."""
    pattern = re.compile(rf"^\.{re.escape(path.stem)}-(\d+)-[^/]*{re.escape(path.suffix)}$")
    removed = []
    try:
        candidates = list(path.parent.iterdir())
    except OSError:
        return removed
    for candidate in candidates:
        match = pattern.match(candidate.name)
        if match and int(match.group(1)) != os.getpid() and not process_alive(int(match.group(1))):
            try:
                candidate.unlink()
                removed.append(candidate)
            except OSError:
                pass
    return removed


def temporary_beside(path: Path) -> str:
    """A new, empty temporary file in ``path``'s folder (created if missing), named after it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    fd, tmp = tempfile.mkstemp(suffix=path.suffix, dir=path.parent,
                               prefix=f".{path.stem}-{os.getpid()}-")
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
    ``path``; on any failure the temporary file is removed, ``path`` is untouched, and an
    ``OSError`` names ``path`` (not the hidden temporary)."""
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(21, "is a folder, not a file", str(path))
    tmp = temporary_beside(path)
    try:
        write(tmp)
        move_into_place(tmp, path)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
