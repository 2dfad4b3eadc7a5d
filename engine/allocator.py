"""Two glibc malloc settings that keep resident memory close to what the app really holds.

Each new thread (every training run has one) gets a malloc arena of its own, and memory that the
GUI thread frees from another thread's arena stays in that arena; with the default dynamic mmap
threshold, multi-megabyte arrays (weight copies, snapshots) stop being returned to the system once
one has been freed. Measured in the window, ten short runs kept in a tab: resident memory grew
~65 MB a run with the defaults, ~25 MB a run with these settings, for 22.6 MB of records a run.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
ARENAS = 2
MMAP_THRESHOLD = 1 << 20   # arrays of 1 MB and more are mapped, and unmapped when freed


def tune_malloc() -> bool:
    """Apply the settings (before threads start, ideally); False where malloc is not glibc's."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return bool(mallopt(M_ARENA_MAX, ARENAS)) and bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
