"""Writing animations a frame at a time: GIF, animated WebP (which keeps alpha) and MP4 (H.264),
chosen by the file's suffix.

Frames go straight to a temporary file beside the target, so an animation of any length holds
one frame in memory; the file is renamed into place when the last frame is in and removed if the
writing stops early (a cancel, a full disk). GIF frames each get their own 256-colour palette
(Pillow's adaptive quantiser); WebP and MP4 are encoded by FFmpeg through PyAV (libwebp and
libx264; MP4 frames are padded to even sides, as H.264's 4:2:0 colour needs).
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path
from typing import Iterable

import numpy as np
from PIL import GifImagePlugin, Image

from engine.files.atomic import move_into_place, temporary_beside

FORMATS = (".gif", ".webp", ".mp4")


def _as_image(frame) -> Image.Image:
    if isinstance(frame, Image.Image):
        return frame
    pixels = np.asarray(frame, np.uint8)
    if pixels.ndim == 3 and pixels.shape[-1] == 1:
        pixels = pixels[..., 0]
    return Image.fromarray(pixels)


class _GifFrames:
    def __init__(self, handle):
        self._handle = handle
        self._started = False

    def add(self, image: Image.Image, duration_ms: float) -> None:
        duration_ms = round(duration_ms)   # GIF counts hundredths of a second; Pillow takes ms
        frame = image.convert("RGB").quantize(256, dither=Image.Dither.NONE)
        if not self._started:
            header, _ = GifImagePlugin.getheader(frame, None, {"loop": 0, "duration": duration_ms})
            self._handle.write(b"".join(header))
            self._started = True
        data = GifImagePlugin.getdata(frame, duration=duration_ms, include_color_table=True,
                                      disposal=1)
        self._handle.write(b"".join(data))

    def finish(self) -> None:
        self._handle.write(b";")


class _VideoFrames:
    """WebP (libwebp_anim, with alpha) or MP4 (libx264) through PyAV.

    Timestamps count frames in a time base of one frame (1/fps) that this object owns. The
    stream's own time base is no clock to count in: the MP4 muxer replaces it when it writes the
    header, once the encoder's look-ahead (about 40 frames) gives out the first packet, and
    frames stamped in it after that came out out of order ("Invalid argument", error 22).
    """

    def __init__(self, path: str, suffix: str, frame_ms: float, size: tuple[int, int]):
        import av  # only exports need FFmpeg

        self._av = av
        webp = suffix == ".webp"
        self._container = av.open(path, "w", format="webp" if webp else "mp4",
                                  options={"loop": "0"} if webp else {})
        self._alpha = webp
        width, height = size
        if not webp:   # 4:2:0 colour needs even sides
            width, height = width + width % 2, height + height % 2
        self._size = (width, height)
        self._frame_ms = max(float(frame_ms), 1.0)
        rate = Fraction(1000 / self._frame_ms).limit_denominator(1001)
        self._stream = self._container.add_stream("libwebp_anim" if webp else "libx264", rate=rate)
        self._stream.width, self._stream.height = width, height
        self._stream.pix_fmt = "yuva420p" if webp else "yuv420p"
        self._stream.options = {"quality": "90"} if webp else {"crf": "18", "preset": "medium"}
        self._time_base = 1 / rate
        self._stream.time_base = self._time_base
        self._frames = 0

    def add(self, image: Image.Image, duration_ms: float) -> None:
        mode = "RGBA" if self._alpha else "RGB"
        pixels = np.asarray(image.convert(mode))
        width, height = self._size
        if pixels.shape[:2] != (height, width):
            pixels = np.pad(pixels, ((0, height - pixels.shape[0]), (0, width - pixels.shape[1]),
                                     (0, 0)), mode="edge")
        frame = self._av.VideoFrame.from_ndarray(pixels, format="rgba" if self._alpha else "rgb24")
        # a longer frame is the frame repeated: encoders take no duration for the last one
        for _ in range(max(1, round(duration_ms / self._frame_ms))):
            frame.pts, frame.time_base = self._frames, self._time_base
            self._frames += 1
            for packet in self._stream.encode(frame):
                self._container.mux(packet)

    def finish(self) -> None:
        for packet in self._stream.encode():
            self._container.mux(packet)
        self._container.close()


class AnimationWriter:
    """``with AnimationWriter(path, frame_ms) as out: out.add(frame)`` (Pillow images or uint8
    arrays, all the size of the first); the file appears only when the ``with`` ends cleanly."""

    def __init__(self, path: str | Path, frame_ms: float = 200):
        self.path = Path(path)
        self.suffix = self.path.suffix.lower()
        if self.suffix not in FORMATS:
            raise ValueError(f"{self.path.name}: animations are saved as "
                             f"{', '.join(FORMATS[:-1])} or {FORMATS[-1]}")
        self.frame_ms = frame_ms
        self.frames = 0
        self._tmp = temporary_beside(self.path)
        self._handle = None
        self._frames = None

    def add(self, frame, duration_ms: float | None = None) -> None:
        image = _as_image(frame)
        if self._frames is None:
            if self.suffix == ".gif":
                self._handle = open(self._tmp, "wb")
                self._frames = _GifFrames(self._handle)
            else:
                self._frames = _VideoFrames(self._tmp, self.suffix, self.frame_ms, image.size)
        if not os.path.exists(self._tmp):
            raise FileNotFoundError(2, "its folder was removed while writing", str(self.path))
        self._frames.add(image, self.frame_ms if duration_ms is None else duration_ms)
        self.frames += 1

    def close(self) -> Path:
        try:
            if self._frames is None:
                raise ValueError("an animation needs at least one frame")
            self._frames.finish()
            if self._handle is not None:
                self._handle.close()
            try:
                move_into_place(self._tmp, self.path)
            except OSError as exc:
                raise OSError(exc.errno, exc.strerror, str(self.path)) from None
        finally:
            self.discard()
        return self.path

    def discard(self) -> None:
        """Drop a partial file (a cancelled or failed export)."""
        if self._handle is not None and not self._handle.closed:
            self._handle.close()
        if isinstance(self._frames, _VideoFrames):
            try:
                self._frames._container.close()
            except Exception:  # already closed, or broken: the file goes anyway
                pass
        if os.path.exists(self._tmp):
            os.unlink(self._tmp)

    def __enter__(self) -> "AnimationWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.discard()


def save_animation(frames: Iterable, path: str | Path, frame_ms: int = 200,
                   last_frame_ms: int | None = 1200) -> Path:
    """Save ``frames`` as a looping animation; ``last_frame_ms`` holds the last frame longer so a
    finished run can be read (None: every frame lasts ``frame_ms``, for seamless loops)."""
    frames = list(frames)
    with AnimationWriter(path, frame_ms) as out:
        for i, frame in enumerate(frames):
            last = i == len(frames) - 1 and last_frame_ms is not None
            out.add(frame, last_frame_ms if last else frame_ms)
    return Path(path)
