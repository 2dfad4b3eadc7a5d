"""Reading a user's pictures safely: photos for the CPPN's target and the de-emoji tab.

Every problem (not an image, a broken or truncated file, a picture too big to decode) raises
:class:`ImageFileError` naming the file and what is wrong, instead of crashing or exhausting
memory. Very large JPEGs are decoded already shrunk (JPEG's draft mode), others are refused.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

MAX_PIXELS = 40_000_000          # larger pictures are shrunk while decoding, or refused
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")


class ImageFileError(ValueError):
    """A picture that cannot be used; the message names the file and the problem."""


def load_image(path: str | Path, mode: str = "RGB") -> Image.Image:
    """Open and fully decode ``path`` as a Pillow image in ``mode`` (RGB, RGBA or L)."""
    path = Path(path)
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
                out = img.convert(mode)
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
