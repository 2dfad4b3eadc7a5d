"""An Embedding Projector bundle: TensorBoard's PROJECTOR tab shows codes with their pictures.

A bundle in a run's log folder is ``projector_config.pbtxt`` naming one embedding per entry
(``tensor_path`` to a TSV of codes), shared ``metadata.tsv`` (a header, then a row per point)
and ``sprite.png`` (the points' pictures tiled in a square). TensorBoard reads the config each
time the tab opens, so entries added while a run trains appear on the next visit. The config is
rewritten atomically; the tensors are written before the entry naming them.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from google.protobuf import text_format
from PIL import Image
from tensorboard.plugins.projector.projector_config_pb2 import ProjectorConfig

from engine.files.atomic import write_atomically

CONFIG_NAME = "projector_config.pbtxt"
METADATA_NAME = "metadata.tsv"
SPRITE_NAME = "sprite.png"
MAX_SPRITE_SIDE = 8192     # TensorBoard's own limit for a sprite image


def sprite_fits(images: np.ndarray) -> bool:
    """Whether ``images`` tile into a sprite TensorBoard accepts (at most 8192 pixels a side)."""
    n, h, w = images.shape[:3]
    return math.ceil(math.sqrt(n)) * max(h, w) <= MAX_SPRITE_SIDE


def sprite_sheet(images: np.ndarray) -> Image.Image:
    """Pictures (N, H, W[, C]), floats in [0, 1] or bytes, tiled row by row into a square of
    ceil(√N) a side (white past the last), as TensorBoard expects."""
    n, h, w = images.shape[:3]
    if not sprite_fits(images):
        raise ValueError(f"{n} pictures of {w}×{h} make a sprite over {MAX_SPRITE_SIDE} pixels "
                         f"a side")
    side = math.ceil(math.sqrt(n))
    pixels = images.reshape(n, h, w, -1)
    if pixels.dtype != np.uint8:
        pixels = (np.clip(pixels, 0, 1) * 255).round().astype(np.uint8)
    channels = pixels.shape[3]
    tiles = np.full((side * side, h, w, channels), 255, np.uint8)
    tiles[:n] = pixels
    sheet = tiles.reshape(side, side, h, w, channels).transpose(0, 2, 1, 3, 4).reshape(
        side * h, side * w, channels)
    return Image.fromarray(sheet[..., 0] if channels == 1 else sheet)


class ProjectorBundle:
    """The bundle of one run: ``start`` writes what every entry shares, ``add`` one embedding."""

    def __init__(self, logdir: str | Path):
        self.logdir = Path(logdir)
        self.config = ProjectorConfig()
        self._image_size: tuple[int, int] | None = None

    def start(self, columns: dict[str, list], images: np.ndarray | None = None) -> None:
        """``columns``: metadata by name (a value per point); ``images``: a picture per point
        (left out where they would make a sprite larger than TensorBoard reads)."""
        self.logdir.mkdir(parents=True, exist_ok=True)
        names = list(columns)
        rows = zip(*(columns[name] for name in names))
        text = "\t".join(names) + "\n" + "".join(
            "\t".join(str(v).replace("\t", " ") for v in row) + "\n" for row in rows)
        write_atomically(self.logdir / METADATA_NAME,
                         lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
        if images is not None and sprite_fits(images):
            sheet = sprite_sheet(images)
            write_atomically(self.logdir / SPRITE_NAME, lambda tmp: sheet.save(tmp, "PNG"))
            self._image_size = (images.shape[2], images.shape[1])

    def add(self, name: str, codes: np.ndarray, folder: str) -> None:
        """One embedding (N, D) named ``name``, its TSV in ``folder`` of the log folder."""
        (self.logdir / folder).mkdir(parents=True, exist_ok=True)
        tensor_path = f"{folder}/tensors.tsv"
        lines = "".join("\t".join(f"{v:.6g}" for v in row) + "\n"
                        for row in np.asarray(codes, np.float64))
        write_atomically(self.logdir / tensor_path,
                         lambda tmp: Path(tmp).write_text(lines, encoding="ascii"))
        entry = self.config.embeddings.add()
        entry.tensor_name = name
        entry.tensor_path = tensor_path
        entry.tensor_shape.extend(codes.shape)
        entry.metadata_path = METADATA_NAME
        if self._image_size is not None:
            entry.sprite.image_path = SPRITE_NAME
            entry.sprite.single_image_dim.extend(self._image_size)
        text = text_format.MessageToString(self.config)
        write_atomically(self.logdir / CONFIG_NAME,
                         lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
