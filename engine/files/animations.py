"""Writing animations atomically (frames go to a temporary file renamed into place): GIF, or
animated WebP (which keeps an alpha channel), chosen by the file's suffix."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from engine.files.atomic import write_atomically

FORMATS = {".gif": "GIF", ".webp": "WEBP"}


def save_animation(frames: list[Image.Image], path: str | Path, frame_ms: int = 200,
                   last_frame_ms: int | None = 1200) -> Path:
    """Save ``frames`` as a looping animation; ``last_frame_ms`` holds the last frame longer so a
    finished run can be read (None: every frame lasts ``frame_ms``, for seamless loops)."""
    if not frames:
        raise ValueError("an animation needs at least one frame")
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(f"{path.name}: animations are saved as {' or '.join(FORMATS)}")
    durations = [frame_ms] * len(frames)
    if last_frame_ms is not None:
        durations[-1] = last_frame_ms
    options = dict(save_all=True, append_images=frames[1:], duration=durations, loop=0)
    if fmt == "GIF":
        frames = [f.convert("RGB") if f.mode == "RGBA" else f for f in frames]
        options.update(append_images=frames[1:], optimize=False, disposal=1)
    else:
        options.update(lossless=False, quality=90)
    return write_atomically(path, lambda tmp: frames[0].save(tmp, format=fmt, **options))
