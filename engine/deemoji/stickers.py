"""The user's own stickers (logos, watermarks, stickers: PNGs with a transparent background) for
teaching a de-emoji network to find them.

A sticker run starts from a bundled network and pastes the user's stickers on a share of its
pictures and the bundled emoji on the rest, so the emoji stay found
(:func:`engine.deemoji.evaluation.score_stickers` measures both).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
from PIL import Image

from engine.deemoji.data import EMOJI_SIDE
from engine.files.images import ImageFileError, load_image, picture_files

MAX_STICKERS = 200           # more is a sticker set, not a few of one's own: the first 200 train
MIN_TRANSPARENT = 0.05       # of a sticker's picture at least this share must be see-through


def sticker_from(image: Image.Image) -> np.ndarray:
    """An RGBA picture as a sticker: cut to its opaque part, centred on a transparent square and
    resized to the emoji's side, float32 (40, 40, 4) in [0, 255], as :func:`load_emoji` gives."""
    box = image.getchannel("A").point(lambda a: 255 if a > 8 else 0).getbbox()
    part = image.crop(box)
    side = max(part.size)
    square = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    square.paste(part, ((side - part.width) // 2, (side - part.height) // 2))
    return np.asarray(square.resize((EMOJI_SIDE, EMOJI_SIDE), Image.LANCZOS), np.float32)


def load_stickers(folder: str | Path, stop: Callable[[], None] | None = None
                  ) -> tuple[np.ndarray, list[str]]:
    """Every usable sticker in ``folder`` (sorted by name; at most :data:`MAX_STICKERS`) and a
    message per file skipped: not a picture, unreadable, without a transparent background, or
    see-through everywhere. ``stop()`` is called before each file and may raise."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ImageFileError(f"{folder}: not a folder of stickers")
    stickers, problems = [], []
    for path in picture_files(folder, problems, stop):
        if len(stickers) == MAX_STICKERS:
            problems.append(f"{path.name}: skipped, {MAX_STICKERS} stickers are the most a run "
                            "learns")
            continue
        try:
            image = load_image(path, "RGBA")
        except ImageFileError as exc:
            problems.append(str(exc))
            continue
        alpha = np.asarray(image.getchannel("A"))
        if (alpha < 128).mean() < MIN_TRANSPARENT:
            problems.append(f"{path.name}: skipped, it has no transparent background (a sticker "
                            "is a PNG or WebP whose background is see-through)")
        elif (alpha > 8).sum() < 16:
            problems.append(f"{path.name}: skipped, it is see-through everywhere")
        else:
            stickers.append(sticker_from(image))
    if not stickers:
        raise ImageFileError(f"{folder}: holds no usable stickers"
                             + (f" ({'; '.join(problems[:3])})" if problems else ""))
    return np.stack(stickers), problems
