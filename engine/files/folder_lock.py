"""A lock file that keeps two runs from writing into one output folder at once."""

from __future__ import annotations

import os
from pathlib import Path

from engine.files.atomic import process_alive

LOCK_NAME = ".latent-lab.lock"


class FolderLockError(RuntimeError):
    """Another live process holds the folder; the message names it."""


class FolderLock:
    """``with FolderLock(folder):`` creates the folder if needed and holds ``.latent-lab.lock`` in
    it; a lock left by a process that no longer runs is taken over."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.path = self.folder / LOCK_NAME

    def __enter__(self) -> "FolderLock":
        if self.folder.exists() and not self.folder.is_dir():
            raise FolderLockError(f"{self.folder}: exists and is not a folder")
        self.folder.mkdir(parents=True, exist_ok=True)
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                try:
                    pid = int(self.path.read_text().strip() or 0)
                except (OSError, ValueError):
                    pid = 0
                if pid and process_alive(pid):
                    raise FolderLockError(f"{self.folder}: another run (process {pid}) is writing "
                                          "into this folder; choose another --out") from None
                self.path.unlink(missing_ok=True)  # left by a run that died: take it over
                continue
            with os.fdopen(fd, "w") as handle:
                handle.write(str(os.getpid()))
            return self
        raise FolderLockError(f"{self.folder}: could not take its lock file {self.path}")

    def __exit__(self, *exc) -> None:
        self.path.unlink(missing_ok=True)
