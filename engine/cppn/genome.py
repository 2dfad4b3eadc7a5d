"""A CPPN picture's genome: the network's design and every weight, the z it is drawn at, the view
scale and the colour map. It reproduces the picture exactly, and is saved as a small JSON file
(weights as base64 float32) that the tab opens again.

A file that is not a genome, is cut short, has wrong shapes or non-finite numbers, or is
absurdly large is refused with :class:`GenomeError` naming the problem.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.cppn.colormaps import COLORMAPS
from engine.cppn.config import CPPNConfig, CPPNStyle
from engine.cppn.network import CPPNWeights, init_weights
from engine.files.atomic import write_atomically
from engine.files.limits import FileLimitError, read_bounded
from engine.validation import check_float

FORMAT = "latent-lab-cppn-genome"
VERSION = 1
MAX_GENOME_BYTES = 64 * 2**20
SCALE_RANGE = (0.01, 100.0)


class GenomeError(ValueError):
    """A genome file or value that cannot be used; the message says why."""


def weight_shapes(config: CPPNConfig) -> list[tuple[int, ...]]:
    h = config.width
    return ([(config.z_dim, h), (h,), (h,), (h,)] + [(h, h)] * config.depth
            + [(h, config.channels)])


@dataclass(frozen=True, eq=False)
class Genome:
    """Everything that fixes one CPPN picture."""

    weights: CPPNWeights
    z: np.ndarray               # (z_dim,) float32
    scale: float
    colormap: str = "viridis"

    def __post_init__(self) -> None:
        z = np.asarray(self.z, np.float32).reshape(-1)
        config = self.weights.config
        if z.shape != (config.z_dim,):
            raise GenomeError(f"z has {z.size} values; the network takes {config.z_dim}")
        shapes = [a.shape for a in self.weights.arrays]
        if shapes != weight_shapes(config):
            raise GenomeError(f"the weights' shapes {shapes} do not fit the design "
                              f"(width {config.width}, depth {config.depth})")
        if not all(np.isfinite(a).all() for a in self.weights.arrays) or not np.isfinite(z).all():
            raise GenomeError("the genome holds a NaN or infinite number")
        check_float("scale", self.scale, *SCALE_RANGE)
        if self.colormap not in COLORMAPS:
            raise GenomeError(f"unknown colour map {self.colormap!r}")
        object.__setattr__(self, "z", z)

    @property
    def config(self) -> CPPNConfig:
        return self.weights.config

    def same_picture(self, other: "Genome") -> bool:
        return (self.config == other.config and self.scale == other.scale and
                self.colormap == other.colormap and np.array_equal(self.z, other.z) and
                all(np.array_equal(a, b) for a, b in zip(self.weights.arrays,
                                                         other.weights.arrays)))

    # -- JSON --------------------------------------------------------------------------------
    def to_json(self) -> str:
        c = self.config
        return json.dumps({
            "format": FORMAT, "version": VERSION,
            "design": {"style": c.style.value, "width": c.width, "depth": c.depth,
                       "activations": list(c.activations), "channels": c.channels,
                       "z_dim": c.z_dim, "weight_scale": c.weight_scale, "seed": c.seed},
            "z": [float(v) for v in self.z], "scale": self.scale, "colormap": self.colormap,
            "weights": [base64.b64encode(np.ascontiguousarray(a, "<f4").tobytes()).decode()
                        for a in self.weights.arrays]})

    @classmethod
    def from_json(cls, text: str) -> "Genome":
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise GenomeError(f"not a genome (not JSON: {exc})") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise GenomeError("not a Latent Lab CPPN genome")
        if data.get("version") != VERSION:
            raise GenomeError(f"genome version {data.get('version')!r}; this app reads {VERSION}")
        try:
            d = data["design"]
            config = CPPNConfig(style=CPPNStyle(d["style"]), width=d["width"], depth=d["depth"],
                                activations=tuple(d["activations"]), channels=d["channels"],
                                z_dim=d["z_dim"], weight_scale=d["weight_scale"], seed=d["seed"])
            blobs = data["weights"]
            shapes = weight_shapes(config)
            if not isinstance(blobs, list) or len(blobs) != len(shapes):
                raise GenomeError(f"{len(blobs) if isinstance(blobs, list) else 'no'} weight "
                                  f"arrays for a design that has {len(shapes)}")
            arrays = []
            for blob, shape in zip(blobs, shapes):
                raw = base64.b64decode(blob, validate=True)
                if len(raw) != 4 * int(np.prod(shape)):
                    raise GenomeError(f"a weight array of {len(raw) // 4} numbers where the "
                                      f"design needs {int(np.prod(shape))}")
                arrays.append(np.frombuffer(raw, "<f4").astype(np.float32).reshape(shape))
            return cls(CPPNWeights(config, tuple(arrays)), np.asarray(data["z"], np.float32),
                       float(data["scale"]), str(data["colormap"]))
        except GenomeError:
            raise
        except (KeyError, TypeError, ValueError) as exc:
            raise GenomeError(f"a damaged genome: {type(exc).__name__}: {exc}") from None

    def save(self, path: str | Path) -> Path:
        text = self.to_json()
        return write_atomically(path, lambda tmp: Path(tmp).write_text(text, "utf-8"))

    @classmethod
    def load(cls, path: str | Path) -> "Genome":
        try:
            raw = read_bounded(path, MAX_GENOME_BYTES, "genome")
        except FileLimitError as exc:
            raise GenomeError(str(exc)) from None
        except OSError as exc:
            raise GenomeError(f"{path}: {exc.strerror or exc}") from None
        try:
            return cls.from_json(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise GenomeError(f"{path}: not a genome (not text)") from None
        except GenomeError as exc:
            raise GenomeError(f"{path}: {exc}") from None


def genome_of(config: CPPNConfig, z, scale: float, colormap: str) -> Genome:
    """The genome of a network drawn from its config's seed."""
    return Genome(init_weights(config), np.asarray(z, np.float32), float(scale), colormap)
