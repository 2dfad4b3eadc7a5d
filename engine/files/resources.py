"""Paths to the files shipped in ``resources/``, in source runs and in the frozen app alike."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """The ``resources/`` folder: beside the sources, or inside PyInstaller's bundle when frozen."""
    bundle = getattr(sys, "_MEIPASS", None)
    base = Path(bundle) if bundle else Path(__file__).resolve().parents[2]
    return base / "resources"


def resource_path(*parts: str) -> Path:
    """Path of a shipped resource; a missing one raises FileNotFoundError naming what is there."""
    path = resources_dir().joinpath(*parts)
    if not path.exists():
        parent = path.parent
        known = sorted(p.name for p in parent.iterdir()) if parent.is_dir() else []
        raise FileNotFoundError(
            f"resource {'/'.join(parts)!r} is missing from {resources_dir()}; "
            f"{parent.name}/ holds: {', '.join(known) or 'nothing'}"
        )
    return path
