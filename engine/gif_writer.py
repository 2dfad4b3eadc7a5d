"""Writing animated GIFs atomically: frames go to a temporary file renamed into place."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from engine.atomic_file import write_atomically


def save_gif(frames: list[Image.Image], path: str | Path, frame_ms: int = 200,
             last_frame_ms: int = 1200) -> Path:
    """Save ``frames`` as a looping GIF; the last frame is held longer so the result can be read."""
    if not frames:
        raise ValueError("a GIF needs at least one frame")
    durations = [frame_ms] * (len(frames) - 1) + [last_frame_ms]
    return write_atomically(path, lambda tmp: frames[0].save(
        tmp, format="GIF", save_all=True, append_images=frames[1:], duration=durations,
        loop=0, optimize=False, disposal=1))
