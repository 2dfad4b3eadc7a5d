"""Reading a user's files without hanging or running out of memory.

Every file the app reads on a user's say-so goes through here first: it must be a regular file
(a named pipe, a device such as /dev/zero or /dev/urandom, or a socket would block or never end),
its size is checked against what the caller can use before a byte is read, reads come in chunks
that honour a stop request, and gzip streams are inflated only up to the size they may have.
"""

from __future__ import annotations

import errno
import os
import stat
import zlib
from pathlib import Path
from typing import Callable

CHUNK = 4 * 2**20


class FileLimitError(ValueError):
    """A file that cannot be read safely; the message names the file and the reason."""


def describe_size(n: int) -> str:
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} bytes"


def check_regular_file(path: str | Path, what: str = "file") -> int:
    """The size of ``path`` if it is a readable regular file, else a :class:`FileLimitError`
    saying what it is instead."""
    path = Path(path)
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise FileLimitError(f"{path}: a loop of symbolic links, not a {what}") from None
        if exc.errno == errno.ENOENT:
            dangling = os.path.islink(path)
            what_is_there = "a symbolic link to nothing" if dangling else "no such file"
            raise FileLimitError(f"{path}: {what_is_there}") from None
        raise FileLimitError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise FileLimitError(f"{path}: is a folder, not a {what}")
    if not stat.S_ISREG(info.st_mode):
        kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(info.st_mode) else
                "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else
                "a socket" if stat.S_ISSOCK(info.st_mode) else "not a regular file")
        raise FileLimitError(f"{path}: is {kind}, not a {what}; reading it might never end")
    if not os.access(path, os.R_OK):
        raise FileLimitError(f"{path}: cannot be read (permission denied)")
    return info.st_size


def read_bounded(path: str | Path, max_bytes: int, what: str = "file",
                 stop: Callable[[], None] | None = None) -> bytes:
    """The whole of a regular file of at most ``max_bytes``, read in chunks; ``stop()`` is called
    between chunks and may raise to abandon the read."""
    path = Path(path)
    size = check_regular_file(path, what)
    if size > max_bytes:
        raise FileLimitError(f"{path}: {describe_size(size)} is more than a {what} can be "
                             f"({describe_size(max_bytes)} at most)")
    parts, total = [], 0
    try:
        with open(path, "rb") as handle:
            while True:
                if stop is not None:
                    stop()
                chunk = handle.read(CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if total > max_bytes:  # a file that grows while read, or lies about its size
                    raise FileLimitError(f"{path}: holds more than {describe_size(max_bytes)}")
                parts.append(chunk)
    except OSError as exc:
        raise FileLimitError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return b"".join(parts)


def gunzip_bounded(data: bytes, max_bytes: int, path: str | Path,
                   stop: Callable[[], None] | None = None) -> bytes:
    """Inflate a gzip stream, refusing one that would inflate past ``max_bytes`` (before it does)."""
    inflater = zlib.decompressobj(wbits=31)
    out, total, offset = [], 0, 0
    try:
        while offset < len(data) or inflater.unconsumed_tail:
            if stop is not None:
                stop()
            source = inflater.unconsumed_tail or data[offset:offset + CHUNK]
            if not inflater.unconsumed_tail:
                offset += CHUNK
            piece = inflater.decompress(source, max_bytes + 1 - total)
            total += len(piece)
            if total > max_bytes:
                raise FileLimitError(f"{path}: its gzip stream inflates past "
                                     f"{describe_size(max_bytes)}; refused")
            out.append(piece)
            if inflater.eof:
                break
        if not inflater.eof:
            raise FileLimitError(f"{path}: the gzip stream is corrupt or truncated (it ends early)")
    except zlib.error as exc:
        raise FileLimitError(f"{path}: the gzip stream is corrupt or truncated ({exc})") from None
    return b"".join(out)
