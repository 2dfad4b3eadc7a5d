"""Reading a user's pictures safely (and writing one): photos for the CPPN's target and the de-emoji tab.

Every problem (not an image, a broken or truncated file, a pipe or device instead of a file, a
picture too big to decode) raises :class:`ImageFileError` naming the file and what is wrong,
instead of crashing, hanging or exhausting memory. Very large JPEGs are decoded already shrunk
(JPEG's draft mode), others are refused. Pictures come out as a camera meant them: 16-bit and
float pictures scaled to 8 bits (Pillow's own conversion clips them), turned by their EXIF
orientation, and, where the caller asks for no alpha, transparent parts painted over white.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from engine.files.atomic import write_atomically
from engine.files.limits import FileLimitError, check_regular_file

MAX_PIXELS = 40_000_000          # larger pictures are shrunk while decoding, or refused
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")
NOT_PICTURES = ("LICENSE.md",)   # the licence note beside bundled pictures: not worth a message


def picture_files(folder: Path, problems: list[str],
                  stop: Callable[[], None] | None = None) -> Iterator[Path]:
    """The files of ``folder`` named as pictures, sorted by name (sub-folders and hidden files
    left out); a message goes to ``problems`` for each other file. ``stop()`` is called before
    each file and may raise."""
    for path in sorted(Path(folder).iterdir()):
        if stop is not None:
            stop()
        if path.is_dir() or path.name.startswith(".") or path.name in NOT_PICTURES:
            continue
        if path.suffix.lower() in IMAGE_SUFFIXES:
            yield path
        else:
            problems.append(f"{path.name}: skipped, not a picture file")


class ImageFileError(ValueError):
    """A picture that cannot be used; the message names the file and the problem."""


WIDE_MODES = ("I;16", "I;16B", "I;16L", "I;16N", "I", "F")


def _eight_bit(img: Image.Image) -> Image.Image:
    """A 16-bit, 32-bit or float grey picture as 8-bit grey, its full range kept: 16-bit modes
    by their 0..65535 range, integers by 0..65535 when they exceed 255, floats by 0..1 when they
    fit it, else by their maximum."""
    values = np.asarray(img, np.float64)
    if img.mode == "F":
        top = 1.0 if values.max(initial=0) <= 1.0 else values.max()
    else:
        top = 65535.0 if img.mode.startswith("I;16") or values.max(initial=0) > 255 else 255.0
    return Image.fromarray(np.round(np.clip(values / top, 0, 1) * 255).astype(np.uint8), "L")


def _convert(img: Image.Image, mode: str) -> Image.Image:
    """``img`` in ``mode``; transparency becomes white where ``mode`` has no alpha."""
    if img.mode in WIDE_MODES:
        img = _eight_bit(img)
    has_alpha = img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info
    if has_alpha and "A" not in mode:
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, rgba)
    return img.convert(mode)


def load_image(path: str | Path, mode: str = "RGB") -> Image.Image:
    """Open and fully decode ``path`` as a Pillow image in ``mode`` (RGB, RGBA or L)."""
    path = Path(path)
    try:
        check_regular_file(path, "picture")
    except FileLimitError as exc:
        raise ImageFileError(str(exc)) from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                w, h = img.size
                if w * h > MAX_PIXELS:
                    if img.format != "JPEG":
                        raise ImageFileError(
                            f"{path}: {w}×{h} pixels ({w * h / 1e6:.0f} MP) is too large; "
                            f"Latent Lab opens pictures up to {MAX_PIXELS / 1e6:.0f} MP")
                    factor = int(np.ceil(np.sqrt(w * h / MAX_PIXELS)))
                    img.draft(mode, (w // factor, h // factor))
                img.load()
                out = _convert(ImageOps.exif_transpose(img), mode)
    except ImageFileError:
        raise
    except FileNotFoundError:
        raise ImageFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ImageFileError(f"{path}: is a folder, not a picture") from None
    except UnidentifiedImageError:
        raise ImageFileError(f"{path}: not a picture Latent Lab can read "
                             "(PNG, JPEG, BMP, GIF, WebP or TIFF)") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageFileError(f"{path}: too large to decode safely ({exc})") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageFileError(f"{path}: the picture is broken or truncated ({exc})") from None
    if out.width * out.height > MAX_PIXELS:
        factor = np.sqrt(out.width * out.height / MAX_PIXELS)
        out = out.resize((int(out.width / factor), int(out.height / factor)), Image.BILINEAR)
    return out


def image_to_array(img: Image.Image) -> np.ndarray:
    """Pixels as float32 in [0, 1], shape (rows, cols, channels)."""
    a = np.asarray(img, np.float32) / 255.0
    return a[..., None] if a.ndim == 2 else a


def fit_within(img: Image.Image, max_side: int) -> Image.Image:
    """Shrink (never enlarge) so the longer side is at most ``max_side``, keeping the aspect."""
    scale = max_side / max(img.size)
    if scale >= 1:
        return img
    size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
    return img.resize(size, Image.LANCZOS)


def luma(rgb: np.ndarray) -> np.ndarray:
    """The brightness of RGB pixels (the last axis), by ITU-R BT.601's weights, in float32."""
    return np.asarray(rgb, np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)


def to_bytes(image: np.ndarray) -> np.ndarray:
    """Floats in [0, 1] to uint8, rounding to nearest."""
    return (np.clip(image, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


DIFFERENCE_GAIN = 4.0      # a difference of 1/4 of full scale shows at full brightness


def difference_map(a: np.ndarray, b: np.ndarray, gain: float = DIFFERENCE_GAIN) -> np.ndarray:
    """Where two pictures differ: ``|a − b|`` per channel times ``gain``, on black (identical
    pixels stay exactly black)."""
    return np.clip(np.abs(np.asarray(a, np.float32) - np.asarray(b, np.float32)) * gain, 0, 1)


def save_png(image: np.ndarray, path: str | Path) -> Path:
    """Write a picture (H, W[, C]) of floats in [0, 1] as a PNG, atomically (a failed write
    leaves no partial file and any earlier file whole)."""
    pixels = Image.fromarray(to_bytes(image))
    return write_atomically(path, lambda tmp: pixels.save(tmp, "PNG"))
