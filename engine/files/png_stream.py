"""A PNG written a band of rows at a time, so an 8192x8192 export never holds the whole image.

Plain PNG: IHDR, one IDAT chunk per band (zlib stream continued across them), IEND; filter 0.
Written to a temporary file beside the target and renamed into place when complete.
"""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import numpy as np

from engine.files.atomic import move_into_place, temporary_beside

_COLOUR_TYPES = {1: 0, 3: 2, 4: 6}  # grey, RGB, RGBA


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


class StreamingPNGWriter:
    """``with StreamingPNGWriter(path, w, h, channels) as png: png.write_rows(band)``."""

    def __init__(self, path: str | Path, width: int, height: int, channels: int,
                 compression: int = 1):
        if channels not in _COLOUR_TYPES:
            raise ValueError(f"a PNG holds 1, 3 or 4 channels, not {channels}")
        self.path = Path(path)
        self.width, self.height, self.channels = width, height, channels
        self.rows_written = 0
        self._zlib = zlib.compressobj(compression)
        self._tmp = temporary_beside(self.path)
        self._file = open(self._tmp, "wb")
        self._file.write(b"\x89PNG\r\n\x1a\n")
        header = struct.pack(">IIBBBBB", width, height, 8, _COLOUR_TYPES[channels], 0, 0, 0)
        self._file.write(_chunk(b"IHDR", header))

    def write_rows(self, band: np.ndarray) -> None:
        """Append rows: uint8 (n, width) or (n, width, channels)."""
        band = np.asarray(band, np.uint8).reshape(len(band), self.width * self.channels)
        if self.rows_written + len(band) > self.height:
            raise ValueError("more rows than the image's height")
        if not os.path.exists(self._tmp):   # the folder was deleted (or emptied) under us
            raise FileNotFoundError(2, "its folder was removed during the export",
                                    str(self.path))
        rows = np.empty((len(band), 1 + band.shape[1]), np.uint8)
        rows[:, 0] = 0  # filter type "none" on every row
        rows[:, 1:] = band
        data = self._zlib.compress(rows.tobytes())
        if data:
            self._file.write(_chunk(b"IDAT", data))
        self.rows_written += len(band)

    def close(self) -> Path:
        """Finish the file and move it into place; a short image is an error (and discarded)."""
        try:
            if self.rows_written != self.height:
                raise ValueError(f"only {self.rows_written} of {self.height} rows were written")
            self._file.write(_chunk(b"IDAT", self._zlib.flush()))
            self._file.write(_chunk(b"IEND", b""))
            self._file.close()
            try:
                move_into_place(self._tmp, self.path)
            except OSError as exc:
                raise OSError(exc.errno, exc.strerror, str(self.path)) from None
        finally:
            self.discard()
        return self.path

    def discard(self) -> None:
        """Drop a partial file (a cancelled or failed export)."""
        if not self._file.closed:
            self._file.close()
        if os.path.exists(self._tmp):
            os.unlink(self._tmp)

    def __enter__(self) -> "StreamingPNGWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.discard()
